/**
 * The change poller against the fake Immich: the first poll lists the library, later ones ask with
 * `updatedAfter` from the server's own newest `updatedAt` (minus the overlap), hand each change on
 * once, skip what the caller already knows, other users' and trashed assets, and forget what falls
 * behind the overlap.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImmichClient } from '../../src/sources/immich/immich-client.js';
import { ChangePoller } from '../../src/watch/change-poller.js';
import { startFakeImmich, type FakeImmich, type SeededUser } from '../helpers/fake-immich/index.js';

describe('ChangePoller on the fake Immich', () => {
  let fake: FakeImmich;
  let me: SeededUser;
  let client: ImmichClient;
  const everything = () => true;
  const at = (iso: string, id: string) => {
    fake.state.assets.get(id)!.updatedAt = iso;
  };
  const add = (name: string, updatedAt: string, extra: { trashed?: boolean; ownerId?: string } = {}) => {
    const asset = fake.state.addAsset({ ownerId: extra.ownerId ?? me.user.id, originalFileName: name, trashed: extra.trashed ?? false });
    asset.updatedAt = updatedAt;
    return asset.id;
  };
  const names = (photos: { path: string }[]) => photos.map((photo) => photo.path).sort();
  const searches = () => fake.requests((r) => r.apiPath === '/api/search/metadata').map((r) => (r.body as { updatedAfter?: string }).updatedAfter);

  beforeEach(async () => {
    fake = await startFakeImmich();
    me = fake.seedUser();
    client = new ImmichClient({ baseUrl: fake.url, apiKey: me.key });
  });
  afterEach(async () => {
    expect(fake.violations()).toEqual([]);
    await client.close();
    await fake.close();
  });

  it('lists the library first, then only what changed, each change once', async () => {
    const partner = fake.seedUser({ email: 'partner@example.com' });
    fake.state.addPartner(partner.user.id, me.user.id);
    add('a.jpg', '2024-01-01T10:00:00.000Z');
    const b = add('b.jpg', '2024-01-01T11:00:00.000Z');
    add('trashed.jpg', '2024-01-01T11:30:00.000Z', { trashed: true });
    add('partner.jpg', '2024-01-01T11:45:00.000Z', { ownerId: partner.user.id });
    const poller = new ChangePoller({ client, capabilities: { visibilityFilter: true }, overlapMs: 60_000 });

    expect(names(await poller.poll(everything))).toEqual(['a.jpg', 'b.jpg']);
    expect(searches().length).toBeGreaterThan(0);
    expect(searches().every((since) => since === undefined)).toBe(true);
    // The partner's asset is the newest the server showed: the cursor is the server's clock, whoever owns it.
    expect(poller.cursor).toBe('2024-01-01T11:45:00.000Z');

    fake.clearRequests();
    expect(await poller.poll(everything)).toEqual([]);
    expect(new Set(searches())).toEqual(new Set(['2024-01-01T11:44:00.000Z']));

    // Changed later, and new: both come; b, seen at its older updatedAt, comes again at its new one.
    at('2024-01-01T12:00:00.000Z', b);
    add('c.jpg', '2024-01-01T12:00:30.000Z');
    expect(names(await poller.poll(everything))).toEqual(['b.jpg', 'c.jpg']);
    expect(await poller.poll(everything)).toEqual([]);
  });

  it('sees a change stamped a little before the cursor (a late commit) within the overlap', async () => {
    add('a.jpg', '2024-01-01T10:00:00.000Z');
    const poller = new ChangePoller({ client, capabilities: { visibilityFilter: true }, overlapMs: 60_000 });
    await poller.poll(everything);
    add('late.jpg', '2024-01-01T09:59:30.000Z');
    add('too-late.jpg', '2024-01-01T09:58:00.000Z');
    expect(names(await poller.poll(everything))).toEqual(['late.jpg']);
  });

  it('hands on only what the caller does not know, and forgets what falls behind the overlap', async () => {
    add('known.jpg', '2024-01-01T10:00:00.000Z');
    add('new.jpg', '2024-01-01T10:00:10.000Z');
    const poller = new ChangePoller({ client, capabilities: { visibilityFilter: true }, overlapMs: 60_000 });
    const unknown = (photo: { path: string }) => photo.path !== 'known.jpg';
    expect(names(await poller.poll(unknown))).toEqual(['new.jpg']);
    expect(poller.remembered).toBe(1);
    add('much-later.jpg', '2024-01-01T11:00:00.000Z');
    expect(names(await poller.poll(unknown))).toEqual(['much-later.jpg']);
    expect(poller.remembered).toBe(1);
  });

  it('lists without filters, filtering here, on a server whose filtered searches stop after one page', async () => {
    await fake.close();
    // Like the compatible server in COMPATIBLE-SERVERS.md: pages capped at 2, filtered searches end after one.
    fake = await startFakeImmich({ searchPaging: 'filtered-ends-after-one-page', searchPageCap: 2 });
    me = fake.seedUser();
    await client.close();
    client = new ImmichClient({ baseUrl: fake.url, apiKey: me.key });
    for (let i = 1; i <= 5; i++) add(`${i}.jpg`, `2024-01-01T10:0${i}:00.000Z`);
    const poller = new ChangePoller({ client, capabilities: { visibilityFilter: true }, overlapMs: 60_000 });
    expect(names(await poller.poll(everything))).toEqual(['1.jpg', '2.jpg', '3.jpg', '4.jpg', '5.jpg']);
    add('6.jpg', '2024-01-01T10:07:00.000Z');
    add('old.jpg', '2024-01-01T09:00:00.000Z');
    expect(names(await poller.poll(everything))).toEqual(['6.jpg']);
  });

  it('keeps its cursor when the server cannot be asked', async () => {
    add('a.jpg', '2024-01-01T10:00:00.000Z');
    const poller = new ChangePoller({ client, capabilities: { visibilityFilter: true } });
    await poller.poll(everything);
    fake.faults.add({ kind: 'status', status: 500, match: (target) => target.apiPath === '/api/search/metadata' });
    await expect(poller.poll(everything)).rejects.toThrow(/500/);
    fake.faults.clear();
    expect(poller.cursor).toBe('2024-01-01T10:00:00.000Z');
    add('b.jpg', '2024-01-01T10:05:00.000Z');
    expect(names(await poller.poll(everything))).toEqual(['b.jpg']);
  });
});
