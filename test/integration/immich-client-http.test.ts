/**
 * The Immich HTTP client against the fake Immich over real HTTP: base URLs, retries (counted in the
 * fake's request log), timeouts, errors, cancellation, and request bodies valid against the OpenAPI
 * document.
 */

import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/core/errors.js';
import { ImmichClient, type ImmichClientOptions, type RetryEvent } from '../../src/sources/immich/immich-client.js';
import { ImmichHttpError } from '../../src/sources/immich/immich-errors.js';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';

let fake: FakeImmich;
let key: string;
let userId: string;
const clients: ImmichClient[] = [];

function client(options: Partial<ImmichClientOptions> = {}): ImmichClient {
  const made = new ImmichClient({ baseUrl: fake.url, apiKey: key, retryBaseDelayMs: 5, retryMaxDelayMs: 2000, ...options });
  clients.push(made);
  return made;
}

async function caught(promise: Promise<unknown>): Promise<ImmichHttpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImmichHttpError) return error;
    throw error;
  }
  throw new Error('expected an ImmichHttpError');
}

function expectNoKey(error: unknown): void {
  for (const text of [String(error), (error as Error).stack ?? '', JSON.stringify(error), inspect(error, { depth: 5 })]) {
    expect(text).not.toContain(key);
  }
}

beforeAll(async () => {
  fake = await startFakeImmich();
  const seeded = fake.seedUser();
  key = seeded.key;
  userId = seeded.user.id;
});

afterEach(() => {
  fake.faults.clear();
  const violations = fake.violations();
  fake.clearRequests();
  expect(violations).toEqual([]);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await fake.close();
});

describe('base URL', () => {
  it.each(['', '/', '/api', '/api/', '//api//'])('reaches the server from "<url>%s"', async (suffix) => {
    const immich = client({ baseUrl: `${fake.url}${suffix}` });
    expect(await immich.ping()).toBe(true);
    expect((await immich.me()).id).toBe(userId);
  });

  it('works behind a reverse-proxy path prefix', async () => {
    const prefixed = await startFakeImmich({ pathPrefix: '/immich' });
    try {
      const seeded = prefixed.seedUser();
      for (const base of [prefixed.url, `${prefixed.url}/`, `${prefixed.url}/api`, `${prefixed.url}/api/`]) {
        const immich = new ImmichClient({ baseUrl: base, apiKey: seeded.key });
        expect(immich.baseUrl).toBe(`${prefixed.url}/api`);
        expect((await immich.me()).id).toBe(seeded.user.id);
        await immich.close();
      }
      expect(prefixed.requests().every((r) => r.path.startsWith('/immich/api/'))).toBe(true);
      expect(prefixed.violations()).toEqual([]);
    } finally {
      await prefixed.close();
    }
  });

  it('sends the key as x-api-key, never in the URL', async () => {
    await client().me();
    const [request] = fake.requests();
    expect(request?.headers['x-api-key']).toBe('<redacted>');
    expect(request?.query).toEqual({});
  });
});

describe('server calls', () => {
  it('reads version, about and features', async () => {
    const immich = client();
    expect(await immich.version()).toEqual({ major: 3, minor: 1, patch: 0 });
    expect((await immich.about()).version).toBe('v3.1.0');
    expect((await immich.features()).trash).toBe(true);
  });
});

