import { afterEach, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich, type FakeImmichOptions } from '../helpers/fake-immich/index.js';
import { Placeholders } from '../helpers/fake-immich/recorded-exchanges.js';

describe('fake immich version, capability and proxy emulation', () => {
  let fake: FakeImmich | undefined;
  const start = async (options: FakeImmichOptions = {}) => {
    fake = await startFakeImmich(options);
    return { fake, admin: fake.seedUser() };
  };
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('reports a configured older version without prerelease', async () => {
    const { fake, admin } = await start({ version: { major: 1, minor: 130, patch: 2 } });
    expect(await (await fetch(`${fake.url}/api/server/version`)).json()).toEqual({ major: 1, minor: 130, patch: 2 });
    const about = (await (await fetch(`${fake.url}/api/server/about`, { headers: { 'x-api-key': admin.key } })).json()) as Record<string, unknown>;
    expect(about).toMatchObject({ version: 'v1.130.2', versionUrl: 'https://github.com/immich-app/immich/releases/tag/v1.130.2', licensed: false });
  });

  it('answers 404 "Cannot ..." for switched-off capabilities, also when toggled at runtime', async () => {
    const { fake, admin } = await start({ capabilities: { tags: false } });
    const res = await fetch(`${fake.url}/api/tags`, { headers: { 'x-api-key': admin.key } });
    expect([res.status, await res.json()]).toEqual([404, { message: 'Cannot GET /api/tags' }]);
    fake.config.capabilities.tags = true;
    fake.config.capabilities.stacks = false;
    expect((await fetch(`${fake.url}/api/tags`, { headers: { 'x-api-key': admin.key } })).status).toBe(200);
    expect((await fetch(`${fake.url}/api/stacks`, { headers: { 'x-api-key': admin.key } })).status).toBe(404);
  });

  it('serves under a reverse-proxy path prefix only', async () => {
    const { fake } = await start({ pathPrefix: '/immich' });
    expect(fake.url).toMatch(/\/immich$/);
    expect((await fetch(`${fake.url}/api/server/ping`)).status).toBe(200);
    const root = fake.url.replace(/\/immich$/, '');
    expect((await fetch(`${root}/api/server/ping`)).status).toBe(404);
  });

  it('strict mode answers 400 for unknown search fields that Immich would silently drop', async () => {
    const { fake, admin } = await start();
    const body = JSON.stringify({ tagId: ['x'], size: 5 });
    const headers = { 'x-api-key': admin.key, 'content-type': 'application/json' };
    expect((await fetch(`${fake.url}/api/search/metadata`, { method: 'POST', headers, body })).status).toBe(200);
    fake.config.strictValidation = true;
    const res = await fetch(`${fake.url}/api/search/metadata`, { method: 'POST', headers, body });
    expect(res.status).toBe(400);
    expect(fake.violations()).toHaveLength(2);
    expect(fake.violations()[0]?.violation.path).toEqual(['tagId']);
  });

  it('emulates the v2 default search scope (timeline only) versus v3 (all but locked)', async () => {
    const { fake, admin } = await start();
    for (const visibility of ['timeline', 'archive', 'hidden', 'locked'] as const) fake.state.addAsset({ ownerId: admin.user.id, visibility });
    const count = async () => {
      const res = await fetch(`${fake.url}/api/search/metadata`, { method: 'POST', headers: { 'x-api-key': admin.key, 'content-type': 'application/json' }, body: '{}' });
      return ((await res.json()) as { assets: { count: number } }).assets.count;
    };
    expect(await count()).toBe(3);
    fake.config.searchDefaultVisibility = 'v2';
    expect(await count()).toBe(1);
  });

  it('can answer errors in the v1/v2 NestJS shape', async () => {
    const { fake, admin } = await start({ version: { major: 2, minor: 7, patch: 5 }, errorFormat: 'v2' });
    const res = await fetch(`${fake.url}/api/assets/not-a-uuid`, { headers: { 'x-api-key': admin.key } });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(400);
    expect(body).toMatchObject({ message: ['id Invalid UUID'], error: 'Bad Request', statusCode: 400 });
    expect(typeof body.correlationId).toBe('string');
    const denied = await fetch(`${fake.url}/api/tags`, { headers: { 'x-api-key': fake.addKey(admin.user.id, ['asset.read']) } });
    expect(await denied.json()).toMatchObject({ message: 'Missing required permission: tag.read', error: 'Forbidden', statusCode: 403 });
  });

  it('records requests without the API key value', async () => {
    const { fake, admin } = await start();
    await fetch(`${fake.url}/api/users/me`, { headers: { 'x-api-key': admin.key } });
    await fetch(`${fake.url}/api/users/me?apiKey=${admin.key}`);
    expect(JSON.stringify(fake.requests())).not.toContain(admin.key);
    expect(fake.requests().map((r) => r.status)).toEqual([200, 200]);
  });
});

describe('recorded-exchange comparison (the conformance yardstick can fail)', () => {
  const expected = { assets: { total: 2, count: 2, nextPage: '2', items: [{ id: '<asset-1>', createdAt: '<timestamp>', isFavorite: true }] } };
  const actual = (patch: Record<string, unknown>) => ({
    assets: { total: 2, count: 2, nextPage: '2', items: [{ id: 'd2f3c1a4-5b6e-4c7d-8e9f-0a1b2c3d4e5f', createdAt: '2024-05-01T10:00:00.000Z', isFavorite: true, ...patch }] },
  });

  it('accepts a matching body and binds the placeholder', () => {
    const ids = new Placeholders();
    expect(ids.compare(expected, actual({}))).toEqual([]);
    expect(ids.ids.get('asset-1')).toBe('d2f3c1a4-5b6e-4c7d-8e9f-0a1b2c3d4e5f');
  });

  it('reports wrong values, extra or missing keys, wrong types and re-bound ids', () => {
    expect(new Placeholders().compare(expected, actual({ isFavorite: false }))).toHaveLength(1);
    expect(new Placeholders().compare(expected, actual({ extra: 1 }))[0]).toContain('unexpected keys extra');
    expect(new Placeholders().compare(expected, actual({ createdAt: null }))[0]).toContain('ISO timestamp');
    expect(new Placeholders().compare({ nextPage: '2' }, { nextPage: 2 })).toHaveLength(1);
    expect(new Placeholders().compare({ total: 1 }, {})[0]).toContain('missing keys total');
    const ids = new Placeholders();
    ids.ids.set('asset-1', '11111111-1111-4111-8111-111111111111');
    expect(ids.compare(expected, actual({}))[0]).toContain('expected <asset-1>');
  });
});
