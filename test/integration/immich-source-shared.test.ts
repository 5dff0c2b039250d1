/**
 * The Immich source with `shared` scopes, on a v3.1 fake and on a v2.7 fake (where a shared album's
 * other users' photos come from the album's embedded assets, search keeping the owner scope): what is
 * listed, the owner each photo carries, and the write guard filled with every other user's asset.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Photo, SourceEntry } from '../../src/core/photo.js';
import { ImmichPhotoSource } from '../../src/sources/immich/immich-photo-source.js';
import type { SharedScopeOptions } from '../../src/sources/immich/shared-scopes.js';
import { ThumbnailCache } from '../../src/thumbnails/thumbnail-cache.js';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';

let cache: ThumbnailCache;
let fake: FakeImmich | undefined;

beforeAll(async () => {
  cache = await ThumbnailCache.open({ streamMode: true });
});
afterEach(async () => {
  expect(fake?.violations()).toEqual([]);
  await fake?.close();
  fake = undefined;
});

async function collect(entries: AsyncIterable<SourceEntry>): Promise<Photo[]> {
  const photos: Photo[] = [];
  for await (const entry of entries) if (entry.kind === 'photo') photos.push(entry.photo);
  return photos;
}

/** Me, Pat (a partner, in my timeline), Quinn (a partner, not in my timeline), Fran (shares an album with me). */
async function seed(api: '3.1.0' | '2.7.5') {
  const server = await startFakeImmich({ api });
  fake = server;
  const me = server.seedUser({ name: 'Me' });
  const pat = server.seedUser({ name: 'Pat' }).user;
  const quinn = server.seedUser({ name: 'Quinn' }).user;
  const fran = server.seedUser({ name: 'Fran' }).user;
  const ids = {
    mine: server.state.addAsset({ ownerId: me.user.id, originalFileName: 'mine.jpg' }).id,
    pat: server.state.addAsset({ ownerId: pat.id, originalFileName: 'pat.jpg' }).id,
    quinn: server.state.addAsset({ ownerId: quinn.id, originalFileName: 'quinn.jpg' }).id,
    fran: server.state.addAsset({ ownerId: fran.id, originalFileName: 'fran.jpg' }).id,
    franPrivate: server.state.addAsset({ ownerId: fran.id, originalFileName: 'fran-private.jpg' }).id,
  };
  server.state.addPartner(pat.id, me.user.id, true);
  server.state.addPartner(quinn.id, me.user.id, false);
  const album = server.state.addAlbum({ ownerId: fran.id, albumName: 'Paris', assetIds: [ids.fran, ids.mine] });
  server.state.shareAlbum(album.id, me.user.id);
  const notices: string[] = [];
  const open = (shared: SharedScopeOptions) =>
    ImmichPhotoSource.open({ baseUrl: server.url, apiKey: me.key, cache, retryBaseDelayMs: 5, shared, onNotice: (message) => notices.push(message) });
  return { ids, notices, open, users: { me: me.user.id, pat: pat.id, fran: fran.id } };
}

describe.each(['3.1.0', '2.7.5'] as const)('Immich source with other users\' photos (API %s)', (api) => {
  it('lists only my photos without the scopes, and nothing goes into the write guard', async () => {
    const { ids, open } = await seed(api);
    const source = await open({ partners: false, sharedAlbums: false });
    const photos = await collect(source.list());
    expect(photos.map((photo) => photo.id)).toEqual([ids.mine]);
    expect(photos[0]?.owner).toBeUndefined();
    expect(source.client.othersAssets.size).toBe(0);
    await source.close();
  });

  it('adds the partners in my timeline and the shared album\'s photos, each with its owner, and guards every one of theirs', async () => {
    const { ids, notices, open, users } = await seed(api);
    const source = await open({ partners: true, sharedAlbums: true });
    const photos = await collect(source.list());
    const byName = Object.fromEntries(photos.map((photo) => [photo.path, photo.owner]));
    expect(Object.keys(byName).sort()).toEqual(['fran.jpg', 'mine.jpg', 'pat.jpg']);
    expect(byName['mine.jpg']).toEqual({ id: users.me, name: 'Me', mine: true });
    expect(byName['pat.jpg']).toEqual({ id: users.pat, name: 'Pat', mine: false, via: 'partner' });
    expect(byName['fran.jpg']).toEqual({ id: users.fran, name: 'Fran', mine: false, via: 'shared-album' });
    // Each photo once, though mine is in the album too.
    expect(photos).toHaveLength(3);
    expect([ids.pat, ids.fran].every((id) => source.client.othersAssets.has(id))).toBe(true);
    expect(source.client.othersAssets.has(ids.mine)).toBe(false);
    expect(notices).toEqual([expect.stringMatching(/^Quinn shares photos with you, but not in your timeline/)]);
    await source.close();
  });

  it('partners alone: no album is listed', async () => {
    const { open } = await seed(api);
    const source = await open({ partners: true, sharedAlbums: false });
    expect((await collect(source.list())).map((photo) => photo.path).sort()).toEqual(['mine.jpg', 'pat.jpg']);
    await source.close();
  });
});
