import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { makeImmichThumbnail, startFakeImmich, type FakeImmich, type SeededUser } from '../helpers/fake-immich/index.js';

const image = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../fixtures/immich/images/${name}`, import.meta.url)));

describe('fake immich: search, thumbnails, tags', () => {
  let fake: FakeImmich;
  let admin: SeededUser;
  const call = async (method: string, path: string, body?: unknown, key: string | undefined = admin.key) => {
    const headers: Record<string, string> = {};
    if (key) headers['x-api-key'] = key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${fake.url}/api${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, headers: res.headers };
  };

  beforeEach(async () => {
    fake = await startFakeImmich();
    admin = fake.seedUser({ email: 'admin@example.com', name: 'Admin' });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('pages search results with nextPage strings and page-sized totals', async () => {
    fake.state.addManyAssets(5, { ownerId: admin.user.id });
    const p1 = (await call('POST', '/search/metadata', { size: 2, page: 1 })).body as { assets: { total: number; count: number; nextPage: string | null; items: { id: string }[] } };
    expect(p1.assets).toMatchObject({ total: 2, count: 2, nextPage: '2' });
    const p3 = (await call('POST', '/search/metadata', { size: 2, page: 3 })).body as typeof p1;
    expect(p3.assets).toMatchObject({ total: 1, count: 1, nextPage: null });
    const past = (await call('POST', '/search/metadata', { size: 2, page: 9 })).body as typeof p1;
    expect(past.assets).toMatchObject({ total: 0, items: [], nextPage: null });
    expect((await call('POST', '/search/metadata', { size: 1001 })).status).toBe(400);
    expect(fake.violations()).toHaveLength(1);
  });

  it('serves a thumbnail made from a real JPEG, upright and short side 250', async () => {
    const thumbnail = await makeImmichThumbnail(image('IMG_4FD895CB.jpg'));
    const asset = fake.state.addAsset({ ownerId: admin.user.id, thumbnail });
    const res = await fetch(`${fake.url}/api/assets/${asset.id}/thumbnail?size=thumbnail`, { headers: { 'x-api-key': admin.key } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([250, 333]);
    fake.faults.thumbnail404.add(asset.id);
    expect((await call('GET', `/assets/${asset.id}/thumbnail`)).body).toEqual({ message: 'Asset media not found' });
    expect(fake.thumbnailRequests()).toHaveLength(2);
  });

  it('tags with upsert, counts new links, and searches by parent tag', async () => {
    const [a, b] = fake.state.addManyAssets(2, { ownerId: admin.user.id });
    const upsert = (await call('PUT', '/tags', { tags: ['dedupe/group-1'] })).body as { id: string; parentId: string }[];
    expect(upsert).toHaveLength(1);
    const leaf = upsert[0]!;
    expect((await call('PUT', '/tags/assets', { tagIds: [leaf.id], assetIds: [a!.id, b!.id] })).body).toEqual({ count: 2 });
    expect((await call('PUT', '/tags/assets', { tagIds: [leaf.id], assetIds: [a!.id, b!.id] })).body).toEqual({ count: 0 });
    const found = (await call('POST', '/search/metadata', { tagIds: [leaf.parentId] })).body as { assets: { count: number } };
    expect(found.assets.count).toBe(2);
    expect(fake.writeRequests()).toHaveLength(3);
    expect(fake.violations()).toEqual([]);
  });
});
