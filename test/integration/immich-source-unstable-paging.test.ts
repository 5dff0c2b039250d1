/**
 * Before v3.1, search pages are ordered by fileCreatedAt alone: with equal timestamps, a page can
 * repeat an asset of the previous page and skip another. A v2.7-shaped local server does exactly
 * that; the source must list each asset once and still find the skipped one.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ImmichPhotoSource } from '../../src/sources/immich/immich-photo-source.js';
import { ThumbnailCache } from '../../src/thumbnails/thumbnail-cache.js';

const KEY = 'unstable-key';
const ME = randomUUID();
const asset = (name: string) => ({ id: randomUUID(), ownerId: ME, type: 'IMAGE', originalFileName: name, checksum: 'jbo4gx3wAoxbHHzeWl8a+FV7hec=', isTrashed: false });
const [a, b, c, d] = [asset('a.jpg'), asset('b.jpg'), asset('c.jpg'), asset('d.jpg')];
/** Page 2 repeats b and so never shows d, which page 1 did not show either. */
const unstablePages = [[a, b], [b, c]];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const send = (value: unknown): void => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const route = `${req.method} ${req.url}`;
      if (route === 'GET /api/server/version') return send({ major: 2, minor: 7, patch: 5 });
      if (route === 'GET /api/users/me') return send({ id: ME });
      if (route === 'GET /api/server/features') return send({ trash: true });
      if (route === 'POST /api/search/statistics') return send({ total: 4 });
      if (route === 'POST /api/search/metadata') {
        const body = JSON.parse(text) as { page: number; withExif: boolean; visibility: string };
        if (body.visibility !== 'timeline') return send({ assets: { items: [], nextPage: null } });
        // The second pass (no exif) happens to page stably: every asset, one page.
        const items = body.withExif ? unstablePages[body.page - 1] ?? [] : [d, c, b, a];
        const nextPage = body.withExif && body.page < unstablePages.length ? String(body.page + 1) : null;
        return send({ assets: { items, nextPage } });
      }
      if (req.method === 'GET') return send([]);
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

it('lists every asset once even when pages repeat and skip', async () => {
  const source = await ImmichPhotoSource.open({ baseUrl: url, apiKey: KEY, cache: await ThumbnailCache.open({ streamMode: true }), pageSize: 2 });
  const names: string[] = [];
  for await (const entry of source.list()) if (entry.kind === 'photo') names.push(entry.photo.path);
  await source.close();
  expect(names).toEqual(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg']);
  expect(source.stats).toMatchObject({ repeated: 1, photos: 4, withoutExif: 1 });
});
