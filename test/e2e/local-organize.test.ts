/**
 * The local job end to end: the built CLI on real folders of real images, including every kind
 * of bad input a photo folder holds. Each bad file is skipped with a reason; the rest completes.
 */

import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { sceneJpeg, sceneRaw } from '../helpers/images.js';
import { honourFileModes } from '../helpers/honour-file-modes.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

async function organizeJson(args: string[], prefix?: string[]): Promise<{ report: Report; stderr: string; code: number | null }> {
  const result = await runCli(['organize', '--json', ...args], prefix ? { prefix } : {});
  expect(result.stderr).not.toMatch(/TypeError|ReferenceError|at .*\.js:\d+/);
  return { report: JSON.parse(result.stdout) as Report, stderr: result.stderr, code: result.code };
}

function groupOf(report: Report, fileName: string) {
  return report.groups.find((group) => group.items.some((item) => path.basename(item.path) === fileName));
}

function skipReason(report: Report, fileName: string): string | undefined {
  return report.skipped.find((item) => path.basename(item.path) === fileName)?.reason;
}

describe('organize --source local', () => {
  let photos: string;
  let db: string;

  beforeAll(async () => {
    const root = tempDir();
    photos = path.join(root, 'photos');
    db = path.join(root, 'hashes.db');
    mkdirSync(path.join(photos, 'nested', 'deeper'), { recursive: true });
    const scene = { seed: 1, width: 640, height: 480 };
    await (await sceneRaw(scene)).jpeg({ quality: 92 }).toFile(path.join(photos, 'scene.jpg'));
    await (await sceneRaw(scene)).png().toFile(path.join(photos, 'nested', 'scene.png'));
    await (await sceneRaw(scene)).webp().toFile(path.join(photos, 'nested', 'scene.webp'));
    await (await sceneRaw(scene)).gif().toFile(path.join(photos, 'nested', 'scene.gif'));
    await (await sceneRaw(scene)).tiff().toFile(path.join(photos, 'nested', 'deeper', 'scene.tiff'));
    await (await sceneRaw(scene)).avif({ quality: 60 }).toFile(path.join(photos, 'nested', 'deeper', 'scene.avif'));
    // Recognised by content whatever the name says.
    await (await sceneRaw(scene)).jpeg({ quality: 70 }).toFile(path.join(photos, 'no-extension'));
    await (await sceneRaw(scene)).png().toFile(path.join(photos, 'png-named.jpg'));
    // Awkward but valid names: spaces, unicode, a newline.
    await (await sceneRaw(scene)).resize(320).jpeg().toFile(path.join(photos, 'with space é ü 日本.jpg'));
    await (await sceneRaw(scene)).resize(200).jpeg().toFile(path.join(photos, 'line\nbreak.jpg'));
    // A different picture stays alone.
    writeFileSync(path.join(photos, 'other.jpg'), await sceneJpeg({ seed: 99, width: 640, height: 480 }));
    // Byte-identical copy.
    writeFileSync(path.join(photos, 'nested', 'scene-copy.jpg'), readFileSync(path.join(photos, 'scene.jpg')));

    // Bad input.
    const good = readFileSync(path.join(photos, 'scene.jpg'));
    const corrupt = Buffer.from(good);
    corrupt.fill(0x55, 200, corrupt.length - 2);
    writeFileSync(path.join(photos, 'corrupt.jpg'), corrupt);
    const png = readFileSync(path.join(photos, 'nested', 'scene.png'));
    writeFileSync(path.join(photos, 'truncated.png'), png.subarray(0, Math.floor(png.length / 2)));
    writeFileSync(path.join(photos, 'empty.jpg'), '');
    writeFileSync(path.join(photos, 'text.jpg'), 'this is not a photo\n');
    writeFileSync(path.join(photos, 'fake.heic'), Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic'), Buffer.alloc(64, 7)]));
    writeFileSync(path.join(photos, 'unreadable.jpg'), good);
    chmodSync(path.join(photos, 'unreadable.jpg'), 0o000);
    symlinkSync('..', path.join(photos, 'nested', 'loop'));
    symlinkSync('/nonexistent/target.jpg', path.join(photos, 'dangling.jpg'));
  });

  // Root reads any file whatever its mode: the CLI runs without that power so "unreadable" is real
  // (honourFileModes), as the same user, so the test passes wherever the checkout sits.
  it('groups every supported format of one picture, keeps the other apart, and skips bad files with reasons', async () => {
    const { report, code } = await organizeJson(['-s', photos, '--save-hashes', db], honourFileModes());
    expect(code).toBe(0);
    const sceneGroup = groupOf(report, 'scene.jpg');
    const names = sceneGroup?.items.map((item) => path.basename(item.path)).sort();
    expect(names).toEqual(
      ['line\nbreak.jpg', 'no-extension', 'png-named.jpg', 'scene-copy.jpg', 'scene.avif', 'scene.gif', 'scene.jpg', 'scene.png', 'scene.tiff', 'scene.webp', 'with space é ü 日本.jpg'].sort(),
    );
    expect(sceneGroup?.kind).toBe('near');
    expect(groupOf(report, 'other.jpg')).toBeUndefined();

    expect(skipReason(report, 'corrupt.jpg')).toMatch(/cannot decode/);
    expect(skipReason(report, 'truncated.png')).toMatch(/cannot decode/);
    expect(skipReason(report, 'empty.jpg')).toBe('empty file');
    expect(skipReason(report, 'text.jpg')).toMatch(/not a valid JPEG/);
    expect(skipReason(report, 'fake.heic')).toMatch(/cannot decode/);
    expect(skipReason(report, 'unreadable.jpg')).toBe('permission denied');
    expect(skipReason(report, 'dangling.jpg')).toMatch(/dangling/);
    // Every photo is accounted for exactly once.
    const grouped = report.groups.flatMap((group) => group.items.map((item) => item.id));
    expect(new Set(grouped).size).toBe(grouped.length);
    expect(report.stats.photos).toBe(report.stats.hashed + report.stats.reused + report.skipped.filter((s) => /cannot decode|not a valid|permission denied/.test(s.reason)).length);
  });

  it('decodes nothing on a second run over unchanged files', async () => {
    const { report } = await organizeJson(['-s', photos, '--save-hashes', db], honourFileModes());
    expect(report.stats.hashed).toBe(0);
    expect(report.stats.reused).toBe(report.stats.photos - report.skipped.filter((s) => /cannot decode|not a valid|permission denied/.test(s.reason)).length);
    expect(report.stats.reused).toBeGreaterThan(10);
  });

  it('re-hashes only the file that changed', async () => {
    const root = tempDir();
    writeFileSync(path.join(root, 'a.jpg'), await sceneJpeg({ seed: 5 }));
    writeFileSync(path.join(root, 'b.jpg'), await sceneJpeg({ seed: 6 }));
    const store = path.join(root, 'h.db');
    await organizeJson(['-s', root, '--save-hashes', store]);
    writeFileSync(path.join(root, 'b.jpg'), await sceneJpeg({ seed: 5 }, 70));
    const { report } = await organizeJson(['-s', root, '--save-hashes', store]);
    expect(report.stats).toMatchObject({ photos: 2, hashed: 1, reused: 1, groups: 1 });
  });
});

describe('organize -o', () => {
  it('copies groups best first, never overwrites, never touches originals, and dry-run writes nothing', async () => {
    const root = tempDir();
    const photos = path.join(root, 'photos');
    const out = path.join(root, 'out');
    mkdirSync(photos);
    const large = (await sceneRaw({ seed: 3, width: 800, height: 600 })).jpeg({ quality: 90 });
    await large.toFile(path.join(photos, 'big.jpg'));
    await (await sceneRaw({ seed: 3, width: 800, height: 600 })).resize(400).jpeg({ quality: 60 }).toFile(path.join(photos, 'small.jpg'));
    const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    const before = readdirSync(photos).map((name) => [name, digest(path.join(photos, name))]);
    const store = path.join(root, 'h.db');

    const dry = await runCli(['organize', '-s', photos, '-o', out, '--dry-run', '--save-hashes', store]);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/Would copy 2 photos of 1 groups/);
    expect(existsSync(out)).toBe(false);

    // Something already in the output folder under the name we want: it must survive.
    mkdirSync(path.join(out, 'group-0001'), { recursive: true });
    writeFileSync(path.join(out, 'group-0001', 'small.jpg'), 'precious');
    const first = await runCli(['organize', '-s', photos, '-o', out, '--save-hashes', store]);
    expect(first.code).toBe(0);
    const files = readdirSync(path.join(out, 'group-0001')).sort();
    expect(files).toEqual(['best-big.jpg', 'small (2).jpg', 'small.jpg']);
    expect(readFileSync(path.join(out, 'group-0001', 'small.jpg'), 'utf8')).toBe('precious');
    expect(digest(path.join(out, 'group-0001', 'best-big.jpg'))).toBe(digest(path.join(photos, 'big.jpg')));

    // Again: nothing new, nothing overwritten, no temp file left.
    const second = await runCli(['organize', '-s', photos, '-o', out, '--save-hashes', store, '--json']);
    const report = JSON.parse(second.stdout) as Report;
    expect(report.actions).toEqual([{ type: 'copy', target: out, count: 2, status: 'unchanged' }]);
    expect(readdirSync(path.join(out, 'group-0001')).sort()).toEqual(files);
    expect(readdirSync(photos).map((name) => [name, digest(path.join(photos, name))])).toEqual(before);
  });
});

