/**
 * The package as a user installing it from npm gets it: the launcher, the built code (with its
 * workers and WebAssembly), README and LICENSE, and nothing of the tests or their fixtures; and
 * every dependency it declares is one the built code loads.
 */

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface PackResult {
  files: { path: string }[];
}

describe('npm package', () => {
  it('holds bin, dist, README and LICENSE, and no tests or fixtures', async () => {
    // --ignore-scripts: `prepare` would rebuild; the test suite runs on a fresh build already.
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    const [pack] = JSON.parse(stdout) as PackResult[];
    const files = (pack?.files ?? []).map((file) => file.path);
    for (const expected of [
      'LICENSE',
      'README.md',
      'package.json',
      'bin/photo-organizer.js',
      'dist/cli/main.js',
      'dist/hamming-join.wasm',
      'dist/grouping/helper-worker.js',
      'dist/grouping/index/join-worker.js',
      'dist/thumbnails/heif/heif-worker.js',
    ]) {
      expect(files).toContain(expected);
    }
    const outside = files.filter((file) => !/^(dist|bin)\//.test(file) && !['LICENSE', 'README.md', 'package.json'].includes(file));
    expect(outside).toEqual([]);
    expect(files.filter((file) => /(^|\/)(test|fixtures|__tests__)\/|\.test\.(js|ts)$/.test(file))).toEqual([]);
  });

  it('declares only dependencies the built code loads', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const built = (readdirSync(path.join(ROOT, 'dist'), { recursive: true, encoding: 'utf8' }))
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(path.join(ROOT, 'dist', file), 'utf8'))
      .join('\n');
    const unused = Object.keys(manifest.dependencies).filter((name) => !new RegExp(`['"]${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/[^'"]*)?['"]`).test(built));
    expect(unused).toEqual([]);
  });
});
