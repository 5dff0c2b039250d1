/**
 * Every typed call of ImmichClient against the fake Immich: the answers are read right, the
 * request bodies are valid against the OpenAPI document, and re-running the idempotent writes
 * changes nothing.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImmichClient } from '../../src/sources/immich/immich-client.js';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';

let fake: FakeImmich;
let client: ImmichClient;
let assetIds: string[];

beforeAll(async () => {
  fake = await startFakeImmich();
  const { user, key } = fake.seedUser();
  assetIds = Array.from({ length: 4 }, (_, i) => fake.state.addAsset({ ownerId: user.id, originalFileName: `a${i}.jpg` }).id);
  client = new ImmichClient({ baseUrl: fake.url, apiKey: key });
});

afterEach(() => {
  const violations = fake.violations();
  fake.clearRequests();
  expect(violations).toEqual([]);
});

afterAll(async () => {
  await client.close();
  await fake.close();
});

describe('ImmichClient typed calls', () => {
  it('tags: upsert, bulk tag (idempotent), per-tag untag, list, delete', async () => {
    const [tag] = await client.upsertTags(['possible-duplicate/group-0001']);
    expect(tag).toMatchObject({ name: 'group-0001', value: 'possible-duplicate/group-0001' });
    expect((await client.upsertTags(['possible-duplicate/group-0001']))[0]?.id).toBe(tag!.id);
    expect(await client.bulkTagAssets([tag!.id], assetIds.slice(0, 3))).toBe(3);
    expect(await client.bulkTagAssets([tag!.id], assetIds.slice(0, 3))).toBe(0);
    expect(await client.tagAssets(tag!.id, [assetIds[3]!, assetIds[0]!])).toEqual([
      { id: assetIds[3], success: true },
      { id: assetIds[0], success: false, error: 'duplicate' },
    ]);
    expect((await client.untagAssets(tag!.id, [assetIds[0]!])).map((r) => r.success)).toEqual([true]);
    expect((await client.listTags()).map((t) => t.value)).toEqual(['possible-duplicate', 'possible-duplicate/group-0001']);
    await client.deleteTag(tag!.id);
    expect((await client.listTags()).map((t) => t.value)).toEqual(['possible-duplicate']);
  });

  it('albums: create, find by name, add (duplicate on re-run), remove, delete', async () => {
    const album = await client.createAlbum('dup-group-0001', assetIds.slice(0, 2));
    expect(album).toMatchObject({ albumName: 'dup-group-0001', assetCount: 2 });
    expect((await client.getAlbums({ name: 'dup-group-0001' })).map((a) => a.id)).toEqual([album.id]);
    expect(await client.getAlbums({ name: 'dup-group' })).toEqual([]);
    expect((await client.addAssetsToAlbum(album.id, [assetIds[1]!, assetIds[2]!])).map((r) => r.error ?? 'ok')).toEqual(['duplicate', 'ok']);
    expect((await client.removeAssetsFromAlbum(album.id, [assetIds[0]!])).map((r) => r.success)).toEqual([true]);
    expect((await client.getAlbum(album.id)).assetCount).toBe(2);
    await client.deleteAlbum(album.id);
    expect(await client.getAlbums({ name: 'dup-group-0001' })).toEqual([]);
  });

  it('favorites and assets: bulk update (204), read one', async () => {
    await client.updateAssets({ ids: assetIds.slice(0, 2), isFavorite: true });
    const asset = await client.getAsset(assetIds[0]!);
    expect(asset).toMatchObject({ id: assetIds[0], isFavorite: true, originalFileName: 'a0.jpg' });
    await client.updateAssets({ ids: assetIds.slice(0, 2), isFavorite: false });
    expect((await client.getAsset(assetIds[0]!)).isFavorite).toBe(false);
  });

  it('stacks: create with the primary first, find by primary, delete', async () => {
    const stack = await client.createStack([assetIds[2]!, assetIds[3]!]);
    expect(stack.primaryAssetId).toBe(assetIds[2]);
    expect((await client.getStacks({ primaryAssetId: assetIds[2]! })).map((s) => s.id)).toEqual([stack.id]);
    expect(await client.getStacks({ primaryAssetId: assetIds[3]! })).toEqual([]);
    expect((await client.getAsset(assetIds[3]!)).stack?.id).toBe(stack.id);
    await client.deleteStack(stack.id);
    expect(await client.getStacks()).toEqual([]);
  });

  it('search statistics count what a search would list', async () => {
    expect(await client.searchStatistics({ type: 'IMAGE', visibility: 'timeline' })).toBe(4);
    const page = await client.searchMetadataPage({ page: 1, size: 3, type: 'IMAGE', visibility: 'timeline', withDeleted: false });
    expect(page.items).toHaveLength(3);
    expect(page.nextPage).toBe(2);
    expect((await client.searchMetadataPage({ page: 2, size: 3, type: 'IMAGE' })).nextPage).toBeNull();
  });
});
