/**
 * An Immich v1.130 server, emulated by a small local HTTP server with that era's shapes: no
 * `visibility` (archived assets need `withArchived`, hidden ones `isVisible: true`), no search
 * `albumIds` (album contents come embedded in `GET /albums/{id}`), no album name filter, and
 * `GET /albums` listing only owned albums unless `shared=true`.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Photo } from '../../src/core/photo.js';
import { ImmichPhotoSource } from '../../src/sources/immich/immich-photo-source.js';
import { ThumbnailCache } from '../../src/thumbnails/thumbnail-cache.js';

const KEY = 'old-server-key';
const ME = randomUUID();
const requests: { method: string; path: string; body: unknown }[] = [];
let server: Server;
let url: string;

interface OldAsset {
  id: string;
  ownerId: string;
  type: string;
  originalFileName: string;
  checksum: string;
  isArchived: boolean;
  isTrashed: boolean;
  exifInfo?: { exifImageWidth: number; exifImageHeight: number; orientation: string; fileSizeInByte: number };
}

const asset = (name: string, extra: Partial<OldAsset> = {}): OldAsset => ({
  id: randomUUID(), ownerId: ME, type: 'IMAGE', originalFileName: name, checksum: 'jbo4gx3wAoxbHHzeWl8a+FV7hec=',
  isArchived: false, isTrashed: false, exifInfo: { exifImageWidth: 512, exifImageHeight: 384, orientation: '6', fileSizeInByte: 34860 }, ...extra,
});
const timeline = [asset('a.jpg'), asset('b.jpg'), asset('partner.jpg', { ownerId: randomUUID() })];
const archived = asset('archived.jpg', { isArchived: true });
const ownAlbum = { id: randomUUID(), albumName: 'Holiday', assets: [timeline[0], archived, asset('motion.mov', { type: 'VIDEO' })] };
const sharedAlbum = { id: randomUUID(), albumName: 'Holiday', assets: [timeline[1]] };

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const target = new URL(req.url ?? '/', 'http://x');
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      requests.push({ method: req.method ?? '', path: `${target.pathname}${target.search}`, body });
      const send = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.headers['x-api-key'] !== KEY) return send(401, { message: 'Invalid API key', statusCode: 401 });
      const route = `${req.method} ${target.pathname}`;
      if (route === 'GET /api/server/version') return send(200, { major: 1, minor: 130, patch: 3 });
      if (route === 'GET /api/server/features') return send(200, { trash: true, duplicateDetection: false });
      if (route === 'GET /api/users/me') return send(200, { id: ME, email: 'old@example.com', name: 'Old' });
      if (route === 'GET /api/tags' || route === 'GET /api/stacks') return send(200, []);
      if (route === 'GET /api/albums') {
        const shared = target.searchParams.get('shared') === 'true';
        return send(200, (shared ? [sharedAlbum] : [ownAlbum]).map((a) => ({ id: a.id, albumName: a.albumName, assets: [] })));
      }
      const album = [ownAlbum, sharedAlbum].find((a) => route === `GET /api/albums/${a.id}`);
      if (album !== undefined) return send(200, album);
      if (route === 'POST /api/search/metadata') {
        const filter = body as { withArchived?: boolean; page?: number };
        const items = [...timeline, ...(filter.withArchived === true ? [archived] : [])];
        return send(200, { albums: { total: 0, count: 0, items: [], facets: [] }, assets: { total: items.length, count: items.length, items, facets: [], nextPage: null } });
      }
      return send(404, { message: `Cannot ${req.method} ${target.pathname}`, statusCode: 404 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function list(options: { albumNames?: string[]; includeArchived?: boolean } = {}): Promise<{ photos: Photo[]; source: ImmichPhotoSource }> {
  const source = await ImmichPhotoSource.open({ baseUrl: url, apiKey: KEY, cache: await ThumbnailCache.open({ streamMode: true }), ...options });
  const photos: Photo[] = [];
  for await (const entry of source.list()) if (entry.kind === 'photo') photos.push(entry.photo);
  await source.close();
  return { photos, source };
}

describe('a v1.130 server', () => {
  it('is recognised for what it lacks', async () => {
    const { source } = await list();
    expect(source.capabilities).toMatchObject({ version: { major: 1, minor: 130, patch: 3 }, visibilityFilter: false, searchAlbumIds: false, searchStatistics: false, albumNameFilter: false });
  });

  it('lists with the pre-1.133 filters, archived included, partners left out', async () => {
    requests.length = 0;
    const { photos } = await list();
    expect(photos.map((p) => p.path).sort()).toEqual(['a.jpg', 'archived.jpg', 'b.jpg']);
    const searches = requests.filter((r) => r.path === '/api/search/metadata' && (r.body as { size: number }).size === 1000);
    expect(searches.map((r) => r.body)).toEqual([
      { type: 'IMAGE', withDeleted: false, withArchived: true, isVisible: true, withExif: true, page: 1, size: 1000 },
      // No /search/statistics before v1.135: the second pass always runs.
      { type: 'IMAGE', withDeleted: false, withArchived: true, isVisible: true, withExif: false, page: 1, size: 1000 },
    ]);
  });

  it('reads the upright size from EXIF (no asset width/height before v2.5)', async () => {
    const { photos } = await list({ includeArchived: false });
    expect(photos.map((p) => p.path).sort()).toEqual(['a.jpg', 'b.jpg']);
    expect(photos[0]?.meta).toMatchObject({ width: 384, height: 512, bytes: 34860, orientation: 6 });
  });

  it('finds albums by name among owned and shared ones, and reads their embedded assets', async () => {
    requests.length = 0;
    const { photos } = await list({ albumNames: ['Holiday'] });
    expect(photos.map((p) => p.path).sort()).toEqual(['a.jpg', 'archived.jpg', 'b.jpg']);
    expect(requests.filter((r) => r.path.startsWith('/api/albums')).map((r) => r.path).sort()).toEqual(
      // The first '/api/albums' is the capability probe at open.
      ['/api/albums', '/api/albums', '/api/albums?shared=true', `/api/albums/${ownAlbum.id}`, `/api/albums/${sharedAlbum.id}`].sort(),
    );
    expect(requests.some((r) => r.path === '/api/search/metadata' && (r.body as { size: number }).size === 1000)).toBe(false);
  });
});
