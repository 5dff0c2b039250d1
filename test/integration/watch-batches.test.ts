/**
 * What a `watch` batch acts on, in this process against the fake Immich with the loop driven (each
 * "wait" makes the next change on the server): the stored members of a batch's group are read fresh
 * (a photo already favorite is not favorited again, so undo of the batch leaves it a favorite); a
 * member trashed since it was stored leaves the store and the group waits one batch; `--dry-run`
 * changes nothing on the server. (Undo of one batch: test/e2e/immich-watch.test.ts.)
 */

import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { immichActionTarget, type ImmichAction } from '../../src/actions/immich/immich-target.js';
import type { OrganizeResult } from '../../src/pipeline.js';
import { ImmichPhotoSource } from '../../src/sources/immich/index.js';
import { lockStore } from '../../src/store/store-lock.js';
import { ThumbnailCache } from '../../src/thumbnails/thumbnail-cache.js';
import { watchImmich } from '../../src/watch/watch-immich.js';
import { makeImmichThumbnail, startFakeImmich, type FakeImmich, type SeededUser } from '../helpers/fake-immich/index.js';
import { sceneJpeg } from '../helpers/images.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

describe('watch batches', () => {
  let fake: FakeImmich;
  let me: SeededUser;
  let thumbnail: Buffer;
  let root: string;

  beforeEach(async () => {
    fake = await startFakeImmich();
    me = fake.seedUser();
    thumbnail = await makeImmichThumbnail(await sceneJpeg({ seed: 7 }));
    root = tempDir('po-watch-batches');
  });
  afterEach(async () => {
    expect(fake.violations()).toEqual([]);
    await fake.close();
  });

  /** A copy of the scene; `big` ones are the best of a group. */
  const add = (name: string, big = false) =>
    fake.state.addAsset({ ownerId: me.user.id, originalFileName: name, width: big ? 4000 : 800, height: big ? 3000 : 600, thumbnail, exif: { fileSizeInByte: big ? 4_000_000 : 100_000 } }).id;

  /** Runs watch with one step per wait; stops when the steps are done. */
  async function watch(action: ImmichAction, steps: (() => void)[], dryRun = false) {
    const storeFile = path.join(root, 'h.db');
    const server = await ImmichPhotoSource.open({ baseUrl: fake.url, apiKey: me.key, cache: await ThumbnailCache.open({ streamMode: true }) });
    const target = immichActionTarget({ client: server.client, capabilities: server.capabilities, includeSimilar: false, action });
    if (!target) throw new Error('no target for this action');
    const controller = new AbortController();
    const results: OrganizeResult[] = [];
    const plans: string[] = [];
    const lock = lockStore(storeFile);
    try {
      await watchImmich({
        server,
        serverUrl: fake.url,
        storeFile,
        intervalMs: 30_000,
        signal: controller.signal,
        logger: { info: () => undefined, warn: (message) => expect.fail(message), debug: () => undefined },
        settings: { threshold: 8, target, dryRun, concurrency: 2, references: [], onPlan: (lines) => plans.push(...lines) },
        sleep: () => {
          const step = steps.shift();
          if (step) step();
          else controller.abort();
          return Promise.resolve();
        },
        onResult: (result) => results.push(result),
      });
    } finally {
      lock.release();
      await server.close();
    }
    return { results, plans, storeFile };
  }

  const journal = (storeFile: string, runId: string) => {
    const db = new Database(storeFile, { readonly: true });
    const rows = db.prepare('SELECT action, subject FROM journal WHERE run_id = ? ORDER BY seq').all(runId) as { action: string; subject: string }[];
    db.close();
    return rows;
  };
  const storedIds = (storeFile: string) => {
    const db = new Database(storeFile, { readonly: true });
    const ids = (db.prepare('SELECT id FROM photos').all() as { id: string }[]).map((row) => row.id);
    db.close();
    return ids.sort();
  };
  const members = (result: OrganizeResult | undefined) => result?.report.groups.map((group) => group.items.map((item) => item.id).sort());

  it('reads stored members fresh: a best photo already favorite is not favorited (or un-favorited by undo) again', async () => {
    const best = add('best.jpg', true);
    const copy = add('copy.jpg');
    let later = '';
    const { results, storeFile } = await watch({ kind: 'groups', favorite: true, stack: false }, [() => (later = add('later.jpg'))]);
    expect(results).toHaveLength(2);
    const [first, second] = results;
    expect(members(first)).toEqual([[best, copy].sort()]);
    expect(journal(storeFile, first!.report.runId)).toEqual([{ action: 'favorite', subject: JSON.stringify([best]) }]);
    // The second batch: the new copy joins the group; the best, stored without its favorite flag, is one already.
    expect(members(second)).toEqual([[best, copy, later].sort()]);
    expect(journal(storeFile, second!.report.runId)).toEqual([]);
    expect(fake.state.assets.get(best)!.isFavorite).toBe(true);
  });

  it('drops a member trashed since it was stored, and acts on its group one batch later without it', async () => {
    const best = add('best.jpg', true);
    const trashed = add('trashed.jpg');
    let later = '';
    const { results, storeFile } = await watch({ kind: 'tag', tagName: 'possible-duplicate', perGroup: false }, [
      () => {
        const asset = fake.state.assets.get(trashed)!;
        asset.deletedAt = new Date().toISOString();
        asset.updatedAt = asset.deletedAt;
        later = add('later.jpg');
      },
      () => undefined,
    ]);
    expect(results.map(members)).toEqual([[[best, trashed].sort()], [], [[best, later].sort()]]);
    expect(storedIds(storeFile)).toEqual([best, later].sort());
    const tag = [...fake.state.tags.values()][0]!;
    expect([...fake.state.tagAssets.get(tag.id)!].sort()).toEqual([best, trashed, later].sort());
  });

  it('--dry-run: every batch says what it would do and the server is not changed', async () => {
    add('best.jpg', true);
    add('copy.jpg');
    const { results, plans } = await watch({ kind: 'tag', tagName: 'possible-duplicate', perGroup: false }, [() => add('later.jpg')], true);
    expect(results).toHaveLength(2);
    expect(plans.some((line) => line.startsWith('Would tag'))).toBe(true);
    expect(fake.writeRequests()).toEqual([]);
    expect(fake.state.tags.size).toBe(0);
  });
});
