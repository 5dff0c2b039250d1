/**
 * ImmichPhotoSource.list() against the fake Immich: paging, what is left out (partners, trash,
 * videos, hidden live-photo halves, locked), the exif inner-join fallback, album filters, and
 * every request valid against the OpenAPI document.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import type { Photo, SourceEntry } from '../../src/core/photo.js';
import { ImmichPhotoSource } from '../../src/sources/immich/immich-photo-source.js';
import { ThumbnailCache } from '../../src/thumbnails/thumbnail-cache.js';
import { defaultExif, startFakeImmich, type FakeImmich, type SeededUser } from '../helpers/fake-immich/index.js';

let fake: FakeImmich;
let me: SeededUser;
let cache: ThumbnailCache;
const sources: ImmichPhotoSource[] = [];
const expected = new Set<string>();
const excluded = new Map<string, string>();

async function open(options: { albumNames?: string[]; includeArchived?: boolean; apiKey?: string } = {}): Promise<ImmichPhotoSource> {
  const source = await ImmichPhotoSource.open({ baseUrl: fake.url, apiKey: options.apiKey ?? me.key, cache, retryBaseDelayMs: 5, ...options });
  sources.push(source);
  return source;
}

async function collect(entries: AsyncIterable<SourceEntry>): Promise<Photo[]> {
  const photos: Photo[] = [];
  for await (const entry of entries) {
    if (entry.kind !== 'photo') throw new Error(`unexpected entry: ${entry.kind === 'skipped' ? entry.skipped.reason : entry.path}`);
    photos.push(entry.photo);
  }
  return photos;
}

beforeAll(async () => {
  fake = await startFakeImmich();
  me = fake.seedUser();
  const partner = fake.seedUser();
  fake.state.addPartner(partner.user.id, me.user.id);
  cache = await ThumbnailCache.open({ streamMode: true });

  for (const asset of fake.state.addManyAssets(2500, { ownerId: me.user.id })) expected.add(asset.id);
  const add = (seed: Parameters<FakeImmich['state']['addAsset']>[0], why?: string): string => {
    const asset = fake.state.addAsset(seed);
    if (why === undefined) expected.add(asset.id);
    else excluded.set(asset.id, why);
    return asset.id;
  };
  add({ ownerId: me.user.id, visibility: 'archive', originalFileName: 'archived.jpg' });
  add({ ownerId: me.user.id, exif: null, originalFileName: 'no-exif-yet.jpg' });
  add({ ownerId: me.user.id, exif: null, visibility: 'archive', originalFileName: 'no-exif-archived.jpg' });
  const motion = add({ ownerId: me.user.id, type: 'VIDEO', visibility: 'hidden', originalFileName: 'live.mov' }, 'live-photo video half');
  add({ ownerId: me.user.id, livePhotoVideoId: motion, originalFileName: 'live.heic' });
  add({ ownerId: me.user.id, type: 'VIDEO', originalFileName: 'clip.mp4' }, 'video');
  add({ ownerId: me.user.id, trashed: true, originalFileName: 'trashed.jpg' }, 'trashed');
  add({ ownerId: me.user.id, visibility: 'locked', originalFileName: 'locked.jpg' }, 'locked');
  add({ ownerId: me.user.id, visibility: 'hidden', originalFileName: 'hidden.jpg' }, 'hidden');
  for (let i = 0; i < 5; i++) add({ ownerId: partner.user.id, originalFileName: `partner-${i}.jpg` }, 'partner');
});

afterEach(() => {
  fake.faults.clear();
  const violations = fake.violations();
  fake.clearRequests();
  expect(violations).toEqual([]);
});

afterAll(async () => {
  await Promise.all(sources.map((s) => s.close()));
  await fake.close();
});

describe('listing', () => {
  it('pages through everything of the key owner, each photo once', async () => {
    const source = await open();
    fake.clearRequests();
    const photos = await collect(source.list());
    const ids = photos.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(expected);
    for (const id of ids) expect(excluded.has(id), excluded.get(id)).toBe(false);
    expect(source.stats).toMatchObject({ photos: expected.size, notOwned: 5, trashed: 0, repeated: 0, withoutExif: 2 });

    const searches = fake.requests((r) => r.apiPath === '/api/search/metadata');
    // timeline: 3 pages with exif + 3 without (2 assets lack exif); archive: 1 + 1.
    expect(searches.map((r) => [(r.body as { visibility: string }).visibility, (r.body as { page: number }).page, (r.body as { withExif: boolean }).withExif])).toEqual([
      ['timeline', 1, true], ['timeline', 2, true], ['timeline', 3, true],
      ['timeline', 1, false], ['timeline', 2, false], ['timeline', 3, false],
      ['archive', 1, true], ['archive', 1, false],
    ]);
    for (const request of searches) expect(request.body).toMatchObject({ type: 'IMAGE', withDeleted: false, size: 1000 });
    expect(fake.requests((r) => r.apiPath === '/api/search/statistics')).toHaveLength(2);
  });

  it('skips the second pass when the count says nothing is missing', async () => {
    const exifless = [...fake.state.assets.values()].filter((a) => a.exif === null);
    for (const asset of exifless) asset.exif = defaultExif({ fileSizeInByte: 1000 });
    try {
      const source = await open();
      fake.clearRequests();
      const photos = await collect(source.list());
      expect(photos).toHaveLength(expected.size);
      expect(fake.requests((r) => r.apiPath === '/api/search/metadata').every((r) => (r.body as { withExif: boolean }).withExif)).toBe(true);
    } finally {
      for (const asset of exifless) asset.exif = null;
    }
  });

  it('leaves archived photos out when asked', async () => {
    const photos = await collect((await open({ includeArchived: false })).list());
    expect(photos.map((p) => p.path)).not.toContain('archived.jpg');
    expect(photos).toHaveLength(expected.size - 2);
  });

  it('streams: the first photo arrives before the last page is asked for', async () => {
    fake.faults.setLatency(20);
    const source = await open();
    fake.clearRequests();
    for await (const entry of source.list()) {
      expect(entry.kind).toBe('photo');
      break;
    }
    const pages = fake.requests((r) => r.apiPath === '/api/search/metadata').map((r) => (r.body as { page: number }).page);
    expect(Math.max(...pages)).toBeLessThanOrEqual(2); // page 1, and at most the look-ahead
  });

  it('survives a flaky server: 10% of requests fail with 500/503', async () => {
    const source = await open();
    fake.faults.failRandomly(0.1, { seed: 7, statuses: [503] });
    const photos = await collect(source.list());
    expect(new Set(photos.map((p) => p.id))).toEqual(expected);
    expect(fake.requests((r) => r.status === 503).length).toBeGreaterThan(0);
  });

  it('works without /search/statistics by always making the second pass', async () => {
    fake.config.capabilities.searchStatistics = false;
    try {
      const source = await open();
      expect(source.capabilities.searchStatistics).toBe(true); // the version says so; the 404 is handled
      const photos = await collect(source.list());
      expect(new Set(photos.map((p) => p.id))).toEqual(expected);
    } finally {
      fake.config.capabilities.searchStatistics = true;
    }
  });

  it('maps the asset fields into the photo', async () => {
    const asset = fake.state.addAsset({
      ownerId: me.user.id, originalFileName: 'DSC_0042.JPG', checksum: 'jbo4gx3wAoxbHHzeWl8a+FV7hec=', width: 6000, height: 4000,
      isFavorite: true, fileCreatedAt: '2023-07-01T09:00:00.000Z',
      exif: { fileSizeInByte: 12_345_678, make: 'NIKON CORPORATION', model: 'NIKON Z 6', orientation: '1', dateTimeOriginal: '2023-07-01T11:00:00+02:00' },
    });
    try {
      const photos = await collect((await open()).list());
      expect(photos.find((p) => p.id === asset.id)).toEqual({
        source: 'immich', id: asset.id, path: 'DSC_0042.JPG', changeKey: 'jbo4gx3wAoxbHHzeWl8a+FV7hec=',
        knownChecksum: 'jbo4gx3wAoxbHHzeWl8a+FV7hec=',
        meta: { width: 6000, height: 4000, bytes: 12_345_678, format: 'jpeg', takenAt: '2023-07-01T09:00:00.000Z', camera: 'NIKON CORPORATION NIKON Z 6', orientation: 1, isFavorite: true },
      });
    } finally {
      fake.state.assets.delete(asset.id);
    }
  });
});

describe('album filter', () => {
  it('takes every album with the name, once per asset, and only the owner\'s assets', async () => {
    const pick = [...expected].slice(0, 6);
    const partnerAsset = [...excluded].find(([, why]) => why === 'partner')?.[0] ?? '';
    const first = fake.state.addAlbum({ ownerId: me.user.id, albumName: 'Trip', assetIds: [pick[0]!, pick[1]!, pick[2]!, partnerAsset] });
    const second = fake.state.addAlbum({ ownerId: me.user.id, albumName: 'Trip', assetIds: [pick[2]!, pick[3]!] });
    const other = fake.state.addAlbum({ ownerId: me.user.id, albumName: 'trip', assetIds: [pick[4]!] });
    // The smaller album newer, so the server lists it first (newest first): searched in that order, its
    // probe would be too small to answer for the larger album, which would send a second one.
    second.createdAt = new Date(Date.parse(first.createdAt) + 1000).toISOString();
    try {
      const source = await open({ albumNames: ['Trip'] });
      fake.clearRequests();
      const photos = await collect(source.list());
      expect(photos.map((p) => p.id).sort()).toEqual(pick.slice(0, 4).sort());
      expect(fake.requests((r) => r.apiPath === '/api/albums').map((r) => r.query)).toEqual([{ name: 'Trip' }]);
      // Besides at most one tiny unfiltered probe of the paging (each album fits one page).
      const searches = fake.requests((r) => r.apiPath === '/api/search/metadata');
      const searched = searches.map((r) => (r.body as { albumIds?: string[] }).albumIds).filter((ids) => ids !== undefined);
      expect(new Set(searched.flat())).toEqual(new Set([first.id, second.id]));
      expect(searches.length - searched.length).toBeLessThanOrEqual(1);
    } finally {
      for (const album of [first, second, other]) fake.state.albums.delete(album.id);
    }
  });

  it('says which album names do not exist', async () => {
    const source = await open({ albumNames: ['Nope', 'Also nope'] });
    await expect(collect(source.list())).rejects.toThrow(UsageError);
    await expect(collect(source.list())).rejects.toThrow('Immich albums not found: "Nope", "Also nope" (names are matched exactly, case-sensitive)');
  });
});
