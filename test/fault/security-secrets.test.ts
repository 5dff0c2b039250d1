/**
 * Nobody let in, nothing given away, at the command line: a self-signed HTTPS server is refused
 * unless its CA is given (or --insecure, with a warning); a redirect to another origin is not
 * followed, so the key never reaches it; a key without the permission an action needs is named
 * before anything changes (or, on a server that cannot tell, fails with the permission named and
 * nothing half-done that undo cannot reverse); hostile Immich file names stay inert in reports.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { addAssets, appliedRunIds, changesUnexplained, journalRows, seedPhotos, serverState, type SeedPhoto } from './immich-state.js';
import { secretLeaks } from './secret-scan.js';

const tempDir = useTempDirs();
const KEY = 'sEcReT-po-security-9f3b7c1d2e4a6b8c0d1e';
const servers: Server[] = [];

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

let photos: SeedPhoto[];
beforeAll(async () => {
  photos = await seedPhotos();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A fake holding the seed photos, with KEY given `permissions`. */
async function seededFake(permissions: string[] = ['all'], options: Parameters<typeof startFakeImmich>[0] = {}): Promise<FakeImmich> {
  const fake = await startFakeImmich(options);
  const { user } = fake.seedUser();
  fake.state.addApiKey({ userId: user.id, secret: KEY, permissions });
  addAssets(fake, user.id, photos);
  return fake;
}

function organizeArgs(url: string, root: string, ...extra: string[]): string[] {
  return ['organize', '--source', 'immich', '--immich-url', url, '--save-hashes', path.join(root, 'h.db'), '--cache-dir', path.join(root, 'cache'), ...extra];
}

describe('TLS at the command line', () => {
  let fake: FakeImmich;
  let httpsUrl: string;
  let certFile: string;

  beforeAll(async () => {
    fake = await seededFake();
    const dir = tempDir('po-tls');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    certFile = path.join(dir, 'cert.pem');
    // TLS in front of the fake, as a reverse proxy with a self-signed certificate would be.
    const terminator = createTlsServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(certFile) }, (clear) => {
      const upstream = connect(fake.port, '127.0.0.1');
      clear.pipe(upstream).pipe(clear);
      const close = () => {
        clear.destroy();
        upstream.destroy();
      };
      clear.on('error', close);
      upstream.on('error', close);
    });
    httpsUrl = `https://127.0.0.1:${await listen(terminator as unknown as Server)}`;
  });
  afterAll(async () => fake.close());

  it('refuses a self-signed server by default with a hint, before any request reaches it', async () => {
    fake.clearRequests();
    const result = await runCli(organizeArgs(httpsUrl, tempDir()), { env: { IMMICH_API_KEY: KEY } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/certificate is not trusted/);
    expect(result.stderr).toMatch(/SELF_SIGNED|self-signed|UNABLE_TO_VERIFY/i);
    expect(fake.requests()).toEqual([]);
    expect(secretLeaks(KEY, { stdout: result.stdout, stderr: result.stderr }, [])).toEqual([]);
  });

  it('accepts it with --ca-cert, and with --insecure only after a warning', async () => {
    const trusted = await runCli([...organizeArgs(httpsUrl, tempDir(), '--json'), '--ca-cert', certFile], { env: { IMMICH_API_KEY: KEY } });
    expect(trusted.code, trusted.stderr).toBe(0);
    expect((JSON.parse(trusted.stdout) as { stats: { groups: number } }).stats.groups).toBe(4);
    expect(trusted.stderr).not.toMatch(/insecure/);

    const insecure = await runCli([...organizeArgs(httpsUrl, tempDir(), '--json'), '--insecure'], { env: { IMMICH_API_KEY: KEY } });
    expect(insecure.code, insecure.stderr).toBe(0);
    expect(insecure.stderr).toMatch(/--insecure: the server certificate is not verified/);
    for (const output of [trusted.stdout, trusted.stderr, insecure.stdout, insecure.stderr]) expect(output).not.toContain(KEY);
  });

  it('says which file when --ca-cert cannot be read (exit 2)', async () => {
    const result = await runCli([...organizeArgs(httpsUrl, tempDir()), '--ca-cert', '/nonexistent/ca.pem'], { env: { IMMICH_API_KEY: KEY } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--ca-cert \/nonexistent\/ca\.pem/);
  });
});

