import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich, type SeededUser } from '../helpers/fake-immich/index.js';

interface SearchPage {
  assets: { count: number; nextPage: string | null; items: { id: string; ownerId: string; exifInfo?: unknown }[] };
}

describe('fake immich semantics beyond the recordings', () => {
  let fake: FakeImmich;
  let me: SeededUser;
  let partner: SeededUser;
  const call = async (method: string, path: string, body?: unknown, key = me.key) => {
    const res = await fetch(`${fake.url}/api${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as unknown };
  };
  const ids = async (filters: Record<string, unknown>) => ((await call('POST', '/search/metadata', filters)).body as SearchPage).assets.items.map((i) => i.id);

  beforeEach(async () => {
    fake = await startFakeImmich();
    me = fake.seedUser({ email: 'me@example.com' });
    partner = fake.seedUser({ email: 'partner@example.com' });
  });
  afterEach(async () => {
    expect(fake.violations()).toEqual([]);
    await fake.close();
  });

  it('includes partner assets in search, but bulk updates of them fail as a whole', async () => {
    const mine = fake.state.addAsset({ ownerId: me.user.id });
    const theirs = fake.state.addAsset({ ownerId: partner.user.id, isFavorite: true });
    expect(await ids({})).toEqual([mine.id]);
    fake.state.addPartner(partner.user.id, me.user.id);
    expect(new Set(await ids({}))).toEqual(new Set([mine.id, theirs.id]));
    // isFavorite is the owner's flag; a partner sees false.
    const items = ((await call('POST', '/search/metadata', { id: theirs.id })).body as { assets: { items: { isFavorite: boolean }[] } }).assets.items;
    expect(items.map((i) => i.isFavorite)).toEqual([false]);
    const res = await call('PUT', '/assets', { ids: [mine.id, theirs.id], isFavorite: true });
    expect(res).toEqual({ status: 400, body: { message: 'Not found or no asset.update access' } });
    expect(mine.isFavorite).toBe(false);
    // The per-tag route accepts partner assets; the bulk route skips them.
    const [tag] = (await call('PUT', '/tags', { tags: ['t'] })).body as { id: string }[];
    expect((await call('PUT', '/tags/assets', { tagIds: [tag!.id], assetIds: [theirs.id] })).body).toEqual({ count: 0 });
    expect((await call('PUT', `/tags/${tag!.id}/assets`, { ids: [theirs.id, theirs.id] })).body).toEqual([
      { id: theirs.id, success: true },
      { id: theirs.id, success: false, error: 'duplicate' },
    ]);
  });

  it('filters trashed, exif-less (inner join), date windows and albums (AND)', async () => {
    const a = fake.state.addAsset({ ownerId: me.user.id, fileCreatedAt: '2024-01-01T00:00:00.000Z' });
    const b = fake.state.addAsset({ ownerId: me.user.id, fileCreatedAt: '2024-02-01T00:00:00.000Z', exif: null });
    const c = fake.state.addAsset({ ownerId: me.user.id, fileCreatedAt: '2024-03-01T00:00:00.000Z', trashed: true });
    expect(await ids({})).toEqual([b.id, a.id]);
    expect(await ids({ withDeleted: true })).toEqual([c.id, b.id, a.id]);
    expect(await ids({ withExif: true })).toEqual([a.id]);
    expect(await ids({ takenAfter: '2024-01-15T00:00:00.000Z', takenBefore: '2024-02-01T00:00:00.000Z' })).toEqual([b.id]);
    const one = fake.state.addAlbum({ ownerId: me.user.id, albumName: 'x', assetIds: [a.id, b.id] });
    const two = fake.state.addAlbum({ ownerId: me.user.id, albumName: 'y', assetIds: [a.id] });
    expect(await ids({ albumIds: [one.id, two.id] })).toEqual([a.id]);
    const foreign = fake.state.addAlbum({ ownerId: partner.user.id, albumName: 'z' });
    expect((await call('POST', '/search/metadata', { albumIds: [foreign.id] })).body).toEqual({ message: 'Not found or no album.read access' });
    expect((await call('POST', '/search/statistics', {})).body).toEqual({ total: 2 });
  });

  it('updatedAfter is inclusive and follows updatedAt, which writes and the thumbnail job move (watch polls with it)', async () => {
    const old = fake.state.addAsset({ ownerId: me.user.id });
    const other = fake.state.addAsset({ ownerId: me.user.id });
    old.updatedAt = '2024-01-01T00:00:00.000Z';
    other.updatedAt = '2024-02-01T00:00:00.000Z';
    // Immich compares asset.updatedAt >= updatedAfter (server/src/utils/database.ts at v3.1.0).
    expect(await ids({ updatedAfter: '2024-02-01T00:00:00.000Z' })).toEqual([other.id]);
    expect(await ids({ updatedAfter: '2024-02-01T00:00:00.001Z' })).toEqual([]);
    expect((await call('POST', '/search/statistics', { updatedAfter: '2024-01-01T00:00:00.000Z' })).body).toEqual({ total: 2 });
    // A write to the asset row moves updatedAt (the asset_updatedAt trigger).
    expect((await call('PUT', '/assets', { ids: [old.id], isFavorite: true })).status).toBe(204);
    expect(await ids({ updatedAfter: '2024-02-01T00:00:00.001Z' })).toEqual([old.id]);

    const manual = await startFakeImmich({ thumbnailJobDelayMs: 'manual' });
    try {
      const user = manual.seedUser();
      const form = new FormData();
      form.set('assetData', new Blob([readFileSync(fileURLToPath(new URL('../fixtures/immich/images/IMG_6145DDA6.jpg', import.meta.url)))], { type: 'image/jpeg' }), 'IMG_6145DDA6.jpg');
      form.set('fileCreatedAt', '2024-05-03T10:00:00.000Z');
      form.set('fileModifiedAt', '2024-05-03T10:00:00.000Z');
      const created = (await (await fetch(`${manual.apiUrl}/assets`, { method: 'POST', headers: { 'x-api-key': user.key }, body: form })).json()) as { id: string };
      const asset = manual.state.assets.get(created.id)!;
      asset.updatedAt = '2024-01-01T00:00:00.000Z';
      await manual.waitForJobs();
      // The thumbnail job writes the thumbhash, so the upload is "updated" again once its thumbnail exists.
      expect(asset.thumbnail).toBeDefined();
      expect(Date.parse(asset.updatedAt)).toBeGreaterThan(Date.parse('2024-01-01T00:00:00.000Z'));
      expect(manual.violations()).toEqual([]);
    } finally {
      await manual.close();
    }
  });

  it('breaks fileCreatedAt ties by id so paging is stable', async () => {
    fake.state.addManyAssets(7, { ownerId: me.user.id, fileCreatedAt: '2024-01-01T00:00:00.000Z' }).forEach((x) => (x.fileCreatedAt = '2024-01-01T00:00:00.000Z'));
    const pages: string[] = [];
    for (let page = 1; page <= 3; page += 1) pages.push(...(await ids({ size: 3, page })));
    expect(pages).toHaveLength(7);
    expect(pages).toEqual([...pages].sort().reverse());
  });

  it('enforces key permissions per operation and reports them on /api-keys/me', async () => {
    const key = fake.addKey(me.user.id, ['asset.read', 'tag.read']);
    expect((await call('GET', '/tags', undefined, key)).status).toBe(200);
    expect((await call('POST', '/tags', { name: 'x' }, key)).body).toEqual({ message: 'Missing required permission: tag.create' });
    expect((await call('GET', '/api-keys/me', undefined, key)).body).toMatchObject({ permissions: ['asset.read', 'tag.read'] });
    expect((await call('GET', '/stacks', undefined, key)).body).toEqual({ message: 'Missing required permission: stack.read' });
  });

  it('removes a stack member, but not its primary; DELETE /stacks clears links', async () => {
    const [p, m1, m2] = fake.state.addManyAssets(3, { ownerId: me.user.id });
    const stack = (await call('POST', '/stacks', { assetIds: [p!.id, m1!.id, m2!.id] })).body as { id: string };
    expect((await call('DELETE', `/stacks/${stack.id}/assets/${p!.id}`)).body).toEqual({ message: "Cannot remove stack's primary asset" });
    expect((await call('DELETE', `/stacks/${stack.id}/assets/${m2!.id}`)).status).toBe(204);
    expect(await ids({ withStacked: false })).toEqual([m2!.id]);
    fake.config.version = { major: 3, minor: 0, patch: 0, prerelease: null };
    expect(await ids({ withStacked: false })).toHaveLength(3);
    expect((await call('DELETE', '/stacks', { ids: [stack.id] })).status).toBe(204);
    expect(p!.stackId).toBeNull();
  });

  it('groups seeded duplicateIds in GET /duplicates and suggests the largest file', async () => {
    const dup = '0b7a6b0e-2b49-4c5e-9d0a-7f1f3c2d1e0f';
    const small = fake.state.addAsset({ ownerId: me.user.id, duplicateId: dup, exif: { fileSizeInByte: 10 } });
    const large = fake.state.addAsset({ ownerId: me.user.id, duplicateId: dup, exif: { fileSizeInByte: 99 } });
    const groups = (await call('GET', '/duplicates')).body as { duplicateId: string; assets: { id: string }[]; suggestedKeepAssetIds: string[] }[];
    expect(groups).toHaveLength(1);
    expect(new Set(groups[0]!.assets.map((a) => a.id))).toEqual(new Set([small.id, large.id]));
    expect(groups[0]!.suggestedKeepAssetIds).toEqual([large.id]);
    expect((await call('DELETE', `/duplicates/${dup}`)).status).toBe(204);
    expect((await call('GET', '/duplicates')).body).toEqual([]);
  });

  it('uploads (201), detects byte-identical re-uploads (200) and serves the original', async () => {
    const bytes = readFileSync(fileURLToPath(new URL('../fixtures/immich/images/IMG_6145DDA6.jpg', import.meta.url)));
    const upload = async () => {
      const form = new FormData();
      form.set('assetData', new Blob([bytes], { type: 'image/jpeg' }), 'IMG_6145DDA6.jpg');
      form.set('fileCreatedAt', '2024-05-03T10:00:00.000Z');
      form.set('fileModifiedAt', '2024-05-03T10:00:00.000Z');
      const res = await fetch(`${fake.url}/api/assets`, { method: 'POST', headers: { 'x-api-key': me.key }, body: form });
      return { status: res.status, body: (await res.json()) as { id: string; status: string } };
    };
    const first = await upload();
    expect(first.status).toBe(201);
    expect((await upload()).body).toEqual({ status: 'duplicate', id: first.body.id });
    await fake.waitForJobs();
    const asset = fake.state.assets.get(first.body.id)!;
    expect(asset.checksum).toBe(createHash('sha1').update(bytes).digest('base64'));
    expect([asset.width, asset.height, asset.thumbnail?.contentType]).toEqual([256, 160, 'image/webp']);
    const original = await fetch(`${fake.url}/api/assets/${asset.id}/original`, { headers: { 'x-api-key': me.key } });
    expect(Buffer.from(await original.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
