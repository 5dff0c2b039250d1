/**
 * ImmichPhotoSource.thumbnail() and capability detection against the fake Immich: thumbnails come
 * through the disk cache (a changed asset is fetched again), 404s are per-photo errors, stream mode
 * writes nothing, and partial or old servers are recognised.
 */

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CapabilityError, SourceUnavailableError } from '../../src/core/errors.js';
import type { Photo } from '../../src/core/photo.js';
import { ImmichClient } from '../../src/sources/immich/immich-client.js';
import { ImmichHttpError } from '../../src/sources/immich/immich-errors.js';
import { ImmichPhotoSource } from '../../src/sources/immich/immich-photo-source.js';
import { detectCapabilities, keyAllows } from '../../src/sources/immich/server-capabilities.js';
import { ThumbnailCache } from '../../src/thumbnails/thumbnail-cache.js';
import { makeImmichThumbnail, startFakeImmich, type FakeImmich, type SeededUser } from '../helpers/fake-immich/index.js';
import { sceneJpeg } from '../helpers/images.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
let fake: FakeImmich;
let me: SeededUser;
const closers: { close(): Promise<void> }[] = [];

async function photosOf(source: ImmichPhotoSource): Promise<Photo[]> {
  const photos: Photo[] = [];
  for await (const entry of source.list()) if (entry.kind === 'photo') photos.push(entry.photo);
  return photos;
}

async function source(cache: ThumbnailCache, url = fake.url, key = me.key): Promise<ImmichPhotoSource> {
  const opened = await ImmichPhotoSource.open({ baseUrl: url, apiKey: key, cache, retryBaseDelayMs: 5 });
  closers.push(opened);
  return opened;
}

beforeAll(async () => {
  fake = await startFakeImmich();
  me = fake.seedUser();
  for (let seed = 1; seed <= 3; seed++) {
    const original = await sceneJpeg({ seed, width: 512, height: 320 });
    fake.state.addAsset({ ownerId: me.user.id, originalFileName: `scene-${seed}.jpg`, original, width: 512, height: 320, thumbnail: await makeImmichThumbnail(original) });
  }
});

afterEach(() => {
  fake.faults.clear();
  const violations = fake.violations();
  fake.clearRequests();
  expect(violations).toEqual([]);
});

afterAll(async () => {
  for (const closer of closers) await closer.close();
  await fake.close();
});

