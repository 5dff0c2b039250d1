/**
 * `--source immich` end to end: the built CLI against the fake Immich server on a real port,
 * holding real thumbnails made from the sample photos; and a local hash database loaded as the
 * reference library (the hybrid workflow's read side).
 */

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { makeImmichThumbnail, startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { sceneJpeg } from '../helpers/images.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const sample = path.resolve(import.meta.dirname, '../../sample');
const API_KEY_MARK = 'po-test-key';

/** Assets on the fake server from real image bytes, with the thumbnail Immich would make of them. */
async function seedAssets(fake: FakeImmich, ownerId: string, photos: readonly (readonly [string, Buffer])[]): Promise<void> {
  for (const [index, [name, bytes]] of photos.entries()) {
    fake.state.addAsset({
      ownerId,
      originalFileName: name,
      checksum: createHash('sha1').update(bytes).digest('base64'),
      fileCreatedAt: new Date(Date.UTC(2024, 4, index + 1)).toISOString(),
      width: 512,
      height: 384,
      thumbnail: await makeImmichThumbnail(bytes),
      exif: { fileSizeInByte: bytes.length },
    });
  }
}

const fromSample = (files: readonly string[]) => files.map((file) => [path.basename(file), readFileSync(path.join(sample, file))] as const);

describe('organize --source immich', () => {
  let fake: FakeImmich;
  let key: string;
  const uploaded = ['camera/yellow-flower.jpg', 'phone/yellow-flower-q60.jpg', 'camera/eiffel-tower.jpg', 'phone/eiffel-tower-rotated.jpg', 'camera/moose.jpg'];

  beforeAll(async () => {
    fake = await startFakeImmich();
    const seeded = fake.seedUser();
    key = seeded.key;
    await seedAssets(fake, seeded.user.id, fromSample(uploaded));
  });
  afterAll(async () => fake.close());

  function immichArgs(root: string): string[] {
    return ['organize', '--source', 'immich', '--immich-url', fake.url, '--save-hashes', path.join(root, 'h.db'), '--cache-dir', path.join(root, 'cache'), '--json'];
  }

  it('groups the assets from their thumbnails, reuses everything on a second run, and never shows the key', async () => {
    const root = tempDir();
    const first = await runCli(immichArgs(root), { env: { IMMICH_API_KEY: key } });
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as Report;
    // Group order follows asset ids, which the fake makes at random: compare as a sorted list.
    const names = report.groups.map((group) => group.items.map((item) => item.path).sort()).sort();
    expect(names).toEqual([
      ['eiffel-tower-rotated.jpg', 'eiffel-tower.jpg'],
      ['yellow-flower-q60.jpg', 'yellow-flower.jpg'],
    ]);
    expect(report.source).toBe('immich');
    expect(report.serverUrl).toBe(fake.url);
    expect(fake.thumbnailRequests()).toHaveLength(uploaded.length);
    expect(fake.violations()).toEqual([]);

    fake.clearRequests();
    const second = await runCli(immichArgs(root), { env: { IMMICH_API_KEY: key } });
    expect((JSON.parse(second.stdout) as Report).stats).toMatchObject({ photos: 5, hashed: 0, reused: 5 });
    expect(fake.thumbnailRequests()).toHaveLength(0);
    expect(fake.writeRequests()).toHaveLength(0);
    for (const output of [first.stdout, first.stderr, second.stdout, second.stderr]) expect(output).not.toContain(key);

    // An asset deleted in Immich drops out of the groups and out of the store on the next run.
    const gone = [...fake.state.assets.values()].find((asset) => asset.originalFileName === 'yellow-flower-q60.jpg');
    fake.state.assets.delete(gone?.id ?? '');
    const third = await runCli(immichArgs(root), { env: { IMMICH_API_KEY: key } });
    const after = JSON.parse(third.stdout) as Report;
    expect(after.groups.map((group) => group.items.map((item) => item.path).sort())).toEqual([['eiffel-tower-rotated.jpg', 'eiffel-tower.jpg']]);
    const store = new Database(path.join(root, 'h.db'), { readonly: true });
    const stored = (store.prepare("SELECT COUNT(*) AS n FROM photos WHERE source = 'immich'").get() as { n: number }).n;
    store.close();
    expect(stored).toBe(4);
  });

  it('limits a run to the photos of --immich-album', async () => {
    const root = tempDir();
    const ownerId = [...fake.state.users.values()][0]?.id ?? '';
    const flowers = [...fake.state.assets.values()].filter((asset) => asset.originalFileName.startsWith('yellow-flower')).map((asset) => asset.id);
    fake.state.addAlbum({ ownerId, albumName: 'Flowers', assetIds: flowers });
    const result = await runCli([...immichArgs(root), '--immich-album', 'Flowers'], { env: { IMMICH_API_KEY: key } });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.stats.photos).toBe(flowers.length);
    expect(report.groups.flatMap((group) => group.items.map((item) => item.path)).every((name) => name.startsWith('yellow-flower'))).toBe(true);
    const unknown = await runCli([...immichArgs(root), '--immich-album', 'No such album'], { env: { IMMICH_API_KEY: key } });
    expect(unknown.code).toBe(2);
    expect(fake.violations()).toEqual([]);
  });

  it('writes no cache file in --stream-mode', async () => {
    const root = tempDir();
    const result = await runCli([...immichArgs(root), '--immich-api-key', key, '--stream-mode']);
    expect(result.code).toBe(0);
    expect(existsSync(path.join(root, 'cache')) ? readdirSync(path.join(root, 'cache')) : []).toEqual([]);
    expect(fake.violations()).toEqual([]);
  });

  it('lists which local photos have a match in Immich and which do not (hybrid)', async () => {
    const root = tempDir();
    const localDb = path.join(root, 'local.db');
    const local = await runCli(['organize', '-s', sample, '--save-hashes', localDb, '--json']);
    expect(local.code).toBe(0);
    const result = await runCli([...immichArgs(root), '--load-hashes', localDb], { env: { IMMICH_API_KEY: key } });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    const base = (paths: string[] | undefined) => (paths ?? []).map((p) => path.relative(sample, p)).sort();
    expect(base(report.references?.unmatched)).toEqual(['backup/trees-above-watermark.jpg', 'camera/redwoods-above.jpg', 'camera/trees-above.jpg']);
    expect(base(report.references?.matched)).toContain('camera/moose.jpg');
    expect(report.references?.loaded).toBe(11);
    expect(fake.violations()).toEqual([]);
  });

  it('explains a missing key, a wrong key and misplaced flags', async () => {
    const root = tempDir();
    const missing = await runCli(immichArgs(root), { env: { IMMICH_API_KEY: '' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs an API key/);
    const wrong = await runCli([...immichArgs(root), '--immich-api-key', `${API_KEY_MARK}-wrong`]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).not.toContain(API_KEY_MARK);
    expect(wrong.stderr).toMatch(/Invalid API key|401/);
    const misplaced = await runCli(['organize', '-s', sample, '--immich-url', fake.url]);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr.trim()).toBe('photo-organizer: --immich-url can only be used with --source immich');
    expect(fake.violations()).toEqual([]);
  });
});

describe('Immich tagging, removal and undo', () => {
  let fake: FakeImmich;
  let key: string;

  beforeAll(async () => {
    fake = await startFakeImmich();
    const seeded = fake.seedUser();
    key = seeded.key;
    await seedAssets(
      fake,
      seeded.user.id,
      fromSample(['camera/yellow-flower.jpg', 'phone/yellow-flower-q60.jpg', 'phone/yellow-flower-small.jpg', 'camera/eiffel-tower.jpg', 'backup/eiffel-tower.webp', 'camera/moose.jpg']),
    );
  });
  afterAll(async () => fake.close());

  const tagged = (name: string) => {
    const tag = [...fake.state.tags.values()].find((t) => t.value === name);
    const ids = tag ? (fake.state.tagAssets.get(tag.id) ?? new Set<string>()) : new Set<string>();
    return [...fake.state.assets.values()].filter((asset) => ids.has(asset.id)).map((asset) => asset.originalFileName).sort();
  };

  it('tags every group member in a few batched requests, sends nothing on a re-run, and undo restores the server', async () => {
    const root = tempDir();
    const args = ['organize', '--source', 'immich', '--immich-url', fake.url, '--save-hashes', path.join(root, 'h.db'), '--cache-dir', path.join(root, 'cache'), '--tag-only'];
    const env = { IMMICH_API_KEY: key };

    fake.clearRequests();
    const dry = await runCli([...args, '--dry-run'], { env });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/Would tag 5 assets of 2 groups with 'possible-duplicate'/);
    expect(fake.writeRequests()).toHaveLength(0);

    fake.clearRequests();
    const first = await runCli(args, { env });
    expect(first.code).toBe(0);
    expect(tagged('possible-duplicate')).toEqual(['eiffel-tower.jpg', 'eiffel-tower.webp', 'yellow-flower-q60.jpg', 'yellow-flower-small.jpg', 'yellow-flower.jpg']);
    expect(fake.writeRequests().map((r) => `${r.method} ${r.operationId}`)).toEqual(['PUT upsertTags', 'PUT tagAssets']);

    fake.clearRequests();
    const again = await runCli(args, { env });
    expect(again.code).toBe(0);
    expect(fake.writeRequests()).toHaveLength(0);

    const runs = await runCli(['runs', '--save-hashes', path.join(root, 'h.db'), '--json']);
    const runId = (JSON.parse(runs.stdout) as { id: string; dryRun: boolean }[]).filter((r) => !r.dryRun).at(-1)?.id ?? '';
    const undoDry = await runCli(['undo', runId, '--save-hashes', path.join(root, 'h.db'), '--immich-url', fake.url, '--dry-run'], { env });
    expect(undoDry.stdout).toMatch(/Would remove tag 'possible-duplicate' from 5 assets/);
    expect(tagged('possible-duplicate')).toHaveLength(5);
    const undone = await runCli(['undo', runId, '--save-hashes', path.join(root, 'h.db'), '--immich-url', fake.url], { env });
    expect(undone.code).toBe(0);
    expect([...fake.state.tags.values()].some((t) => t.value === 'possible-duplicate')).toBe(false);
    const twice = await runCli(['undo', runId, '--save-hashes', path.join(root, 'h.db'), '--immich-url', fake.url], { env });
    expect(twice.stderr).toMatch(/0 changes of run .* were reversed/);
    expect(fake.violations()).toEqual([]);
  });

  it('removes a tag from every asset that has it (workflow 1), and refuses a server without tags before any write', async () => {
    const root = tempDir();
    const base = ['organize', '--source', 'immich', '--immich-url', fake.url, '--save-hashes', path.join(root, 'h.db'), '--cache-dir', path.join(root, 'cache')];
    const env = { IMMICH_API_KEY: key };
    await runCli([...base, '--tag-only', '--duplicate-tag', 'cleanup-me'], { env });
    expect(tagged('cleanup-me')).toHaveLength(5);
    const removed = await runCli([...base, '--remove-tag', 'cleanup-me'], { env });
    expect(removed.code).toBe(0);
    expect(tagged('cleanup-me')).toEqual([]);

    const old = await startFakeImmich({ capabilities: { tags: false } });
    try {
      const oldKey = old.seedUser().key;
      const refused = await runCli([...base.slice(0, 4), old.url, ...base.slice(5), '--tag-only'], { env: { IMMICH_API_KEY: oldKey } });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/no tags API/);
      expect(old.writeRequests()).toHaveLength(0);
    } finally {
      await old.close();
    }
  });
});

