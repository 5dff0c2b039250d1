/**
 * The fake's version profiles behave like that Immich release where it matters to a client: its
 * OpenAPI document judges the requests, its missing routes are 404, fields it does not declare are
 * dropped (so an old server "ignores" a filter and answers everything), and its shapes and defaults.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PARTIAL_PROFILES, startFakeImmich, VERSION_PROFILES, type FakeImmich, type FakeImmichOptions } from '../helpers/fake-immich/index.js';

describe('fake immich version profiles', () => {
  let fake: FakeImmich | undefined;
  const start = async (options: FakeImmichOptions) => {
    fake = await startFakeImmich(options);
    const admin = fake.seedUser();
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${fake?.apiUrl ?? ''}${path}`, {
        method,
        headers: { 'x-api-key': admin.key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
    };
    return { fake, admin, call };
  };
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('has one profile per OpenAPI document, each reporting its version', async () => {
    expect(VERSION_PROFILES.map((profile) => profile.api)).toEqual(['1.124.0', '1.142.0', '2.7.5', '3.1.0']);
    const { call } = await start({ api: '1.142.0' });
    expect((await call('GET', '/server/version')).body).toEqual({ major: 1, minor: 142, patch: 0 });
  });

  it('1.124: routes that came later are 404 in the NestJS shape; later fields are violations and are ignored', async () => {
    const { fake, admin, call } = await start({ api: '1.124.0' });
    expect(await call('POST', '/search/statistics', {})).toMatchObject({ status: 404, body: { message: 'Cannot POST /api/search/statistics', error: 'Not Found', statusCode: 404 } });
    expect((await call('PUT', '/albums/assets', { albumIds: [], assetIds: [] })).status).toBe(404);
    // No /api-keys/me yet: the path reads as /api-keys/{id} with a bad id.
    expect((await call('GET', '/api-keys/me')).status).toBe(400);
    const tagged = fake.state.addAsset({ ownerId: admin.user.id });
    fake.state.addAsset({ ownerId: admin.user.id });
    fake.state.tagAsset(fake.state.upsertTag(admin.user.id, 'x').id, tagged.id);
    fake.clearRequests();
    // tagIds arrived in v1.126: a v1.124 server drops it and answers every asset.
    const found = await call('POST', '/search/metadata', { tagIds: [fake.state.upsertTag(admin.user.id, 'x').id] });
    expect((found.body?.assets as { count: number }).count).toBe(2);
    expect(fake.violations().filter(({ request }) => request.apiPath === '/api/search/metadata').map(({ violation }) => violation.path)).toEqual([['tagIds']]);
  });

  it('before v1.133: withArchived / isArchived / isVisible decide the scope; assets have no visibility or width', async () => {
    const { fake, admin, call } = await start({ api: '1.124.0' });
    for (const visibility of ['timeline', 'archive', 'hidden'] as const) fake.state.addAsset({ ownerId: admin.user.id, visibility, width: 10, height: 10 });
    const count = async (body: object) => ((await call('POST', '/search/metadata', body)).body?.assets as { count: number }).count;
    expect(await count({})).toBe(2);
    expect(await count({ withArchived: true })).toBe(3);
    expect(await count({ withArchived: true, isVisible: true })).toBe(2);
    expect(await count({ isArchived: true })).toBe(1);
    const items = ((await call('POST', '/search/metadata', {})).body?.assets as { items: Record<string, unknown>[] }).items;
    expect(items[0]).not.toHaveProperty('visibility');
    expect(items[0]).not.toHaveProperty('width');
    expect(items[0]).toMatchObject({ isArchived: false, deviceId: 'fake-device' });
    expect(fake.violations()).toEqual([]);
  });

  it('v1/v2 albums: owner in ownerId, assets embedded in GET /albums/{id}, no name filter; DELETE is 200 before v1.138', async () => {
    const { fake, admin, call } = await start({ api: '1.124.0' });
    const asset = fake.state.addAsset({ ownerId: admin.user.id });
    const album = fake.state.addAlbum({ ownerId: admin.user.id, albumName: 'a', assetIds: [asset.id] });
    fake.state.addAlbum({ ownerId: admin.user.id, albumName: 'b' });
    const one = (await call('GET', `/albums/${album.id}`)).body;
    expect(one).toMatchObject({ ownerId: admin.user.id, albumUsers: [], assets: [{ id: asset.id }] });
    expect(((await call('GET', '/albums?name=a')).body as unknown as unknown[]).length).toBe(2);
    expect(await call('DELETE', `/albums/${album.id}`)).toEqual({ status: 200, body: undefined });
    expect(fake.violations().map(({ violation }) => violation.path)).toEqual([['name']]);
  });

  it('v2.7.5 searches only the timeline when no visibility is sent; albumIds keep the owner scope', async () => {
    const { fake, admin, call } = await start({ api: '2.7.5' });
    const archived = fake.state.addAsset({ ownerId: admin.user.id, visibility: 'archive' });
    fake.state.addAsset({ ownerId: admin.user.id });
    const album = fake.state.addAlbum({ ownerId: admin.user.id, albumName: 'a', assetIds: [archived.id] });
    const count = async (body: object) => ((await call('POST', '/search/metadata', body)).body?.assets as { count: number }).count;
    expect(await count({})).toBe(1);
    expect(await count({ visibility: 'archive', albumIds: [album.id] })).toBe(1);
    expect(await count({ albumIds: [album.id] })).toBe(0);
    expect(fake.violations()).toEqual([]);
  });

  it('partial backends answer 404 or 501 for the missing group, search included', async () => {
    const names = PARTIAL_PROFILES.map((profile) => profile.name);
    expect(names).toContain('partial-no-search-501');
    expect(names).toHaveLength(8);
    const { call } = await start({ capabilities: { search: false, tags: false }, missingRouteStatus: 501 });
    expect(await call('GET', '/tags')).toEqual({ status: 501, body: { message: 'Not Implemented' } });
    expect((await call('POST', '/search/metadata', {})).status).toBe(501);
    expect((await call('POST', '/search/statistics', {})).status).toBe(501);
    expect((await call('GET', '/albums')).status).toBe(200);
  });
});
