/**
 * Archive and trash never touch a best photo, a reference photo, or another user's (a partner's)
 * photo, even when handed groups that hold them; tried against the fake server with a real journal.
 * The groups are made by hand because the Immich source never lists a partner's assets: these tests
 * show the targets would refuse them anyway, from the `ownerId` they read themselves.
 */

import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/progress.js';
import { immichActionTarget } from '../../src/actions/immich/immich-target.js';
import { inherit } from '../../src/actions/immich/inheritance.js';
import type { AssetState } from '../../src/actions/immich/asset-state.js';
import type { PhotoGroup } from '../../src/grouping/group-engine.js';
import type { HashedPhoto } from '../../src/hashing/hash-stage.js';
import { detectCapabilities, ImmichClient } from '../../src/sources/immich/index.js';
import { openStore } from '../../src/store/open-store.js';
import { RunRepository } from '../../src/store/run-repository.js';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

function member(id: string, options: { reference?: boolean; source?: 'immich' | 'local' } = {}): HashedPhoto {
  return {
    photo: { source: options.source ?? 'immich', id, path: `${id}.jpg`, changeKey: id, meta: { width: 100, height: 100, bytes: 1000, format: 'jpeg' }, ...(options.reference ? { isReference: true } : {}) },
    fingerprint: { variants: [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n] },
    checksum: undefined,
  };
}

function group(id: string, members: HashedPhoto[]): PhotoGroup {
  return { id, kind: 'near', best: members[0] as HashedPhoto, bestReason: 'test', members, distances: members.map((_, index) => index), setAsideBecause: members.map(() => undefined), foundBy: ['phash'] };
}

describe.each(['archive', 'trash'] as const)('--%s-others safety', (mode) => {
  let fake: FakeImmich;
  const clients: ImmichClient[] = [];
  afterAll(async () => {
    for (const client of clients) await client.close();
    await fake.close();
  });

  let ids: Record<string, string>;
  let key: string;
  beforeEach(async () => {
    await fake?.close();
    fake = await startFakeImmich();
    const me = fake.seedUser();
    const partner = fake.seedUser();
    key = me.key;
    fake.state.addPartner(partner.user.id, me.user.id);
    const add = (name: string, ownerId: string) => fake.state.addAsset({ ownerId, originalFileName: `${name}.jpg` }).id;
    ids = {
      best: add('best', me.user.id),
      copy: add('copy', me.user.id),
      partnerCopy: add('partner-copy', partner.user.id),
      partnerBest: add('partner-best', partner.user.id),
      mineUnderPartner: add('mine-under-partner', me.user.id),
      mineUnderReference: add('mine-under-reference', me.user.id),
      referenceInImmich: add('reference-in-immich', me.user.id),
    };
  });

  async function run(groups: PhotoGroup[]) {
    const client = new ImmichClient({ baseUrl: fake.url, apiKey: key });
    clients.push(client);
    const capabilities = await detectCapabilities(client);
    const target = immichActionTarget({ client, capabilities, includeSimilar: false, resolve: { review: false, similarity: false, others: mode } });
    if (!target) throw new Error('no target');
    const journal = new RunRepository(openStore(path.join(tempDir(), 'h.db')));
    journal.start({ id: 'run-1', command: 'organize', source: 'immich', dryRun: false });
    fake.clearRequests();
    return target.apply(await target.plan(groups), { runId: 'run-1', journal, logger: silentLogger, verify: true });
  }

  const touched = (): Set<string> => {
    const out = new Set<string>();
    for (const request of fake.writeRequests()) for (const id of (request.body as { ids?: string[] }).ids ?? []) out.add(id);
    return out;
  };

  it('acts on the copy only: never the best, never a partner photo in the group, never a group whose best is a partner photo', async () => {
    await run([
      group('group-0001', [member(ids.best ?? ''), member(ids.copy ?? ''), member(ids.partnerCopy ?? '')]),
      group('group-0002', [member(ids.partnerBest ?? ''), member(ids.mineUnderPartner ?? '')]),
    ]);
    const changed = touched();
    expect(changed).toEqual(new Set([ids.copy]));
    const state = (id: string | undefined) => fake.state.assets.get(id ?? '');
    expect(mode === 'archive' ? state(ids.copy)?.visibility : state(ids.copy)?.deletedAt !== null).toBe(mode === 'archive' ? 'archive' : true);
    for (const id of [ids.best, ids.partnerCopy, ids.partnerBest, ids.mineUnderPartner]) {
      expect(state(id)).toMatchObject({ visibility: 'timeline', deletedAt: null });
    }
  });

  it('never acts on a reference photo, nor on a group whose best photo is a reference (nothing of it would be left in Immich)', async () => {
    await run([
      group('group-0001', [member('/local/best.jpg', { source: 'local', reference: true }), member(ids.mineUnderReference ?? '')]),
      group('group-0002', [member(ids.best ?? ''), member(ids.referenceInImmich ?? '', { reference: true })]),
    ]);
    expect(fake.writeRequests()).toEqual([]);
    for (const id of [ids.mineUnderReference, ids.referenceInImmich, ids.best]) expect(fake.state.assets.get(id ?? '')).toMatchObject({ visibility: 'timeline', deletedAt: null });
  });
});

describe('inheritance (what the kept photo takes from its copies)', () => {
  const state = (id: string, fields: Partial<AssetState> = {}): AssetState => ({
    id, ownerId: 'me', duplicateId: null, visibility: 'timeline', isTrashed: false, isFavorite: false, rating: null, description: '', latitude: null, longitude: null, dateTimeOriginal: null, ...fields,
  });

  it('takes favorite, the highest rating, every description line once, a location the copies agree on, a missing date, and the albums it is not in', () => {
    const keeper = state('k', { rating: 2, description: 'mine' });
    const copies = [state('a', { isFavorite: true, rating: 4, description: 'mine\nfrom a', latitude: 1, longitude: 2, dateTimeOriginal: '2020-01-02T00:00:00.000Z' }), state('b', { rating: 3, description: 'from b', latitude: 1, longitude: 2, dateTimeOriginal: '2020-01-01T00:00:00.000Z' })];
    const albums = new Map([['k', ['x']], ['a', ['x', 'y']], ['b', ['z']]]);
    expect(inherit(keeper, copies, albums)).toEqual({
      keeper: 'k', favorite: true, rating: { before: 2, after: 4 }, description: { before: 'mine', after: 'mine\nfrom a\nfrom b' }, location: { latitude: 1, longitude: 2 }, date: '2020-01-01T00:00:00.000Z', albums: ['y', 'z'],
    });
  });

  it('takes nothing it already has, and no location when the copies disagree', () => {
    const keeper = state('k', { isFavorite: true, rating: 5, description: 'x', latitude: 9, longitude: 9, dateTimeOriginal: '2021-01-01T00:00:00.000Z' });
    expect(inherit(keeper, [state('a', { isFavorite: true, rating: 2, description: 'x', latitude: 1, longitude: 2 })], new Map())).toEqual({ keeper: 'k', albums: [] });
    const lost = state('k');
    expect(inherit(lost, [state('a', { latitude: 1, longitude: 2 }), state('b', { latitude: 3, longitude: 4 })], new Map()).location).toBeUndefined();
  });
});