describe('command line contract', () => {
  it('exits 2 with one clear line for bad usage', async () => {
    const missing = await runCli(['organize']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('photo-organizer: --source local needs at least one folder: -s <dir>');
    const unknown = await runCli(['organize', '--frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--frobnicate'/);
    const badThreshold = await runCli(['organize', '-s', '.', '--threshold', 'x']);
    expect(badThreshold.code).toBe(2);
    const badReport = await runCli(['organize', '-s', '.', '--report', 'r.pdf']);
    expect(badReport.code).toBe(2);
    expect(badReport.stderr).toMatch(/\.json, \.html or \.csv/);
  });

  it('exits 2 for a folder that does not exist, saying "no such folder"', async () => {
    const root = tempDir();
    const result = await runCli(['organize', '-s', path.join(root, 'nope'), '--save-hashes', path.join(root, 'h.db')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`photo-organizer: no such folder: ${path.join(root, 'nope')}`);
  });

  it('prints --version and --help with examples', async () => {
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await runCli(['organize', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toMatch(/--source-dir/);
  });

  it('keeps stdout pure JSON with --json and shows no progress without a TTY', async () => {
    const root = tempDir();
    writeFileSync(path.join(root, 'a.jpg'), await sceneJpeg({ seed: 8 }));
    const result = await runCli(['organize', '-s', root, '--json', '--save-hashes', path.join(root, 'h.db')]);
    expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
    expect(result.stderr).toBe('');
  });
});

describe('siblings and reference folders', () => {
  it('treats RAW+JPEG of one stem as one photo and keeps reference photos as best, untouched', async () => {
    const root = tempDir();
    const photos = path.join(root, 'photos');
    const reference = path.join(root, 'reference');
    const out = path.join(root, 'out');
    mkdirSync(photos);
    mkdirSync(reference);
    const jpeg = await sceneJpeg({ seed: 11 });
    writeFileSync(path.join(photos, 'IMG_1.jpg'), jpeg);
    writeFileSync(path.join(photos, 'IMG_1.CR2'), Buffer.concat([Buffer.from('II*\0'), Buffer.alloc(100)]));
    writeFileSync(path.join(photos, 'lonely.NEF'), Buffer.concat([Buffer.from('MM\0*'), Buffer.alloc(100)]));
    await sharp(jpeg).resize(200).jpeg().toFile(path.join(reference, 'kept.jpg'));
    const { report } = await organizeJson(['-s', photos, '--reference', reference, '-o', out, '--save-hashes', path.join(root, 'h.db')]);
    expect(report.groups).toHaveLength(1);
    const [group] = report.groups;
    expect(group?.items.map((item) => path.basename(item.path))).toEqual(['kept.jpg', 'IMG_1.jpg']);
    expect(group?.bestReason).toBe('in a reference folder');
    expect(group?.items[1]?.siblings?.map((s) => path.basename(s))).toEqual(['IMG_1.CR2']);
    expect(skipReason(report, 'lonely.NEF')).toBe('no preview in this RAW file');
    expect(readdirSync(path.join(out, 'group-0001'))).toEqual(['IMG_1.jpg']);
  });
});
