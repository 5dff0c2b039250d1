/**
 * `--source immich` end to end: the built CLI against the fake Immich server on a real port,
 * holding real thumbnails made from the sample photos; and a local hash database loaded as the
 * reference library (the hybrid workflow's read side).
 */

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { makeImmichThumbnail, startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const sample = path.resolve(import.meta.dirname, '../../sample');
const API_KEY_MARK = 'po-test-key';

describe('organize --source immich', () => {
  let fake: FakeImmich;
  let key: string;
  const uploaded = ['camera/yellow-flower.jpg', 'phone/yellow-flower-q60.jpg', 'camera/eiffel-tower.jpg', 'phone/eiffel-tower-rotated.jpg', 'camera/moose.jpg'];

  beforeAll(async () => {
    fake = await startFakeImmich();
    const seeded = fake.seedUser();
    key = seeded.key;
    for (const [index, file] of uploaded.entries()) {
      const bytes = readFileSync(path.join(sample, file));
      fake.state.addAsset({
        ownerId: seeded.user.id,
        originalFileName: path.basename(file),
        checksum: createHash('sha1').update(bytes).digest('base64'),
        fileCreatedAt: new Date(Date.UTC(2024, 4, index + 1)).toISOString(),
        width: 512,
        height: 384,
        thumbnail: await makeImmichThumbnail(bytes),
        exif: { fileSizeInByte: bytes.length },
      });
    }
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
    const names = report.groups.map((group) => group.items.map((item) => item.path).sort());
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
  });

  it('writes no cache file in --stream-mode', async () => {
    const root = tempDir();
    const result = await runCli([...immichArgs(root), '--immich-api-key', key, '--stream-mode']);
    expect(result.code).toBe(0);
    expect(existsSync(path.join(root, 'cache')) ? readdirSync(path.join(root, 'cache')) : []).toEqual([]);
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
  });
});
