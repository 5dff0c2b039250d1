/** Decisions that last (ignore) and one run per store at a time (lock), through the built CLI. */

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { sceneJpeg } from '../helpers/images.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

async function folderWithOnePair(): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const original = await sceneJpeg({ seed: 21 });
  writeFileSync(path.join(dir, 'a.jpg'), original);
  writeFileSync(path.join(dir, 'b.jpg'), await sharp(original).resize(200).jpeg({ quality: 50 }).toBuffer());
  writeFileSync(path.join(dir, 'c.jpg'), await sceneJpeg({ seed: 22 }));
  return { dir, db: path.join(dir, 'hashes.db') };
}

async function groups(dir: string, db: string, extra: string[] = []): Promise<Report['groups']> {
  const result = await runCli(['organize', '-s', dir, '--json', '--save-hashes', db, ...extra]);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as Report).groups;
}

describe('ignore', () => {
  it('keeps a group apart in every later run, whatever the threshold', async () => {
    const { dir, db } = await folderWithOnePair();
    expect(await groups(dir, db)).toHaveLength(1);
    const ignored = await runCli(['ignore', 'group-0001', '--save-hashes', db]);
    expect(ignored.code).toBe(0);
    expect(ignored.stdout).toMatch(/2 photos will not be grouped together again \(1 new pairs recorded\)/);
    expect(await groups(dir, db)).toEqual([]);
    const loose = await groups(dir, db, ['--threshold', '20']);
    const together = loose.some((group) => ['a.jpg', 'b.jpg'].every((name) => group.items.some((item) => path.basename(item.path) === name)));
    expect(together).toBe(false);
  });

  it('accepts photo paths, and says clearly when a group id is unknown', async () => {
    const { dir, db } = await folderWithOnePair();
    await groups(dir, db);
    const unknown = await runCli(['ignore', 'group-0099', '--save-hashes', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no group-0099 in any run/);
    const byPath = await runCli(['ignore', path.join(dir, 'a.jpg'), path.join(dir, 'b.jpg'), '--save-hashes', db]);
    expect(byPath.code).toBe(0);
    expect(await groups(dir, db)).toEqual([]);
  });
});

describe('store lock', () => {
  it('refuses a second run on the same store while the first holds it, and takes over a stale lock', async () => {
    const { dir, db } = await folderWithOnePair();
    writeFileSync(`${db}.lock`, String(process.pid));
    const blocked = await runCli(['organize', '-s', dir, '--save-hashes', db]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(new RegExp(`another photo-organizer run \\(pid ${process.pid}\\) is using`));
    writeFileSync(`${db}.lock`, '2147483646');
    expect(await groups(dir, db)).toHaveLength(1);
  });
});

describe('scope of a run', () => {
  it('keeps only photos taken in the date range, and only paths matching --path-glob', async () => {
    const root = tempDir();
    const keep = path.join(root, 'keep');
    const skip = path.join(root, 'skip');
    mkdirSync(keep);
    mkdirSync(skip);
    const original = await sceneJpeg({ seed: 41 });
    const dated = (when: string) => sharp(original).withExif({ IFD0: { DateTime: when } }).jpeg({ quality: 80 }).toBuffer();
    writeFileSync(path.join(keep, 'old.jpg'), await dated('2020:05:01 10:00:00'));
    writeFileSync(path.join(keep, 'new.jpg'), await dated('2023:05:01 10:00:00'));
    writeFileSync(path.join(keep, 'new-copy.jpg'), await sharp(await dated('2023:05:02 10:00:00')).resize(240).withExif({ IFD0: { DateTime: '2023:05:02 10:00:00' } }).jpeg().toBuffer());
    writeFileSync(path.join(skip, 'new-elsewhere.jpg'), await dated('2023:06:01 10:00:00'));
    const db = path.join(root, 'h.db');

    const all = await runCli(['organize', '-s', root, '--json', '--save-hashes', db]);
    expect((JSON.parse(all.stdout) as Report).groups[0]?.items).toHaveLength(4);

    const recent = await runCli(['organize', '-s', root, '--json', '--save-hashes', db, '--taken-after', '2022-01-01']);
    const recentReport = JSON.parse(recent.stdout) as Report;
    expect(recentReport.groups[0]?.items.map((item) => path.basename(item.path)).sort()).toEqual(['new-copy.jpg', 'new-elsewhere.jpg', 'new.jpg']);
    expect(recentReport.stats.outOfScope).toBe(1);

    const globbed = await runCli(['organize', '-s', root, '--json', '--save-hashes', db, '--taken-after', '2022-01-01', '--path-glob', '**/keep/**']);
    expect((JSON.parse(globbed.stdout) as Report).groups[0]?.items.map((item) => path.basename(item.path)).sort()).toEqual(['new-copy.jpg', 'new.jpg']);

    const backwards = await runCli(['organize', '-s', root, '--taken-after', '2024-01-01', '--taken-before', '2023-01-01']);
    expect(backwards.code).toBe(2);
  });
});
