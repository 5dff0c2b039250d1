/**
 * The fake's partner sharing, shared albums and duplicate groups, as Immich v3.1.0 does them (no
 * recorded exchange covers them: the rules are read from the server's PartnerService, album
 * repository and access checks, and SearchService.getUserIdsToSearch). Every request must be valid
 * against the OpenAPI document and every answer must match the operation's declared response,
 * with no field the document does not declare.
 */

import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich, type SeededUser } from '../helpers/fake-immich/index.js';
import { createOpenApiValidator, loadImmichSpec } from '../helpers/openapi-validator.js';

const validator = createOpenApiValidator(loadImmichSpec());

interface SearchPage {
  assets: { items: { id: string; ownerId: string }[] };
}

describe('fake immich: partners, shared albums, duplicate groups', () => {
  let fake: FakeImmich;
  let me: SeededUser;
  let pat: SeededUser;
  let fran: SeededUser;
  /** Sends a request as `who`; the answer must match the document. */
  const call = async (who: SeededUser, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fake.url}/api${path}`, {
      method,
      headers: { 'x-api-key': who.key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const json = (text ? JSON.parse(text) : null) as unknown;
    if (res.status < 400) expect(validator.validateResponse(method, `/api${path}`, res.status, json).map((v) => `${method} ${path}: ${v.message}`)).toEqual([]);
    return { status: res.status, body: json };
  };
  const searched = async (who: SeededUser, filters: Record<string, unknown> = {}) =>
    ((await call(who, 'POST', '/search/metadata', { type: 'IMAGE', ...filters })).body as SearchPage).assets.items.map((item) => item.id).sort();

  beforeEach(async () => {
    fake = await startFakeImmich();
    me = fake.seedUser({ name: 'Me', email: 'me@example.com' });
    pat = fake.seedUser({ name: 'Pat', email: 'pat@example.com' });
    fran = fake.seedUser({ name: 'Fran', email: 'fran@example.com' });
  });
  afterEach(async () => {
    expect(fake.violations()).toEqual([]);
    await fake.close();
  });

  it('partners: created with the timeline off, listed both ways, in search only once the receiver turns the timeline on', async () => {
    const mine = fake.state.addAsset({ ownerId: me.user.id }).id;
    const patsPhoto = fake.state.addAsset({ ownerId: pat.user.id }).id;

    const created = await call(pat, 'POST', '/partners', { sharedWithId: me.user.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: me.user.id, name: 'Me', inTimeline: false });
    expect((await call(pat, 'POST', '/partners', { sharedWithId: me.user.id })).body).toMatchObject({ message: 'Partner already exists' });

    expect((await call(me, 'GET', '/partners?direction=shared-with')).body).toEqual([expect.objectContaining({ id: pat.user.id, name: 'Pat', email: 'pat@example.com', inTimeline: false })]);
    expect((await call(pat, 'GET', '/partners?direction=shared-by')).body).toEqual([expect.objectContaining({ id: me.user.id, inTimeline: false })]);
    expect((await call(me, 'GET', '/partners?direction=shared-by')).body).toEqual([]);

    // Partner access does not depend on the timeline: the asset can be opened, but search leaves it out.
    expect(await searched(me)).toEqual([mine]);
    expect((await call(me, 'GET', `/assets/${patsPhoto}`)).status).toBe(200);

    const updated = await call(me, 'PUT', `/partners/${pat.user.id}`, { inTimeline: true });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: pat.user.id, inTimeline: true });
    expect(await searched(me)).toEqual([mine, patsPhoto].sort());
    // Only the receiving user sets it: the sharing user has no such partnership to update.
    expect((await call(pat, 'PUT', `/partners/${me.user.id}`, { inTimeline: true })).body).toMatchObject({ message: 'Not found or no partner.update access' });
    // Sharing is one way: Pat does not see my photos.
    expect(await searched(pat)).toEqual([patsPhoto]);

    expect((await call(me, 'DELETE', `/partners/${pat.user.id}`)).body).toMatchObject({ message: 'Partner not found' });
    expect((await call(pat, 'DELETE', `/partners/${me.user.id}`)).status).toBe(204);
    expect(await searched(me)).toEqual([mine]);
    expect((await call(me, 'GET', `/assets/${patsPhoto}`)).status).toBe(400);
  });

  it('shared albums: listed with their members, their photos searchable by albumIds (every owner\'s on v3) and viewable; not in plain search', async () => {
    const mine = fake.state.addAsset({ ownerId: me.user.id }).id;
    const fransPhoto = fake.state.addAsset({ ownerId: fran.user.id }).id;
    const fransOther = fake.state.addAsset({ ownerId: fran.user.id }).id;
    const album = fake.state.addAlbum({ ownerId: fran.user.id, albumName: 'Paris', assetIds: [fransPhoto] });
    const ownShared = fake.state.addAlbum({ ownerId: me.user.id, albumName: 'Mine, shared', assetIds: [mine] });
    const ownPrivate = fake.state.addAlbum({ ownerId: me.user.id, albumName: 'Private', assetIds: [mine] });
    fake.state.shareAlbum(album.id, me.user.id, 'viewer');
    fake.state.shareAlbum(ownShared.id, pat.user.id, 'editor');

    const names = async (query: string) => ((await call(me, 'GET', `/albums${query}`)).body as { albumName: string }[]).map((a) => a.albumName).sort();
    expect(await names('')).toEqual(['Mine, shared', 'Paris', 'Private']);
    expect(await names('?isOwned=false')).toEqual(['Paris']);
    expect(await names('?isOwned=true')).toEqual(['Mine, shared', 'Private']);
    expect(await names('?isShared=true')).toEqual(['Mine, shared', 'Paris']);
    expect(await names('?isShared=false')).toEqual(['Private']);
    expect(await names(`?assetId=${fransPhoto}`)).toEqual(['Paris']);
    // v3: the owner first, then the members, each with a role; `shared` says it has members.
    const paris = (await call(me, 'GET', `/albums/${album.id}`)).body as { shared: boolean; albumUsers: { role: string; user: { id: string; name: string } }[] };
    expect(paris.shared).toBe(true);
    expect(paris.albumUsers.map((member) => [member.role, member.user.name])).toEqual([['owner', 'Fran'], ['viewer', 'Me']]);
    expect(((await call(me, 'GET', `/albums/${ownPrivate.id}`)).body as { shared: boolean }).shared).toBe(false);

    expect(await searched(me, { albumIds: [album.id] })).toEqual([fransPhoto]);
    expect(await searched(me)).toEqual([mine]);
    expect((await call(me, 'GET', `/assets/${fransPhoto}`)).status).toBe(200);
    expect((await call(me, 'GET', `/assets/${fransPhoto}/thumbnail?size=thumbnail`)).status).not.toBe(400);
    // Not in the album: no access.
    expect((await call(me, 'GET', `/assets/${fransOther}`)).body).toMatchObject({ message: 'Not found or no asset.read access' });
    // Pat is not a member of Fran's album.
    expect((await call(pat, 'POST', '/search/metadata', { albumIds: [album.id] })).body).toMatchObject({ message: 'Not found or no album.read access' });
    // A viewer may not change another user's photo.
    expect((await call(me, 'PUT', '/assets', { ids: [fransPhoto], isFavorite: true })).status).toBe(400);
    expect(fake.state.assets.get(fransPhoto)?.isFavorite).toBe(false);
  });

  it('shared albums on a v2 server: no parameter lists owned albums only, shared=true the shared ones, the album embeds every member\'s photos', async () => {
    await fake.close();
    fake = await startFakeImmich({ api: '2.7.5' });
    me = fake.seedUser({ name: 'Me' });
    fran = fake.seedUser({ name: 'Fran' });
    const fransPhoto = fake.state.addAsset({ ownerId: fran.user.id }).id;
    const album = fake.state.addAlbum({ ownerId: fran.user.id, albumName: 'Paris', assetIds: [fransPhoto] });
    fake.state.addAlbum({ ownerId: me.user.id, albumName: 'Private' });
    fake.state.shareAlbum(album.id, me.user.id);
    const names = async (query: string) => ((await fetch(`${fake.url}/api/albums${query}`, { headers: { 'x-api-key': me.key } }).then((res) => res.json())) as { albumName: string }[]).map((a) => a.albumName).sort();
    expect(await names('')).toEqual(['Private']);
    expect(await names('?shared=true')).toEqual(['Paris']);
    const embedded = (await fetch(`${fake.url}/api/albums/${album.id}`, { headers: { 'x-api-key': me.key } }).then((res) => res.json())) as { ownerId: string; albumUsers: { user: { id: string } }[]; assets: { id: string }[] };
    expect(embedded.ownerId).toBe(fran.user.id);
    expect(embedded.albumUsers.map((member) => member.user.id)).toEqual([me.user.id]);
    expect(embedded.assets.map((asset) => asset.id)).toEqual([fransPhoto]);
  });

  it('duplicate groups: only the user\'s own assets, the largest file suggested, a group of one cleared', async () => {
    const group = randomUUID();
    const [a, b] = [1000, 3000].map((bytes) => fake.state.addAsset({ ownerId: me.user.id, duplicateId: group, exif: { fileSizeInByte: bytes } }).id);
    fake.state.addAsset({ ownerId: pat.user.id, duplicateId: group });
    const lonely = fake.state.addAsset({ ownerId: me.user.id, duplicateId: randomUUID() }).id;
    fake.state.addPartner(pat.user.id, me.user.id);
    const answer = (await call(me, 'GET', '/duplicates')).body as { duplicateId: string; assets: { id: string }[]; suggestedKeepAssetIds: string[] }[];
    expect(answer.map((entry) => ({ ...entry, assets: entry.assets.map((asset) => asset.id).sort() }))).toEqual([{ duplicateId: group, assets: [a, b].sort(), suggestedKeepAssetIds: [b] }]);
    expect(fake.state.assets.get(lonely)?.duplicateId).toBeNull();
  });
});
