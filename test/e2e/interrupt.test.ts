/** Ctrl-C during hashing: the run stops cleanly, the store stays consistent, the next run continues. */

import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { sceneRaw } from '../helpers/images.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const PHOTOS = 80;

function storedCount(db: string): number {
  if (!existsSync(db)) return 0;
  try {
    const connection = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (connection.prepare('SELECT COUNT(*) AS n FROM photos').get() as { n: number }).n;
    } finally {
      connection.close();
    }
  } catch {
    return 0; // not created yet
  }
}

describe('SIGINT during hashing', () => {
  it('leaves a consistent store that the next run continues from', async () => {
    const root = tempDir();
    const photos = path.join(root, 'photos');
    mkdirSync(photos);
    for (let i = 0; i < PHOTOS; i++) {
      await (await sceneRaw({ seed: 1000 + i, width: 400, height: 300 })).resize(2400, 1800).jpeg({ quality: 85 }).toFile(path.join(photos, `p${i}.jpg`));
    }
    const db = path.join(root, 'hashes.db');

    const interrupted = await runCli(['organize', '-s', photos, '--save-hashes', db, '--concurrency', '1'], {
      onStart: (child) => {
        const poll = setInterval(() => {
          if (storedCount(db) > 0) {
            clearInterval(poll);
            child.kill('SIGINT');
          }
        }, 20);
        child.on('close', () => clearInterval(poll));
      },
    });
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/cancelled; the hash database is consistent/);

    const connection = new Database(db, { readonly: true });
    expect(connection.pragma('integrity_check', { simple: true })).toBe('ok');
    const saved = (connection.prepare('SELECT COUNT(*) AS n FROM photos').get() as { n: number }).n;
    const run = connection.prepare('SELECT status FROM runs ORDER BY started_at DESC LIMIT 1').get() as { status: string };
    connection.close();
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThan(PHOTOS);
    expect(run.status).toBe('cancelled');

    const resumed = await runCli(['organize', '-s', photos, '--save-hashes', db, '--json']);
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.stdout) as Report;
    expect(report.stats.reused).toBe(saved);
    expect(report.stats.hashed).toBe(PHOTOS - saved);
  });
});
