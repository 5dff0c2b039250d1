/**
 * Paging that cannot be trusted (COMPATIBLE-SERVERS.md): a server that caps pages at 200 and answers
 * `nextPage: null` to any filtered search (adapter-like), and one that repeats a page number on
 * filtered searches. The listing notices, lists without filters, filters on the client and says so
 * once; on a server that pages like Immich it costs at most one tiny probe and no unfiltered listing.
 */

import { afterEach, describe, expect, it } from 'vitest';
import type { Photo } from '../../src/core/photo.js';
import { ImmichPhotoSource } from '../../src/sources/immich/immich-photo-source.js';
import { ThumbnailCache } from '../../src/thumbnails/thumbnail-cache.js';
import { COMPATIBLE_PROFILES, startFakeImmich, type FakeImmich, type FakeImmichOptions } from '../helpers/fake-immich/index.js';

const fakes: FakeImmich[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** `count` photos, plus one archived, one trashed, one hidden and a video that must stay out. */
async function listed(options: FakeImmichOptions, count: number, pageSize?: number): Promise<{ photos: Photo[]; notices: string[]; fake: FakeImmich }> {
  const fake = await startFakeImmich(options);
  fakes.push(fake);
  const { user, key } = fake.seedUser();
  fake.state.addManyAssets(count, { ownerId: user.id, thumbnail: null });
  fake.state.addAsset({ ownerId: user.id, originalFileName: 'archived.jpg', visibility: 'archive' });
  fake.state.addAsset({ ownerId: user.id, originalFileName: 'trashed.jpg', trashed: true });
  fake.state.addAsset({ ownerId: user.id, originalFileName: 'hidden.jpg', visibility: 'hidden' });
  fake.state.addAsset({ ownerId: user.id, originalFileName: 'clip.mp4', type: 'VIDEO' });
  const notices: string[] = [];
  const source = await ImmichPhotoSource.open({ baseUrl: fake.url, apiKey: key, cache: await ThumbnailCache.open({ streamMode: true }), onNotice: (message) => notices.push(message), ...(pageSize ? { pageSize } : {}) });
  const photos: Photo[] = [];
  for await (const entry of source.list()) if (entry.kind === 'photo') photos.push(entry.photo);
  await source.close();
  return { photos, notices, fake };
}

const names = (photos: readonly Photo[]) => new Set(photos.map((photo) => photo.path));

describe('listing on a server whose paging cannot be trusted', () => {
  it('adapter-like: filtered searches end after one page of 200; every photo is listed once, said once', async () => {
    const { photos, notices } = await listed(COMPATIBLE_PROFILES[0]?.options ?? {}, 450);
    expect(photos).toHaveLength(451);
    expect(names(photos).size).toBe(451);
    expect(names(photos).has('archived.jpg')).toBe(true);
    for (const left of ['trashed.jpg', 'hidden.jpg', 'clip.mp4']) expect(names(photos).has(left)).toBe(false);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/ended a filtered search after one page of 200 assets while an unfiltered search pages on/);
  });

  it('a filtered search that repeats its page number: every photo listed once, said once', async () => {
    const { photos, notices } = await listed({ searchPaging: 'filtered-repeats-page' }, 350, 100);
    expect(photos).toHaveLength(351);
    expect(names(photos).size).toBe(351);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/answered a nextPage it had already given/);
  });

  it('a server that pages like Immich: no notice, no unfiltered request once a search has paged', async () => {
    const { photos, notices, fake } = await listed({}, 450, 100);
    expect(photos).toHaveLength(451);
    expect(notices).toEqual([]);
    // The timeline paged at 100 a page, so the archive's one page of one photo is not full: nothing to probe.
    const unfiltered = fake.requests((request) => request.apiPath === '/api/search/metadata' && (request.body as { type?: string }).type === undefined);
    expect(unfiltered).toEqual([]);
    expect(fake.violations()).toEqual([]);
  });

  it('a small library on a server that pages like Immich: one probe of a page and one item', async () => {
    const { photos, notices, fake } = await listed({}, 3);
    expect(photos).toHaveLength(4);
    expect(notices).toEqual([]);
    const unfiltered = fake.requests((request) => request.apiPath === '/api/search/metadata' && (request.body as { type?: string }).type === undefined);
    expect(unfiltered.map((request) => request.body)).toEqual([{ page: 1, size: 4 }]);
  });
});
