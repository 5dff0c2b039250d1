/**
 * SIGINT and SIGKILL at seeded random moments of a local `-o` run: afterwards the store opens and
 * is consistent, a re-run completes the work, no temporary file is left, every output file equals
 * its original, and every copy the journal records is there.
 */

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { sceneJpeg } from '../helpers/images.js';
import { mulberry32 } from '../helpers/random.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
/** With the 16 trials of interrupt-immich.test.ts: 50 seeded interruptions in all. */
const TRIALS = 34;

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('interrupting a local -o run', () => {
  let photos: string;
  const originals = new Map<string, string>();

  beforeAll(async () => {
    photos = tempDir();
    for (let scene = 0; scene < 4; scene++) {
      const base = await sceneJpeg({ seed: 900 + scene, width: 1200, height: 900 });
      writeFileSync(path.join(photos, `s${scene}-a.jpg`), base);
      writeFileSync(path.join(photos, `s${scene}-b.jpg`), await sharp(base).resize(800).jpeg({ quality: 70 }).toBuffer());
      writeFileSync(path.join(photos, `s${scene}-c.webp`), await sharp(base).webp().toBuffer());
    }
    for (const name of readdirSync(photos)) originals.set(name, digest(path.join(photos, name)));
  });

  it(`recovers cleanly from ${TRIALS} seeded SIGINT/SIGKILL interruptions`, async () => {
    const random = mulberry32(4242);
    let clean = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const root = tempDir();
      const out = path.join(root, 'out');
      const db = path.join(root, 'h.db');
      const signal = trial % 2 === 0 ? 'SIGINT' : 'SIGKILL';
      const delay = Math.floor(random() * 700);
      await runCli(['organize', '-s', photos, '-o', out, '--save-hashes', db, '--quiet'], {
        onStart: (child) => setTimeout(() => child.kill(signal), delay),
      });
      const check = new Database(db);
      const integrity = check.pragma('integrity_check', { simple: true });
      check.close();
      const rerun = await runCli(['organize', '-s', photos, '-o', out, '--save-hashes', db, '--quiet']);
      expect(rerun.code, `trial ${trial} (${signal} after ${delay} ms): ${rerun.stderr}`).toBe(0);
      mkdirSync(out, { recursive: true });
      const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      const temps = files.filter((entry) => entry.name.startsWith('.photo-organizer-tmp-'));
      const wrong = files.filter((entry) => {
        const original = entry.name.replace(/^best-/, '').replace(/ \(\d+\)(?=\.)/, '');
        return originals.get(original) !== digest(path.join(entry.parentPath, entry.name));
      });
      const connection = new Database(db, { readonly: true });
      const journaled = (connection.prepare("SELECT target FROM journal WHERE action = 'copy'").all() as { target: string }[]).map((row) => row.target);
      connection.close();
      const missing = journaled.filter((target) => !files.some((entry) => path.join(entry.parentPath, entry.name) === target));
      expect({ trial, integrity, temps: temps.length, wrong: wrong.length, missing, copied: files.length }).toEqual({
        trial, integrity: 'ok', temps: 0, wrong: 0, missing: [], copied: 12,
      });
      clean++;
    }
    console.log(`interrupts: ${TRIALS} trials (SIGINT and SIGKILL), ${clean} clean recoveries`);
  }, 900_000);
});
