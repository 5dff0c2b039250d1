/**
 * The second lock on other users' photos: once the source has listed a partner's or a shared album's
 * asset, every writing method of the client refuses a request naming it, before anything is sent
 * (the fake records no request), and still sends requests that name only the user's own assets.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImmichClient } from '../../src/sources/immich/immich-client.js';
import { OthersAssetWriteError } from '../../src/sources/immich/others-assets.js';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';

let fake: FakeImmich;
let client: ImmichClient;
let mine: string;
let theirs: string;

beforeAll(async () => {
  fake = await startFakeImmich();
  const { user, key } = fake.seedUser();
  const partner = fake.seedUser().user;
  fake.state.addPartner(partner.id, user.id);
  mine = fake.state.addAsset({ ownerId: user.id, originalFileName: 'mine.jpg' }).id;
  theirs = fake.state.addAsset({ ownerId: partner.id, originalFileName: 'theirs.jpg' }).id;
  client = new ImmichClient({ baseUrl: fake.url, apiKey: key });
  client.othersAssets.add(theirs);
});

afterAll(async () => {
  await client.close();
  await fake.close();
});

describe('the write guard for other users\' photos', () => {
  const writes: [string, (ids: string[]) => Promise<unknown>][] = [
    ['PUT /assets', (ids) => client.updateAssets({ ids, isFavorite: true })],
    ['DELETE /assets', (ids) => client.trashAssets(ids)],
    ['POST /trash/restore/assets', (ids) => client.restoreFromTrash(ids)],
    ['PUT /assets/metadata', (ids) => client.upsertAssetMetadata(ids.map((assetId) => ({ assetId, key: 'photo-organizer', value: { a: 1 } })))],
    ['DELETE /assets/metadata', (ids) => client.deleteAssetMetadata(ids.map((assetId) => ({ assetId, key: 'photo-organizer' })))],
    ['PUT /tags/assets', (ids) => client.bulkTagAssets([], ids)],
    ['PUT /tags/{id}/assets', (ids) => client.tagAssets('5f0c2a57-8d1e-4a43-9b7e-0c1d2e3f4a5b', ids)],
    ['DELETE /tags/{id}/assets', (ids) => client.untagAssets('5f0c2a57-8d1e-4a43-9b7e-0c1d2e3f4a5b', ids)],
    ['POST /albums', (ids) => client.createAlbum('dup-0001', ids)],
    ['PUT /albums/{id}/assets', (ids) => client.addAssetsToAlbum('5f0c2a57-8d1e-4a43-9b7e-0c1d2e3f4a5b', ids)],
    ['DELETE /albums/{id}/assets', (ids) => client.removeAssetsFromAlbum('5f0c2a57-8d1e-4a43-9b7e-0c1d2e3f4a5b', ids)],
    ['POST /stacks', (ids) => client.createStack(ids)],
  ];

  for (const [request, send] of writes) {
    it(`${request}: refused before sending when it names another user's photo`, async () => {
      fake.clearRequests();
      await expect(send([mine, theirs])).rejects.toThrow(OthersAssetWriteError);
      await expect(send([theirs])).rejects.toThrow(/never changes; nothing was sent/);
      expect(fake.requests()).toEqual([]);
    });
  }

  it('lets a write of the user\'s own photos through', async () => {
    fake.clearRequests();
    await client.updateAssets({ ids: [mine], isFavorite: true });
    expect(fake.state.assets.get(mine)?.isFavorite).toBe(true);
    expect(fake.writeRequests()).toHaveLength(1);
    expect(fake.violations()).toEqual([]);
  });
});
