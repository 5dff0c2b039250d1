/**
 * Immich behind a real nginx with TLS, end to end (issue #9): the built CLI talks to
 * `https://127.0.0.1:<port>/immich/`, nginx strips `/immich` and passes on to the fake server (what
 * people do to put Immich's API on a sub-path; Immich itself serves only the root), and the
 * certificate comes from a throw-away CA made here. Checked: refused without `--ca-cert`, a whole
 * tag run with it, thumbnails bigger than nginx's buffers arriving whole, the client's connections
 * to nginx reused, and nginx's own 502 and 504 retried like any transient error.
 *
 * nginx is a Debian package (`.ci/run` installs it). Without it the tests are skipped, except in CI,
 * where they fail.
 */

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich, type FaultTarget } from '../helpers/fake-immich/index.js';
import { assetId, fromSample, SAMPLE, SAMPLE_PHOTOS, seedAssets, snapshot } from '../helpers/immich-e2e.js';
import { findNginx, startNginxProxy, type AccessLogEntry, type NginxProxy } from '../helpers/nginx-proxy.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { makeThrowawayCa, type ThrowawayCa } from '../helpers/throwaway-ca.js';

const tempDir = useTempDirs();
const NGINX = findNginx();
const MISSING = 'nginx is not installed (apt-get install nginx; .ci/run installs it)';
const TITLE = 'Immich behind nginx with TLS on a sub-path';
if (!NGINX && !process.env.CI) console.warn(`immich-reverse-proxy: skipped, ${MISSING}`);
const GROUPED = ['eiffel-tower.jpg', 'eiffel-tower.webp', 'moose-scan.png', 'moose.jpg', 'yellow-flower-q60.jpg', 'yellow-flower-small.jpg', 'yellow-flower.jpg'];
/** nginx's proxy_read_timeout here: an upstream stalled longer than this gets nginx's own 504. */
const READ_TIMEOUT_S = 3;

/** Payloads of the CLI's disk thumbnail cache (each file: 4-byte magic, CRC-32, then the bytes). */
function cachedThumbnails(cacheDir: string): Buffer[] {
  const root = path.join(cacheDir, 'thumbnails-v1');
  return readdirSync(root).flatMap((fanout) => readdirSync(path.join(root, fanout)).map((name) => readFileSync(path.join(root, fanout, name)).subarray(8)));
}

const thumbnailOf = (id: string) => (entry: AccessLogEntry) => entry.uri.startsWith(`/immich/api/assets/${id}/thumbnail?`);

