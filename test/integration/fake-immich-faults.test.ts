import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich, type SeededUser } from '../helpers/fake-immich/index.js';

describe('fake immich fault switches', () => {
  let fake: FakeImmich;
  let admin: SeededUser;
  const search = (body: unknown = { size: 10 }) =>
    fetch(`${fake.url}/api/search/metadata`, { method: 'POST', headers: { 'x-api-key': admin.key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const thumb = (id: string) => fetch(`${fake.url}/api/assets/${id}/thumbnail`, { headers: { 'x-api-key': admin.key } });

  beforeEach(async () => {
    fake = await startFakeImmich();
    admin = fake.seedUser();
    fake.state.addManyAssets(3, { ownerId: admin.user.id, thumbnails: [Buffer.from('RIFF\0\0\0\0WEBPVP8 fake')] });
  });
  afterEach(async () => {
    expect(fake.violations()).toEqual([]);
    await fake.close();
  });

  it('adds fixed latency to every request', async () => {
    fake.faults.setLatency(40);
    const start = performance.now();
    await (await fetch(`${fake.url}/api/server/ping`)).text();
    expect(performance.now() - start).toBeGreaterThanOrEqual(35);
  });

  it('fails a seeded fraction of requests with 500/503, reproducibly', async () => {
    const run = async (): Promise<number[]> => {
      fake.faults.failRandomly(0.3, { seed: 7 });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i += 1) statuses.push((await fetch(`${fake.url}/api/server/ping`)).status);
      return statuses;
    };
    const first = await run();
    const second = await run();
    expect(first).toEqual(second);
    const failed = first.filter((s) => s !== 200);
    expect(failed.length).toBeGreaterThan(4);
    expect(failed.length).toBeLessThan(25);
    expect(new Set(failed)).toEqual(new Set([500, 503]));
  });

  it('answers 429 with Retry-After for the chosen number of requests', async () => {
    fake.faults.rateLimit(2, 3, (t) => t.apiPath === '/api/search/metadata');
    const a = await search();
    expect([a.status, a.headers.get('retry-after')]).toEqual([429, '3']);
    expect((await search()).status).toBe(429);
    expect((await search()).status).toBe(200);
    expect(fake.requests().map((r) => r.fault)).toEqual(['status', 'status', undefined]);
  });

  it('resets the connection on chosen requests', async () => {
    const [asset] = [...fake.state.assets.values()];
    fake.faults.add({ kind: 'reset', times: 1, match: (t) => t.apiPath.endsWith('/thumbnail') });
    await expect(thumb(asset!.id)).rejects.toThrow();
    expect((await thumb(asset!.id)).status).toBe(200);
  });

  it('stops a response halfway (content-length promised, connection cut)', async () => {
    fake.faults.add({ kind: 'truncate', times: 1 });
    const res = await search();
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('sends a malformed JSON body when asked', async () => {
    fake.faults.add({ kind: 'malformed-json', times: 1 });
    const res = await search();
    expect(res.headers.get('content-type')).toContain('application/json');
    await expect(res.json()).rejects.toThrow();
  });

  it('stalls chosen requests for N ms', async () => {
    fake.faults.add({ kind: 'stall', ms: 300, times: 1 });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 100);
    await expect(fetch(`${fake.url}/api/server/ping`, { signal: controller.signal })).rejects.toThrow();
    clearTimeout(timer);
    expect((await fetch(`${fake.url}/api/server/ping`)).status).toBe(200);
  });

  it('answers 404 for the thumbnails of chosen assets', async () => {
    const [a, b] = [...fake.state.assets.values()];
    fake.faults.thumbnail404.add(a!.id);
    const res = await thumb(a!.id);
    expect([res.status, await res.json()]).toEqual([404, { message: 'Asset media not found' }]);
    expect((await thumb(b!.id)).status).toBe(200);
  });

  it('goes away and comes back on the same port', async () => {
    const port = fake.port;
    // A keep-alive connection is open when the server goes away.
    await (await fetch(`${fake.url}/api/server/ping`)).text();
    await fake.goAway();
    const refused = await new Promise<string>((resolve) => {
      httpRequest({ host: '127.0.0.1', port, path: '/api/server/ping' }, () => resolve('answered')).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error')).end();
    });
    expect(refused).toBe('ECONNREFUSED');
    await fake.comeBack();
    expect(fake.port).toBe(port);
    expect(await (await fetch(`${fake.url}/api/server/ping`)).json()).toEqual({ res: 'pong' });
  });
});