describe('workflow 3: local hashes, then tag the Immich duplicates of local photos', () => {
  it('tags exactly the assets that are also in the local library', async () => {
    const fake = await startFakeImmich();
    try {
      const { user, key } = fake.seedUser();
      // On the server: two photos that are also local (one re-encoded), one that is not.
      const onServer: [string, Buffer][] = [
        ['yellow-flower-upload.jpg', readFileSync(path.join(sample, 'phone/yellow-flower-q60.jpg'))],
        ['moose.jpg', readFileSync(path.join(sample, 'camera/moose.jpg'))],
        ['only-in-immich.jpg', await sceneJpeg({ seed: 77 })],
      ];
      await seedAssets(fake, user.id, onServer);
      const root = tempDir();
      const localDb = path.join(root, 'local.db');
      expect((await runCli(['organize', '-s', path.join(sample, 'camera'), '--save-hashes', localDb])).code).toBe(0);
      const args = ['organize', '--source', 'immich', '--immich-url', fake.url, '--save-hashes', path.join(root, 'immich.db'), '--cache-dir', path.join(root, 'cache'),
        '--load-hashes', localDb, '--tag-duplicates-of-local'];
      // The dry-run twin: the plan, and no writing request.
      const dry = await runCli([...args, '--dry-run'], { env: { IMMICH_API_KEY: key } });
      expect(dry.code).toBe(0);
      expect(dry.stderr).toMatch(/Would tag 2 assets of 2 groups with 'duplicate-of-local'/);
      expect(fake.writeRequests()).toEqual([]);
      const result = await runCli([...args, '--json'], { env: { IMMICH_API_KEY: key } });
      expect(result.code).toBe(0);
      const tag = [...fake.state.tags.values()].find((t) => t.value === 'duplicate-of-local');
      const ids = tag ? (fake.state.tagAssets.get(tag.id) ?? new Set<string>()) : new Set<string>();
      const names = [...fake.state.assets.values()].filter((asset) => ids.has(asset.id)).map((asset) => asset.originalFileName).sort();
      expect(names).toEqual(['moose.jpg', 'yellow-flower-upload.jpg']);
      const report = JSON.parse(result.stdout) as Report;
      expect(report.references?.matched.map((p) => path.basename(p)).sort()).toEqual(['moose.jpg', 'yellow-flower.jpg']);
      // The local file is read back for its checksum: byte-identical to the asset, so exact.
      const moose = report.groups.find((group) => group.items.some((item) => item.path.endsWith('moose.jpg') && item.isReference));
      expect(moose?.kind).toBe('exact');
      expect(fake.violations()).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

describe('albums, favorites and stacks', () => {
  it('each with a dry-run twin that writes nothing, a second run that writes nothing, and an exact undo', async () => {
    const fake = await startFakeImmich();
    try {
      const { user, key } = fake.seedUser();
      await seedAssets(
        fake,
        user.id,
        fromSample(['camera/yellow-flower.jpg', 'phone/yellow-flower-q60.jpg', 'camera/eiffel-tower.jpg', 'backup/eiffel-tower.webp', 'camera/moose.jpg']),
      );
      // One best photo is a favorite already: undo must leave it a favorite.
      const flower = [...fake.state.assets.values()].find((asset) => asset.originalFileName === 'yellow-flower.jpg');
      if (flower) flower.isFavorite = true;
      const snapshot = () => ({
        favorites: [...fake.state.assets.values()].filter((asset) => asset.isFavorite).map((asset) => asset.originalFileName).sort(),
        albums: [...fake.state.albums.values()].map((album) => album.albumName).sort(),
        stacks: fake.state.stacks.size,
      });
      const before = snapshot();
      const root = tempDir();
      const db = path.join(root, 'h.db');
      const args = ['organize', '--source', 'immich', '--immich-url', fake.url, '--save-hashes', db, '--cache-dir', path.join(root, 'cache'),
        '--create-albums', '--album-prefix', 'dup-', '--mark-best-favorite', '--stack'];
      const env = { IMMICH_API_KEY: key };

      fake.clearRequests();
      const dry = await runCli([...args, '--dry-run'], { env });
      expect(dry.code).toBe(0);
      expect(dry.stderr).toMatch(/Would put 2 photos in album 'dup-0001'/);
      expect(dry.stderr).toMatch(/Would mark 1 best photos as favorite \(1 already are\)/);
      expect(dry.stderr).toMatch(/Would stack 2 groups/);
      expect(fake.writeRequests()).toHaveLength(0);

      const first = await runCli(args, { env });
      expect(first.code).toBe(0);
      expect(snapshot().albums).toEqual(['dup-0001', 'dup-0002']);
      expect(snapshot().favorites).toHaveLength(2);
      expect(fake.state.stacks.size).toBe(2);

      fake.clearRequests();
      expect((await runCli(args, { env })).code).toBe(0);
      expect(fake.writeRequests()).toHaveLength(0);

      const runs = JSON.parse((await runCli(['runs', '--save-hashes', db, '--json'])).stdout) as { id: string; summary: string; dryRun: boolean }[];
      const applied = runs.filter((run) => !run.dryRun).at(-1)?.id ?? '';
      const undone = await runCli(['undo', applied, '--save-hashes', db, '--immich-url', fake.url], { env });
      expect(undone.code).toBe(0);
      expect(snapshot()).toEqual(before);
      expect(fake.violations()).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

describe('faults during an Immich run', () => {
  it('retries through 10 % of 503s, reports a missing thumbnail with exit 3, and journals exactly what the server holds', async () => {
    const fake = await startFakeImmich();
    try {
      const { user, key } = fake.seedUser();
      await seedAssets(fake, user.id, fromSample(['camera/yellow-flower.jpg', 'phone/yellow-flower-q60.jpg', 'camera/eiffel-tower.jpg', 'backup/eiffel-tower.webp', 'camera/moose.jpg']));
      const moose = [...fake.state.assets.values()].find((asset) => asset.originalFileName === 'moose.jpg');
      fake.faults.thumbnail404.add(moose?.id ?? '');
      fake.faults.failRandomly(0.1, { statuses: [503], seed: 7 });
      const root = tempDir();
      const db = path.join(root, 'h.db');
      const result = await runCli(
        ['organize', '--source', 'immich', '--immich-url', fake.url, '--save-hashes', db, '--cache-dir', path.join(root, 'cache'), '--tag-only', '--json'],
        { env: { IMMICH_API_KEY: key } },
      );
      expect(result.code).toBe(3);
      const report = JSON.parse(result.stdout) as Report;
      expect(report.skipped).toEqual([expect.objectContaining({ path: 'moose.jpg', reason: expect.stringMatching(/^failed: .*404.*Asset media not found/) as unknown })]);
      const tag = [...fake.state.tags.values()].find((t) => t.value === 'possible-duplicate');
      const onServer = [...(fake.state.tagAssets.get(tag?.id ?? '') ?? [])].sort();
      const store = new Database(db, { readonly: true });
      const journaled = (store.prepare("SELECT subject FROM journal WHERE action = 'tag.assets'").all() as { subject: string }[]).flatMap((row) => JSON.parse(row.subject) as string[]).sort();
      store.close();
      expect(onServer).toHaveLength(4);
      expect(journaled).toEqual(onServer);
      expect(fake.violations()).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('fails with a clear message and changes nothing when the server keeps failing the write', async () => {
    const fake = await startFakeImmich();
    try {
      const { user, key } = fake.seedUser();
      await seedAssets(fake, user.id, fromSample(['camera/yellow-flower.jpg', 'phone/yellow-flower-q60.jpg']));
      fake.faults.add({ kind: 'status', status: 500, match: (target) => target.method === 'PUT' && target.apiPath === '/api/tags' });
      const root = tempDir();
      const result = await runCli(
        ['organize', '--source', 'immich', '--immich-url', fake.url, '--save-hashes', path.join(root, 'h.db'), '--cache-dir', path.join(root, 'cache'), '--tag-only'],
        { env: { IMMICH_API_KEY: key } },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/PUT .*tags.*500/);
      expect(result.stderr).not.toContain(key);
      expect(fake.state.tagAssets.size).toBe(0);
      expect(fake.violations()).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
