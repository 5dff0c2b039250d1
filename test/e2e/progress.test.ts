/** Progress on stderr only where a person watches: through a real pseudo-terminal, and never in pipes. */

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { sceneJpeg } from '../helpers/images.js';
import { BIN, runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const exec = promisify(execFile);
const tempDir = useTempDirs();
const PHOTOS = 30;

describe('progress display', () => {
  let photos: string;

  beforeAll(async () => {
    photos = tempDir();
    for (let i = 0; i < PHOTOS; i++) writeFileSync(path.join(photos, `p${i}.jpg`), await sceneJpeg({ seed: 500 + i, width: 1600, height: 1200 }));
  });

  it('draws stage, counts and rate on a terminal', async () => {
    const db = path.join(tempDir(), 'h.db');
    // util-linux `script` gives the CLI a real pseudo-terminal; its output is what the terminal showed.
    const command = [process.execPath, BIN, 'organize', '-s', photos, '--save-hashes', db].map((part) => `'${part}'`).join(' ');
    const { stdout } = await exec('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, COLUMNS: '120', TERM: 'xterm' } });
    expect(stdout).toMatch(/Hashing\s+\|.*\| \d+\/\d+ [\d.]+\/s ETA/);
    expect(stdout).toContain(`${PHOTOS}/${PHOTOS}`);
    expect(stdout).toMatch(/30 photos, 30 hashed/);
  });

  it('stays silent without a terminal, and with --quiet or --json', async () => {
    const db = path.join(tempDir(), 'h.db');
    const plain = await runCli(['organize', '-s', photos, '--save-hashes', db]);
    expect(plain.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^30 photos, /)]);
    const quiet = await runCli(['organize', '-s', photos, '--save-hashes', db, '--quiet']);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr.trim().split('\n')).toHaveLength(1);
    const json = await runCli(['organize', '-s', photos, '--save-hashes', db, '--json']);
    expect(json.stderr).toBe('');
  });
});
