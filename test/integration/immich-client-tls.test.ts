/**
 * TLS and redirects with real local servers: a self-signed HTTPS server (certificate made by
 * openssl in the test) and a redirecting server that points at another origin.
 */

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImmichClient } from '../../src/sources/immich/immich-client.js';
import { ImmichHttpError } from '../../src/sources/immich/immich-errors.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const KEY = 'tls-test-secret-key-0123456789';
const tempDir = useTempDirs();
const servers: Server[] = [];

interface Seen {
  path: string;
  apiKey: string | undefined;
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Answers ping like Immich and remembers who asked with which key. */
function pingHandler(seen: Seen[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    seen.push({ path: req.url ?? '', apiKey: req.headers['x-api-key'] as string | undefined });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ res: 'pong' }));
  };
}

async function failure(promise: Promise<unknown>): Promise<ImmichHttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImmichHttpError);
  return error as ImmichHttpError;
}

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('TLS', () => {
  let httpsUrl: string;
  let cert: Buffer;
  const seen: Seen[] = [];

  beforeAll(async () => {
    const dir = tempDir('po-tls');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'));
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, pingHandler(seen));
    httpsUrl = `https://127.0.0.1:${await listen(server)}`;
  });

  it('refuses a self-signed certificate by default, with a hint, and sends nothing', async () => {
    const client = new ImmichClient({ baseUrl: httpsUrl, apiKey: KEY, maxAttempts: 3, retryBaseDelayMs: 1 });
    const error = await failure(client.ping());
    await client.close();
    expect(error.kind).toBe('network');
    expect(error.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    expect(error.attempts).toBe(1); // a certificate problem does not go away by retrying
    expect(error.message).toMatch(/certificate is not trusted/);
    expect(seen).toEqual([]);
  });

  it('accepts the server when given its certificate as CA', async () => {
    const client = new ImmichClient({ baseUrl: httpsUrl, apiKey: KEY, caCert: cert });
    expect(await client.ping()).toBe(true);
    await client.close();
    expect(seen.at(-1)).toEqual({ path: '/api/server/ping', apiKey: KEY });
  });

  it('accepts it in insecure mode', async () => {
    const client = new ImmichClient({ baseUrl: `${httpsUrl}/`, apiKey: KEY, insecure: true });
    expect(await client.ping()).toBe(true);
    await client.close();
  });

  it('still refuses a wrong certificate when another CA is given', async () => {
    const dir = tempDir('po-tls-other');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=other', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
    const client = new ImmichClient({ baseUrl: httpsUrl, apiKey: KEY, caCert: readFileSync(join(dir, 'c.pem')) });
    const error = await failure(client.ping());
    await client.close();
    expect(error.kind).toBe('network');
  });
});

describe('redirects', () => {
  it.each([301, 302, 307, 308])('a %i to another origin is not followed and the key stays home', async (status) => {
    const elsewhere: Seen[] = [];
    const otherPort = await listen(createHttpServer(pingHandler(elsewhere)));
    const redirector = createHttpServer((req, res) => {
      res.writeHead(status, { location: `http://127.0.0.1:${otherPort}${req.url ?? '/'}` });
      res.end();
    });
    const port = await listen(redirector);
    const client = new ImmichClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY });
    const error = await failure(client.ping());
    await client.close();
    expect(error.kind).toBe('redirect');
    expect(error.status).toBe(status);
    expect(error.message).toContain(`to http://127.0.0.1:${otherPort}/api/server/ping`);
    expect(elsewhere).toEqual([]);
  });
});