describe.skipIf(!NGINX && !process.env.CI)(NGINX ? TITLE : `${TITLE} (skipped: ${MISSING})`, () => {
  let fake: FakeImmich;
  let proxy: NginxProxy;
  let ca: ThrowawayCa;
  let env: NodeJS.ProcessEnv;
  /** A thumbnail of about 4 MB: over 100 times nginx's default proxy buffers (4 KB + 8 × 4 KB). */
  let bigThumbnail: Buffer;
  let bigId: string;

  const args = (url: string, root: string, ...extra: string[]) => [
    'organize', '--source', 'immich', '--immich-url', url, '--save-hashes', path.join(root, 'h.db'), '--cache-dir', path.join(root, 'cache'), ...extra,
  ];

  beforeAll(async () => {
    if (!NGINX) throw new Error(`CI is set but ${MISSING}`);
    ca = makeThrowawayCa(tempDir('po-nginx-ca'));
    fake = await startFakeImmich();
    const seeded = fake.seedUser();
    env = { IMMICH_API_KEY: seeded.key };
    await seedAssets(fake, seeded.user.id, fromSample(SAMPLE_PHOTOS));
    // A scan of the moose photo whose server-made thumbnail is a 1600 px PNG (about 4 MB).
    bigThumbnail = await sharp(readFileSync(path.join(SAMPLE, 'camera/moose.jpg'))).resize({ width: 1600 }).png().toBuffer();
    bigId = fake.state.addAsset({
      ownerId: seeded.user.id, originalFileName: 'moose-scan.png', checksum: 'bW9vc2Utc2Nhbi1jaGVja3N1bQ==', fileCreatedAt: '2024-06-01T00:00:00.000Z',
      width: 1600, height: 1069, thumbnail: bigThumbnail, exif: { fileSizeInByte: bigThumbnail.length },
    }).id;
    proxy = await startNginxProxy({
      nginx: NGINX, dir: tempDir('po-nginx-proxy'), upstreamPort: fake.port, tls: { cert: ca.serverCert, key: ca.serverKey }, prefix: '/immich', readTimeoutSeconds: READ_TIMEOUT_S,
    });
  });
  afterAll(async () => {
    await proxy?.stop();
    await fake?.close();
  });
  beforeEach(() => {
    fake.faults.clear();
    fake.state.tags.clear();
    fake.state.tagAssets.clear();
    fake.clearRequests();
  });

  /** Access-log lines written while `run` ran. */
  async function logged<T>(run: () => Promise<T>): Promise<{ result: T; entries: AccessLogEntry[] }> {
    const before = proxy.accessLog().length;
    const result = await run();
    return { result, entries: proxy.accessLog().slice(before) };
  }

  it('refuses the certificate of a private CA without --ca-cert: a certificate message, exit 1, not one request through', async () => {
    const before = snapshot(fake);
    const { result, entries } = await logged(() => runCli(args(proxy.url, tempDir(), '--tag-only'), { env }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/certificate/i);
    expect(result.stderr).toMatch(/give its CA certificate/);
    expect(entries).toEqual([]);
    expect(fake.requests()).toEqual([]);
    expect(snapshot(fake)).toEqual(before);
  });

  it('with --ca-cert: a scan and --tag-only through /immich/ end to end; the big thumbnail arrives whole; connections to nginx are reused', async () => {
    const root = tempDir();
    // Four requests in flight (the default is 16, more than this small library needs to show reuse).
    const { result, entries } = await logged(() => runCli(args(proxy.url, root, '--tag-only', '--ca-cert', ca.caCert, '--download-concurrency', '4'), { env }));
    expect(result.code, result.stderr).toBe(0);
    expect(snapshot(fake).tags).toEqual({ 'possible-duplicate': GROUPED });
    expect(fake.violations()).toEqual([]);

    // Every request went through nginx, which stripped the sub-path and said it was HTTPS.
    const upstream = fake.requests();
    const pathOf = (uri: string) => uri.split('?')[0] ?? uri;
    expect(entries.map((entry) => pathOf(entry.uri)).sort()).toEqual(upstream.map((request) => `/immich${request.path}`).sort());
    expect(upstream.every((request) => request.path.startsWith('/api/') && request.headers['x-forwarded-proto'] === 'https')).toBe(true);
    expect(entries.every((entry) => entry.status === 200 || entry.status === 204)).toBe(true);

    // Relayed by nginx buffer by buffer: the client got every byte, once, and decoded it (it is grouped).
    const big = entries.filter(thumbnailOf(bigId));
    expect(big).toEqual([expect.objectContaining({ status: 200, bodyBytes: bigThumbnail.length })]);
    expect(cachedThumbnails(path.join(root, 'cache')).some((payload) => payload.equals(bigThumbnail))).toBe(true);

    // Keep-alive: the CLI holds at most --download-concurrency (4) TLS connections and sends many requests on each.
    const connections = new Set(entries.map((entry) => entry.connection));
    expect(entries.length).toBeGreaterThanOrEqual(10);
    expect(connections.size).toBeLessThanOrEqual(4);
    expect(Math.max(...entries.map((entry) => entry.connectionRequests))).toBeGreaterThanOrEqual(3);
  });

  it('the address with /api (and a trailing slash) means the same server; --insecure also connects, with a warning', async () => {
    const root = tempDir();
    const withApi = await runCli(args(`${proxy.url}/api/`, root, '--tag-only', '--ca-cert', ca.caCert), { env });
    expect(withApi.code, withApi.stderr).toBe(0);
    expect(snapshot(fake).tags).toEqual({ 'possible-duplicate': GROUPED });
    expect(fake.requests().every((request) => request.path.startsWith('/api/'))).toBe(true);

    fake.state.tags.clear();
    fake.state.tagAssets.clear();
    fake.clearRequests();
    const insecure = await runCli(args(proxy.url, root, '--tag-only', '--dry-run', '--insecure'), { env });
    expect(insecure.code, insecure.stderr).toBe(0);
    expect(insecure.stderr).toMatch(/--insecure: the server certificate is not verified/);
    expect(insecure.stderr).toMatch(/Would tag 7 assets of 3 groups/);
    expect(fake.writeRequests()).toEqual([]);
  });

  it("nginx's own 502 (upstream connection cut) and 504 (upstream silent past proxy_read_timeout) are retried, and the run completes", async () => {
    const cut = assetId(fake, 'eiffel-tower.jpg');
    const stalled = assetId(fake, 'yellow-flower.jpg');
    const thumbnail = (id: string) => (target: FaultTarget) => target.apiPath === `/api/assets/${id}/thumbnail`;
    fake.faults.add({ kind: 'reset', match: thumbnail(cut), times: 1 });
    fake.faults.add({ kind: 'stall', ms: (READ_TIMEOUT_S + 1.5) * 1000, match: thumbnail(stalled), times: 1 });

    const root = tempDir(); // an empty cache: every thumbnail is fetched through nginx
    const { result, entries } = await logged(() => runCli(args(proxy.url, root, '--tag-only', '--ca-cert', ca.caCert, '--verbose'), { env }));
    expect(result.code, result.stderr).toBe(0);
    expect(snapshot(fake).tags).toEqual({ 'possible-duplicate': GROUPED });

    // nginx answered 502 and 504 itself (its access log), the upstream saw each request twice (its log).
    const statuses = (id: string) => entries.filter(thumbnailOf(id)).map((entry) => [entry.status, entry.upstreamStatus]);
    expect(statuses(cut)).toEqual([[502, '502'], [200, '200']]);
    expect(statuses(stalled)).toEqual([[504, '504'], [200, '200']]);
    const upstream = (id: string) => fake.requests(({ apiPath }) => apiPath === `/api/assets/${id}/thumbnail`).map((request) => request.fault ?? 'ok');
    expect(upstream(cut)).toEqual(['reset', 'ok']);
    expect(upstream(stalled)).toEqual(['stall', 'ok']);
    expect(proxy.errorLog()).toMatch(/upstream prematurely closed connection/);
    expect(proxy.errorLog()).toMatch(/upstream timed out/);
    // The CLI said so (with --verbose), reading nginx's HTML error pages as messages.
    expect(result.stderr).toMatch(new RegExp(`retrying GET /assets/${cut}/thumbnail \\(attempt 1\\): .*502.*Bad Gateway`));
    expect(result.stderr).toMatch(new RegExp(`retrying GET /assets/${stalled}/thumbnail \\(attempt 1\\): .*504.*Gateway Time-out`));
    expect(fake.violations()).toEqual([]);
  });

  // Last: the upstream is away for a moment here.
  it('Immich restarting behind nginx: nginx answers 502 while the upstream refuses connections, and the CLI retries until it is back', async () => {
    const before = proxy.accessLog().length;
    const since = () => proxy.accessLog().slice(before);
    await fake.goAway();
    const run = runCli(args(proxy.url, tempDir(), '--tag-only', '--ca-cert', ca.caCert, '--verbose'), { env });
    for (let waited = 0; !since().some((entry) => entry.status === 502); waited += 50) {
      if (waited > 30_000) throw new Error('no request reached nginx within 30 s');
      await sleep(50);
    }
    await fake.comeBack();
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    expect(snapshot(fake).tags).toEqual({ 'possible-duplicate': GROUPED });

    const entries = since();
    const refused = entries.flatMap((entry, index) => (entry.status === 502 ? [index] : []));
    expect(refused.length).toBeGreaterThan(0);
    // Each request nginx refused came again and got through.
    for (const index of refused) {
      expect(entries.slice(index + 1).some((later) => later.uri === entries[index]?.uri && later.status === 200)).toBe(true);
    }
    expect(proxy.errorLog()).toMatch(/connect\(\) failed \(111: Connection refused\) while connecting to upstream/);
    expect(result.stderr).toMatch(/retrying GET .* \(attempt 1\): .*502.*Bad Gateway/);
    expect(fake.violations()).toEqual([]);
  });
});
