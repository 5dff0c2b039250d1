/**
 * SIGINT and SIGKILL at seeded random moments of a local `-o` run: afterwards the store opens and
 * is consistent, a re-run completes the work, no temporary file is left, every output file equals
 * its original, and every copy the journal records is there.
 */

import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFigures } from '../helpers/figures.js';
import { sceneJpeg } from '../helpers/images.js';
import { mulberry32 } from '../helpers/random.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const TEMP_PREFIX = '.photo-organizer-tmp-';
/** With the 16 trials of interrupt-immich.test.ts: 50 seeded interruptions in all. */
const TRIALS = 34;

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('interrupting a local -o run', () => {
  let photos: string;
  const originals = new Map<string, string>();
  let fullRunMs = 0;

  beforeAll(async () => {
    photos = tempDir();
    for (let scene = 0; scene < 4; scene++) {
      const base = await sceneJpeg({ seed: 900 + scene, width: 1200, height: 900 });
      writeFileSync(path.join(photos, `s${scene}-a.jpg`), base);
      writeFileSync(path.join(photos, `s${scene}-b.jpg`), await sharp(base).resize(800).jpeg({ quality: 70 }).toBuffer());
      writeFileSync(path.join(photos, `s${scene}-c.webp`), await sharp(base).webp().toBuffer());
    }
    for (const name of readdirSync(photos)) originals.set(name, digest(path.join(photos, name)));
    const root = tempDir();
    const started = performance.now();
    const full = await runCli(['organize', '-s', photos, '-o', path.join(root, 'out'), '--save-hashes', path.join(root, 'h.db'), '--quiet']);
    fullRunMs = performance.now() - started;
    expect(full.code, full.stderr).toBe(0);
  });

  const outputFiles = (out: string): Dirent[] => (existsSync(out) ? readdirSync(out, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()) : []);
  /** `best-s0-a (2).jpg` holds exactly the bytes of `s0-a.jpg`. */
  const isWholeCopy = (entry: Dirent): boolean =>
    originals.get(entry.name.replace(/^best-/, '').replace(/ \(\d+\)(?=\.)/, '')) === digest(path.join(entry.parentPath, entry.name));

  /** Watches the output folder and sends the signal `delay` ms after the first file shows up there. */
  function killOnceCopying(child: ChildProcess, out: string, kill: () => void, delay: number): void {
    const timer = setInterval(() => {
      if (outputFiles(out).length === 0) return;
      clearInterval(timer);
      setTimeout(kill, delay);
    }, 1);
    child.once('exit', () => clearInterval(timer));
  }

  it(`recovers cleanly from ${TRIALS} seeded SIGINT/SIGKILL interruptions`, async () => {
    const random = mulberry32(4242);
    let clean = 0;
    let interrupted = 0;
    let unjournaled = 0;
    let cutWhileCopying = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const root = tempDir();
      const out = path.join(root, 'out');
      const db = path.join(root, 'h.db');
      const signal = trial % 2 === 0 ? 'SIGINT' : 'SIGKILL';
      // Half the trials anywhere in the run; the other half a few ms after the first copy appears.
      const whileCopying = trial % 4 >= 2;
      const delay = Math.floor(whileCopying ? random() * 15 : random() * fullRunMs);
      const run = await runCli(['organize', '-s', photos, '-o', out, '--save-hashes', db, '--quiet'], {
        onStart: (child) => (whileCopying ? killOnceCopying(child, out, () => child.kill(signal), delay) : setTimeout(() => child.kill(signal), delay)),
      });
      // Right after the kill, before any clean-up: a final name only ever holds a whole copy.
      const finals = outputFiles(out).filter((entry) => !entry.name.startsWith(TEMP_PREFIX));
      const halfWritten = finals.filter((entry) => !isWholeCopy(entry));
      if (finals.length > 0 && finals.length < 12) cutWhileCopying++;
      const check = new Database(db);
      const integrity = check.pragma('integrity_check', { simple: true });
      check.close();
      const rerun = await runCli(['organize', '-s', photos, '-o', out, '--save-hashes', db, '--quiet']);
      expect(rerun.code, `trial ${trial} (${signal} after ${delay} ms): ${rerun.stderr}`).toBe(0);
      const files = outputFiles(out);
      const temps = files.filter((entry) => entry.name.startsWith(TEMP_PREFIX));
      const wrong = files.filter((entry) => !isWholeCopy(entry));
      const connection = new Database(db, { readonly: true });
      const journaled = (connection.prepare("SELECT target FROM journal WHERE action = 'copy'").all() as { target: string }[]).map((row) => row.target);
      connection.close();
      const present = files.map((entry) => path.join(entry.parentPath, entry.name));
      const missing = journaled.filter((target) => !present.includes(target));
      // A kill between the rename and the journal insert leaves a whole copy the journal does not list:
      // harmless (copies are never undone), counted rather than failed.
      unjournaled += present.filter((file) => !journaled.includes(file)).length;
      if (run.code !== 0) interrupted++;
      expect({ trial, integrity, halfWritten: halfWritten.length, temps: temps.length, wrong: wrong.length, missing, copied: files.length }).toEqual({
        trial, integrity: 'ok', halfWritten: 0, temps: 0, wrong: 0, missing: [], copied: 12,
      });
      clean++;
    }
    writeFigures('interrupt-local', { command: 'npx vitest run test/fault/interrupt-local.test.ts', trials: TRIALS, cleanRecoveries: clean, fullRunMs: Math.round(fullRunMs), interruptedRuns: interrupted, cutWhileCopying, unjournaledCopies: unjournaled });
    expect(interrupted).toBeGreaterThan(TRIALS / 2);
  }, 900_000);
});