describe('thumbnails', () => {
  it('fetches the small WebP once, then serves it from the disk cache, across restarts', async () => {
    const dir = tempDir('po-thumbs');
    const cache = await ThumbnailCache.open({ cacheDir: dir });
    const immich = await source(cache);
    const photos = await photosOf(immich);
    expect(photos).toHaveLength(3);
    const first = await Promise.all(photos.map((photo) => immich.thumbnail(photo)));
    for (const bytes of first) {
      const info = await sharp(bytes).metadata();
      expect(info.format).toBe('webp');
      expect(Math.min(info.width ?? 0, info.height ?? 0)).toBe(250);
    }
    expect(fake.thumbnailRequests().map((r) => r.query)).toEqual([{ size: 'thumbnail' }, { size: 'thumbnail' }, { size: 'thumbnail' }]);
    await cache.close();

    const reopened = await ThumbnailCache.open({ cacheDir: dir });
    const again = await source(reopened);
    expect(await Promise.all(photos.map((photo) => again.thumbnail(photo)))).toEqual(first);
    expect(fake.thumbnailRequests()).toHaveLength(3);
    expect(reopened.stats()).toMatchObject({ hits: 3, misses: 0 });
    await reopened.close();
  });

  it('fetches again when the asset changed (new checksum)', async () => {
    const cache = await ThumbnailCache.open({ cacheDir: tempDir('po-thumbs') });
    const immich = await source(cache);
    const [photo] = await photosOf(immich);
    await immich.thumbnail(photo!);
    const asset = fake.state.assets.get(photo!.id)!;
    const edited = await sceneJpeg({ seed: 99, width: 512, height: 320 });
    asset.checksum = 'B7Jw04i9P8JyXwELfpOYHLcQbP0=';
    asset.thumbnail = { bytes: await makeImmichThumbnail(edited), contentType: 'image/webp' };
    const [changed] = (await photosOf(immich)).filter((p) => p.id === photo!.id);
    expect(changed!.changeKey).not.toBe(photo!.changeKey);
    expect(await immich.thumbnail(changed!)).toEqual(asset.thumbnail.bytes);
    expect(fake.thumbnailRequests()).toHaveLength(2);
    await cache.close();
  });

  it('rejects one photo whose thumbnail is not there, with Immich\'s reason', async () => {
    const cache = await ThumbnailCache.open({ streamMode: true });
    const immich = await source(cache);
    const [photo] = await photosOf(immich);
    fake.faults.thumbnail404.add(photo!.id);
    const error = await immich.thumbnail(photo!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImmichHttpError);
    expect(String(error)).toMatch(/HTTP 404: Asset media not found/);
    expect(cache.stats().entries).toBe(0);
  });

  it('writes nothing under the cache folder in stream mode', async () => {
    const parent = tempDir('po-stream');
    const cache = await ThumbnailCache.open({ cacheDir: join(parent, 'cache'), streamMode: true });
    const immich = await source(cache);
    for (const photo of await photosOf(immich)) await immich.thumbnail(photo);
    await cache.close();
    expect(existsSync(join(parent, 'cache'))).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('capabilities', () => {
  it('detects a full v3.1 server', async () => {
    const client = new ImmichClient({ baseUrl: fake.url, apiKey: me.key });
    closers.push(client);
    const caps = await detectCapabilities(client);
    expect(caps).toMatchObject({
      version: { major: 3, minor: 1, patch: 0 }, versionKnown: true, search: true, tags: true, albums: true, stacks: true,
      duplicates: false, visibilityFilter: true, searchAlbumIds: true, stablePaging: true, albumNameFilter: true, forbidden: {},
      keyPermissions: ['all'],
    });
    expect(keyAllows(caps, 'tag.asset')).toBe(true);
  });

  it('sees routes a partial server lacks, and lists photos all the same', async () => {
    const partial = await startFakeImmich({ capabilities: { tags: false, stacks: false, albums: false, searchStatistics: false } });
    try {
      const user = partial.seedUser();
      partial.state.addAsset({ ownerId: user.user.id, originalFileName: 'only.jpg' });
      const cache = await ThumbnailCache.open({ streamMode: true });
      const immich = await source(cache, partial.url, user.key);
      expect(immich.capabilities).toMatchObject({ search: true, tags: false, stacks: false, albums: false });
      expect((await photosOf(immich)).map((p) => p.path)).toEqual(['only.jpg']);
      expect(partial.violations()).toEqual([]);
    } finally {
      await partial.close();
    }
  });

  it('follows the version: a v2.7 server has no album name filter and unstable paging', async () => {
    const older = await startFakeImmich({ version: { major: 2, minor: 7, patch: 5, prerelease: undefined } });
    try {
      const user = older.seedUser();
      const client = new ImmichClient({ baseUrl: older.url, apiKey: user.key });
      closers.push(client);
      expect(await detectCapabilities(client)).toMatchObject({ version: { major: 2, minor: 7, patch: 5 }, albumNameFilter: false, stablePaging: false, visibilityFilter: true });
    } finally {
      await older.close();
    }
  });

  it('refuses a server older than v1.113 before anything else', async () => {
    const ancient = await startFakeImmich({ version: { major: 1, minor: 106, patch: 4, prerelease: undefined } });
    try {
      const user = ancient.seedUser();
      const cache = await ThumbnailCache.open({ streamMode: true });
      const error = await ImmichPhotoSource.open({ baseUrl: ancient.url, apiKey: user.key, cache }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CapabilityError);
      expect(String(error)).toMatch(/v1\.106\.4 is too old.*v1\.113\.0 or newer/);
      expect(ancient.requests().map((r) => r.apiPath)).not.toContain('/api/search/metadata');
    } finally {
      await ancient.close();
    }
  });

  it('tells a key without permissions apart from a missing route', async () => {
    const key = fake.addKey(me.user.id, ['asset.read', 'user.read']);
    const client = new ImmichClient({ baseUrl: fake.url, apiKey: key });
    closers.push(client);
    const caps = await detectCapabilities(client);
    expect(caps).toMatchObject({ search: true, tags: true, stacks: true, albums: true, keyPermissions: ['asset.read', 'user.read'] });
    expect(keyAllows(caps, 'asset.read')).toBe(true);
    expect(keyAllows(caps, 'tag.create')).toBe(false);
    expect(caps.forbidden).toEqual({
      tags: 'Missing required permission: tag.read',
      stacks: 'Missing required permission: stack.read',
      albums: 'Missing required permission: album.read',
    });
  });

  it('says when the URL is not an Immich server at all', async () => {
    const { createServer } = await import('node:http');
    const web = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>my blog</html>'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      const port = (web.address() as { port: number }).port;
      const cache = await ThumbnailCache.open({ streamMode: true });
      const error = await ImmichPhotoSource.open({ baseUrl: `http://127.0.0.1:${port}`, apiKey: me.key, cache }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceUnavailableError);
      expect(String(error)).toMatch(/does not look like an Immich server.*Check the URL/);
    } finally {
      await new Promise((resolve) => web.close(resolve));
    }
  });

  it('calls a wrong key or an absent server "unavailable"', async () => {
    const cache = await ThumbnailCache.open({ streamMode: true });
    const wrongKey = await ImmichPhotoSource.open({ baseUrl: fake.url, apiKey: 'nope', cache }).catch((e: unknown) => e);
    expect(wrongKey).toBeInstanceOf(SourceUnavailableError);
    expect(String(wrongKey)).toMatch(/Invalid API key/);
    const nobody = await ImmichPhotoSource.open({ baseUrl: 'http://127.0.0.1:1', apiKey: me.key, cache }).catch((e: unknown) => e);
    expect(nobody).toBeInstanceOf(SourceUnavailableError);
    expect(String(nobody)).not.toContain(me.key);
  });
});
