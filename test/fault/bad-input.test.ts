/**
 * Hostile files in a photo folder: each refused with a reason (or, when harmless, hashed), never
 * a crash, never a decompression bomb in memory, and the rest of the run completes with exit 0.
 */

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { badInputCorpus, type BadInput } from '../helpers/bad-inputs.js';
import { writeFigures } from '../helpers/figures.js';
import { sceneJpeg } from '../helpers/images.js';
import { honourFileModes } from '../helpers/honour-file-modes.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

/** The path the tool reports for a file: names that are not UTF-8 come back with U+FFFD for their bad bytes. */
function writeInput(dir: string, input: BadInput): string {
  if (typeof input.name === 'string') {
    writeFileSync(path.join(dir, input.name), input.bytes);
    return path.join(dir, input.name);
  }
  writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), input.name]), input.bytes);
  return path.join(dir, input.name.toString('utf8'));
}

const peakRssMb = (stderr: string) => Number(/max-rss-kb=(\d+)/.exec(stderr)?.[1]) / 1024;

describe('bad input', () => {
  it('skips every hostile file with a reason, hashes the harmless oddities, and finishes with exit 0 in little memory', async () => {
    const dir = tempDir();
    const corpus = await badInputCorpus();
    const paths = corpus.map((input) => writeInput(dir, input));
    writeFileSync(path.join(dir, 'fine.jpg'), await sceneJpeg({ seed: 61 }));

    const result = await runCli(['organize', '-s', dir, '--json', '--save-hashes', path.join(tempDir(), 'h.db')], { prefix: ['/usr/bin/time', '-f', 'max-rss-kb=%M'] });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    const skipped = new Map(report.skipped.map((item) => [item.path, item.reason]));

    const wrong: string[] = [];
    corpus.forEach((input, index) => {
      const reason = skipped.get(paths[index] as string);
      if (input.expect === 'skipped' && (reason === undefined || !input.reason?.test(reason))) wrong.push(`${input.what}: expected skipped (${String(input.reason)}), got ${reason ?? 'hashed'}`);
      if (input.expect === 'hashed' && reason !== undefined) wrong.push(`${input.what}: expected hashed, got skipped: ${reason}`);
      if (input.expect === 'ignored' && reason !== undefined) wrong.push(`${input.what}: expected ignored, got skipped: ${reason}`);
      if (reason !== undefined && reason.trim() === '') wrong.push(`${input.what}: skipped without a reason`);
    });
    expect(wrong).toEqual([]);
    // Every file is accounted for exactly once: hashed, skipped with a reason, or ignored as no photo.
    const ignored = corpus.filter((input) => input.expect === 'ignored').length;
    expect(report.stats.ignored).toBe(ignored);
    expect(report.stats.hashed + report.skipped.length + report.stats.ignored).toBe(corpus.length + 1);
    expect(report.skipped.every((item) => paths.includes(item.path))).toBe(true);
    expect(peakRssMb(result.stderr)).toBeLessThan(400);
    writeFigures('bad-input', {
      command: 'npx vitest run test/fault/bad-input.test.ts',
      tried: corpus.length,
      skippedWithReason: report.skipped.length,
      hashed: report.stats.hashed - 1,
      crashes: 0,
      exitCode: result.code,
      peakRssMb: Math.round(peakRssMb(result.stderr)),
    });
  });

  it('skips an unreadable file and an unreadable folder as "permission denied" and hashes the rest', async () => {
    const root = tempDir();
    const photos = path.join(root, 'photos');
    mkdirSync(path.join(photos, 'locked'), { recursive: true });
    mkdirSync(path.join(photos, 'open'));
    const picture = await sceneJpeg({ seed: 62 });
    writeFileSync(path.join(photos, 'readable.jpg'), picture);
    writeFileSync(path.join(photos, 'open', 'copy.jpg'), picture);
    writeFileSync(path.join(photos, 'secret.jpg'), picture);
    writeFileSync(path.join(photos, 'locked', 'inside.jpg'), picture);
    chmodSync(path.join(photos, 'secret.jpg'), 0o000);
    chmodSync(path.join(photos, 'locked'), 0o000);

    // Root reads any file whatever its mode: the CLI runs without that power so "permission denied" is real.
    const result = await runCli(['organize', '-s', photos, '--json', '--save-hashes', path.join(root, 'h.db')], { prefix: honourFileModes() });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.skipped.map((item) => [path.relative(photos, item.path), item.reason]).sort()).toEqual([
      ['locked', 'permission denied'],
      ['secret.jpg', 'permission denied'],
    ]);
    expect(report.groups.map((group) => group.items.map((item) => path.relative(photos, item.path)).sort())).toEqual([['open/copy.jpg', 'readable.jpg']]);
  });
});
