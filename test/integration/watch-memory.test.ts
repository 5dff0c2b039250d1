/**
 * Memory stays flat over a long watch: the loop, in this process, against the fake Immich with
 * `--tag-only`, is fed 50 batches (each a new photo and its copy, uploaded while it "waits": the
 * wait is driven, not timed). The heap after batch 50 is compared with the heap after batch 10,
 * both after a full garbage collection: it must not grow with the number of batches.
 */

import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { immichActionTarget } from '../../src/actions/immich/immich-target.js';
import { ImmichPhotoSource } from '../../src/sources/immich/index.js';
import { lockStore } from '../../src/store/store-lock.js';
import { ThumbnailCache } from '../../src/thumbnails/thumbnail-cache.js';
import { watchImmich } from '../../src/watch/watch-immich.js';
import { makeImmichThumbnail, startFakeImmich, type FakeImmich, type SeededUser } from '../helpers/fake-immich/index.js';
import { sceneJpeg } from '../helpers/images.js';
import { useTempDirs } from '../helpers/temp-dir.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const tempDir = useTempDirs();

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('watch memory over 50 batches', () => {
  let fake: FakeImmich;
  let me: SeededUser;

  beforeAll(async () => {
    fake = await startFakeImmich();
    me = fake.seedUser();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('does not grow the heap with the number of batches', async () => {
    const root = tempDir('po-watch-memory');
    const storeFile = path.join(root, 'h.db');
    // A cache small enough to be full long before batch 10: what it holds does not count as growth.
    const cache = await ThumbnailCache.open({ streamMode: true, memoryMaxBytes: 16 * 1024 });
    const server = await ImmichPhotoSource.open({ baseUrl: fake.url, apiKey: me.key, concurrency: 2, cache });
    const target = immichActionTarget({ client: server.client, capabilities: server.capabilities, includeSimilar: false, action: { kind: 'tag', tagName: 'possible-duplicate', perGroup: false } });
    const controller = new AbortController();
    const heap: Record<number, number> = {};
    let uploaded = 0;
    let tags = 0;
    const tagged = () => fake.state.tagAssets.get([...fake.state.tags.values()][0]?.id ?? '')?.size ?? 0;

    // A new scene and its copy (another file, same picture) arrive while the loop waits. The pair
    // before is deleted from the fake for good, so the fake in this process does not grow either.
    let previous: string[] = [];
    const upload = async () => {
      for (const id of previous) {
        fake.state.assets.delete(id);
        for (const assets of fake.state.tagAssets.values()) assets.delete(id);
      }
      previous = [];
      const seed = ++uploaded;
      const thumbnail = await makeImmichThumbnail(await sceneJpeg({ seed }));
      for (const copy of ['', '-copy']) {
        previous.push(fake.state.addAsset({ ownerId: me.user.id, originalFileName: `scene-${seed}${copy}.jpg`, fileCreatedAt: new Date(Date.UTC(2024, 0, seed)).toISOString(), width: 480, height: 360, thumbnail, exif: { fileSizeInByte: 40_000 } }).id);
      }
      fake.clearRequests();
    };

    const lock = lockStore(storeFile);
    try {
      const summary = await watchImmich({
        server,
        serverUrl: fake.url,
        storeFile,
        intervalMs: 30_000,
        signal: controller.signal,
        logger: { info: () => undefined, warn: (message) => expect.fail(message), debug: () => undefined },
        settings: { threshold: 8, target, dryRun: false, concurrency: 2, references: [] },
        sleep: async () => {
          if (!controller.signal.aborted) await upload();
        },
        onBatch: (count) => {
          expect(tagged()).toBe(2);
          tags += tagged();
          if (count === 10) heap[10] = heapAfterGc();
          if (count === 50) {
            heap[50] = heapAfterGc();
            controller.abort();
          }
        },
      });
      expect(summary.batches).toBe(50);
    } finally {
      lock.release();
      await server.close();
    }
    // Every pair was found and tagged, one batch each.
    expect(tags).toBe(100);
    expect(fake.violations()).toEqual([]);
    const growth = heap[50]! - heap[10]!;
    // Measured: about 64 kB over these 40 batches. The bound is generous against allocator and JIT
    // noise, yet a leak of 25 kB per batch (a batch's report, its stored photos) would cross it.
    expect(growth).toBeLessThan(1024 * 1024);
  });
});