describe('redirects', () => {
  it('does not follow a redirect to another origin, so the key never travels there', async () => {
    const fake = await seededFake();
    try {
      const redirector = createServer((req, res) => {
        res.writeHead(307, { location: `${fake.url}${req.url ?? '/'}` });
        res.end();
      });
      const port = await listen(redirector);
      const result = await runCli(organizeArgs(`http://localhost:${port}`, tempDir()), { env: { IMMICH_API_KEY: KEY } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/redirect/i);
      expect(result.stderr).not.toContain(KEY);
      expect(fake.requests()).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

describe('a key without the permission an action needs', () => {
  const readOnly = ['asset.read', 'asset.view', 'tag.read', 'album.read', 'stack.read', 'user.read', 'server.about', 'apiKey.read'];

  it('is refused before any change, naming the permission (a server that tells the key permissions)', async () => {
    const fake = await seededFake(readOnly);
    try {
      for (const [action, permission] of [[['--tag-only'], 'tag.create'], [['--stack'], 'stack.create'], [['--create-albums'], 'album.create'], [['--mark-best-favorite'], 'asset.update']] as const) {
        const result = await runCli(organizeArgs(fake.url, tempDir(), ...action), { env: { IMMICH_API_KEY: KEY } });
        expect(result.code, result.stderr).toBe(2);
        expect(result.stderr).toContain(permission);
        expect(result.stderr).not.toContain(KEY);
      }
      expect(fake.writeRequests()).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('fails at the first refused write on a server that cannot tell, naming the permission; the journal holds what was done and undo reverses it', async () => {
    const fake = await seededFake(['asset.read', 'asset.view', 'user.read', 'tag.read', 'tag.create'], { capabilities: { apiKeysMe: false } });
    try {
      const before = serverState(fake);
      const root = tempDir();
      const result = await runCli(organizeArgs(fake.url, root, '--tag-only'), { env: { IMMICH_API_KEY: KEY } });
      expect([1, 3]).toContain(result.code);
      expect(result.stderr).toMatch(/tag\.asset/);
      expect(result.stderr).not.toContain(KEY);
      const db = path.join(root, 'h.db');
      expect(changesUnexplained(serverState(fake), before, journalRows(db))).toBe(0);
      // The owner undoes it with a full key.
      const owner = [...fake.state.users.values()][0];
      const full = fake.addKey(owner?.id ?? '', ['all']);
      for (const id of appliedRunIds(db)) expect((await runCli(['undo', id, '--save-hashes', db, '--immich-url', fake.url], { env: { IMMICH_API_KEY: full } })).code).toBe(0);
      expect(serverState(fake)).toEqual(before);
    } finally {
      await fake.close();
    }
  });
});

describe('hostile Immich file names in reports', () => {
  it('stay text in the HTML report and leave the key out of every report', async () => {
    const fake = await startFakeImmich();
    try {
      const { user } = fake.seedUser();
      fake.state.addApiKey({ userId: user.id, secret: KEY });
      const hostile = ['<img src=x onerror=alert(1)>.jpg', '../../x.jpg', '"><script>alert(2)</script>.jpg', '/etc/passwd'];
      // scene0 and its two copies, scene1 and its two copies: two groups, four hostile names among them.
      addAssets(fake, user.id, photos.slice(0, 6).map((photo, index) => ({ ...photo, name: hostile[index] ?? photo.name })));
      const root = tempDir();
      mkdirSync(path.join(root, 'r'));
      const reports = ['html', 'json', 'csv'].map((ext) => path.join(root, 'r', `report.${ext}`));
      const result = await runCli([...organizeArgs(fake.url, root), '--report', ...reports], { env: { IMMICH_API_KEY: KEY } });
      expect(result.code, result.stderr).toBe(0);
      const html = readFileSync(reports[0] as string, 'utf8');
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('<script>alert');
      const json = JSON.parse(readFileSync(reports[1] as string, 'utf8')) as { groups: { items: { path: string }[] }[] };
      expect(json.groups.flatMap((group) => group.items.map((item) => item.path)).sort()).toEqual([...hostile, 'scene1-q50.jpg', 'scene1-small.jpg'].sort());
      expect(secretLeaks(KEY, { stdout: result.stdout, stderr: result.stderr }, [root])).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