describe('retries', () => {
  const search = { page: 1, size: 10, type: 'IMAGE' as const };

  it('retries 503 with backoff and reports each retry', async () => {
    const events: RetryEvent[] = [];
    fake.faults.add({ kind: 'status', status: 503, body: { message: 'Service Unavailable' }, times: 2 });
    const immich = client({ onRetry: (event) => events.push(event) });
    expect((await immich.searchMetadataPage(search)).items).toEqual([]);
    expect(fake.requests().map((r) => r.status)).toEqual([503, 503, 200]);
    expect(events.map((e) => [e.attempt, e.method, e.endpoint])).toEqual([
      [1, 'POST', '/search/metadata'],
      [2, 'POST', '/search/metadata'],
    ]);
    expect(events[0]?.reason).toMatch(/HTTP 503: Service Unavailable/);
  });

  it('honours Retry-After on 429', async () => {
    fake.faults.rateLimit(1, 1);
    const immich = client();
    const started = Date.now();
    await immich.me();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.requests().map((r) => r.status)).toEqual([429, 200]);
  });

  it('retries a connection reset and a half-sent body', async () => {
    fake.faults.add({ kind: 'reset', times: 1 });
    fake.faults.add({ kind: 'truncate', times: 1 });
    expect((await client().me()).id).toBe(userId);
    expect(fake.requests().map((r) => r.fault ?? r.status)).toEqual(['reset', 'truncate', 200]);
  });

  it('gives up after maxAttempts and says how often it tried', async () => {
    fake.faults.add({ kind: 'status', status: 502, body: { message: 'Bad Gateway' } });
    const error = await caught(client({ maxAttempts: 3 }).me());
    expect(fake.requests()).toHaveLength(3);
    expect(error.status).toBe(502);
    expect(error.message).toBe('Immich GET /users/me failed with HTTP 502: Bad Gateway (after 3 attempts)');
  });

  it('retries a 500 only once', async () => {
    fake.faults.add({ kind: 'status', status: 500 });
    await caught(client().listTags());
    expect(fake.requests()).toHaveLength(2);
  });

  it('times out a stalled request, then retries it', async () => {
    fake.faults.add({ kind: 'stall', ms: 600, times: 1 });
    expect((await client({ timeoutMs: 200 }).me()).id).toBe(userId);
    expect(fake.requests()).toHaveLength(2);
  });

  it('reports a timeout when every attempt stalls', async () => {
    fake.faults.add({ kind: 'stall', ms: 400 });
    const error = await caught(client({ timeoutMs: 100, maxAttempts: 2 }).ping());
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/timed out \(no answer within 100 ms\) \(after 2 attempts\)/);
  });

  it('does not retry client errors', async () => {
    const error = await caught(client().getAsset('4b1c7a52-1d3e-4b8a-9c0d-2e3f4a5b6c7d'));
    expect(error.status).toBe(400);
    expect(error.serverMessage).toBe('Not found or no asset.read access');
    expect(fake.requests()).toHaveLength(1);
  });

  it('never repeats a non-idempotent POST (creating an album)', async () => {
    fake.faults.add({ kind: 'status', status: 503, times: 1 });
    const error = await caught(client().createAlbum('once', []));
    expect(error.status).toBe(503);
    expect(fake.requests()).toHaveLength(1);
  });

  it('stops waiting when the caller cancels, during a retry wait too', async () => {
    fake.faults.rateLimit(5, 30, (t) => t.apiPath === '/api/users/me');
    const controller = new AbortController();
    const started = Date.now();
    // Cancel once the first 429 is in and the client has started to wait.
    const immich = client({ onRetry: () => setTimeout(() => controller.abort(), 20) });
    await expect(immich.me({ signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(fake.requests()).toHaveLength(1);
  });

  it('cancels a request in flight', async () => {
    // A route no other test puts faults on: the abandoned request may still reach the fake later.
    fake.faults.add({ kind: 'stall', ms: 2000, times: 1, match: (t) => t.apiPath === '/api/server/about' });
    const controller = new AbortController();
    const started = Date.now();
    const pending = client().about({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('errors', () => {
  it('calls malformed JSON in a 200 an invalid response, clearly', async () => {
    // Matched to this route, so a late request from an earlier test cannot take the fault.
    fake.faults.add({ kind: 'malformed-json', times: 1, match: (t) => t.apiPath === '/api/tags' });
    const error = await caught(client().listTags());
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toMatch(/^Immich GET \/tags: invalid JSON from server \(/);
    expect(fake.requests((r) => r.apiPath === '/api/tags')).toHaveLength(1);
  });

  it('says when the answer has the wrong shape', async () => {
    fake.faults.add({ kind: 'status', status: 200, body: { hello: 'world' }, times: 1, match: (t) => t.apiPath === '/api/users/me' });
    const error = await caught(client().me());
    expect(error.message).toMatch(/^Immich GET \/users\/me: unexpected answer from server \(at id: Required\); is http:.* an Immich server\?$/);
  });

  it('carries method, endpoint, status and Immich message; a 401 hints at the key', async () => {
    const error = await caught(client({ apiKey: 'wrong-key' }).me());
    expect(error).toMatchObject({ kind: 'http', method: 'GET', endpoint: '/users/me', status: 401, serverMessage: 'Invalid API key' });
    expect(error.message).toBe('Immich GET /users/me failed with HTTP 401: Invalid API key (check the API key)');
  });

  it('never lets the API key into an error, even when the server echoes it', async () => {
    const errors: unknown[] = [];
    fake.faults.add({ kind: 'status', status: 400, body: { message: `Bad header x-api-key: ${key}` }, times: 1 });
    errors.push(await caught(client().me()));
    fake.faults.add({ kind: 'status', status: 302, headers: { location: `https://elsewhere.example/?apiKey=${key}` }, body: {}, times: 1 });
    errors.push(await caught(client().me()));
    fake.faults.add({ kind: 'malformed-json', times: 1 });
    errors.push(await caught(client().me()));
    fake.faults.add({ kind: 'reset' });
    errors.push(await caught(client({ maxAttempts: 2 }).me()));
    fake.faults.clear();
    // The server holds its answer well past the timeout: a 0 ms timeout lost the race to a fast
    // loopback answer on a loaded machine, and then there was no error to read.
    fake.faults.add({ kind: 'stall', ms: 1000, times: 1 });
    errors.push(await caught(client({ timeoutMs: 50, maxAttempts: 1 }).http.request('GET', '/server/ping', 'none', { timeoutMs: 50 })));
    fake.faults.clear();
    errors.push(await caught(client({ baseUrl: 'http://127.0.0.1:1' }).ping()));
    expect(errors).toHaveLength(6);
    for (const error of errors) expectNoKey(error);
    expect(String(errors[0])).toContain('<redacted>');
  });

  it('does not follow a redirect, and says what to do', async () => {
    fake.faults.add({ kind: 'status', status: 301, headers: { location: 'https://immich.example/api/users/me' }, body: {}, times: 1 });
    const error = await caught(client().me());
    expect(error.kind).toBe('redirect');
    expect(error.message).toMatch(/redirected \(HTTP 301 to https:\/\/immich\.example\/api\/users\/me\).*Use the final address/);
    expect(fake.requests()).toHaveLength(1);
  });

  it('names the server it could not reach', async () => {
    const error = await caught(client({ baseUrl: 'http://127.0.0.1:1' }).ping());
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/could not reach http:\/\/127\.0\.0\.1:1\/api: .*ECONNREFUSED/);
  });
});

describe('an unreachable server', () => {
  it('fails fast once it has stopped answering, and notices when it is back', async () => {
    const immich = client({ circuitBreaker: { threshold: 2, coolDownMs: 300 } });
    await immich.ping();
    await fake.goAway();
    try {
      for (let i = 0; i < 2; i++) expect((await caught(immich.ping())).attempts).toBeGreaterThanOrEqual(1);
      const started = Date.now();
      const refused = await caught(immich.ping());
      expect(Date.now() - started).toBeLessThan(50);
      expect(refused.attempts).toBe(0);
      expect(refused.message).toMatch(/not tried, the server has stopped answering/);
    } finally {
      await fake.comeBack();
    }
    fake.clearRequests();
    await caught(immich.ping()); // still within the cool-down
    expect(fake.requests()).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await immich.ping()).toBe(true);
    expect(await immich.ping()).toBe(true);
    expect(fake.requests()).toHaveLength(2);
  });
});

describe('bounded concurrency', () => {
  it('never has more requests in flight than asked', async () => {
    fake.faults.setLatency(30);
    const immich = client({ concurrency: 3 });
    let inFlight = 0;
    let peak = 0;
    const original = fake.faults.pick.bind(fake.faults);
    fake.faults.pick = (target) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => inFlight--, 25);
      return original(target);
    };
    try {
      await Promise.all(Array.from({ length: 12 }, () => immich.ping()));
    } finally {
      fake.faults.pick = original;
    }
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThanOrEqual(2);
  });
});
