/**
 * SIGINT and SIGKILL at seeded random moments of an Immich tagging run (`--tag-only
 * --tag-per-group`: a parent tag, one child tag per group, a write per tag). Afterwards the store
 * opens and is consistent, the journal matches what the server holds (replayed over the state
 * before), a re-run completes the work, and undo of every run restores the state before.
 */

import Database from 'better-sqlite3';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { writeFigures } from '../helpers/figures.js';
import { mulberry32 } from '../helpers/random.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { addAssets, appliedRunIds, changesApart, changesUnexplained, journalGap, journalRows, seedPhotos, serverState, type SeedPhoto } from './immich-state.js';

const tempDir = useTempDirs();
const TRIALS = 16;
/** Per request: the run lasts long enough to be cut anywhere, and a request cut short still lands after it. */
const LATENCY_MS = 25;

interface Trial {
  trial: number;
  signal: string;
  atRequest: number;
  delayMs: number;
  exit: number | null;
  integrity: unknown;
  /** Changes on the server the journal does not hold (a write the server made, the client never recorded). */
  unjournaled: number;
  /** Changes the journal holds that the server does not: must always be 0. */
  phantom: number;
  /** Write-ahead entries left unsettled by the kill: undo reverses them whole. */
  pending: number;
  rerunExit: number | null;
  lostAfterRerun: number;
  finished: boolean;
  undoRestored: boolean;
}

async function seeded(photos: readonly SeedPhoto[]): Promise<{ fake: FakeImmich; key: string }> {
  const fake = await startFakeImmich();
  const { user, key } = fake.seedUser();
  addAssets(fake, user.id, photos);
  return { fake, key };
}

function tagArgs(fake: FakeImmich, root: string): string[] {
  return ['organize', '--source', 'immich', '--immich-url', fake.url, '--save-hashes', path.join(root, 'h.db'), '--cache-dir', path.join(root, 'cache'), '--quiet', '--tag-only', '--tag-per-group'];
}

function integrityOf(db: string): unknown {
  try {
    const check = new Database(db, { fileMustExist: true });
    try {
      return check.pragma('integrity_check', { simple: true });
    } finally {
      check.close();
    }
  } catch (error) {
    return /unable to open/.test(String(error)) ? 'no store yet' : String(error);
  }
}

describe('interrupting an Immich tagging run', () => {
  let photos: SeedPhoto[];
  /** Requests a whole run sends: the trials are cut at a seeded one of them, whatever the machine's speed. */
  let fullRunRequests = 0;

  beforeAll(async () => {
    photos = await seedPhotos();
    const { fake, key } = await seeded(photos);
    try {
      const run = await runCli(tagArgs(fake, tempDir()), { env: { IMMICH_API_KEY: key } });
      fullRunRequests = fake.requests().length;
      expect(run.code, run.stderr).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it(`recovers from ${TRIALS} seeded SIGINT/SIGKILL interruptions: store sound, journal never claims what did not happen, re-run completes, undo restores`, async () => {
    const random = mulberry32(8080);
    const trials: Trial[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const { fake, key } = await seeded(photos);
      try {
        const before = serverState(fake);
        const root = tempDir();
        const db = path.join(root, 'h.db');
        const env = { IMMICH_API_KEY: key };
        const signal = trial % 2 === 0 ? 'SIGINT' : 'SIGKILL';
        // Cut when the server receives a seeded request of the run (listing, thumbnails or writes), then up to two latencies later.
        const atRequest = Math.floor(random() * fullRunRequests);
        const delayMs = Math.floor(random() * LATENCY_MS * 2);
        let kill: (() => void) | undefined;
        fake.faults.add({
          kind: 'reset',
          match: (target) => {
            if (target.index === atRequest) setTimeout(() => kill?.(), delayMs);
            return false;
          },
        });
        fake.faults.setLatency(LATENCY_MS);
        const run = await runCli(tagArgs(fake, root), { env, onStart: (child) => (kill = () => child.kill(signal)) });
        // A request the client sent before it died is still carried out by the server.
        await sleep(LATENCY_MS * 4);
        fake.faults.clear();
        const integrity = integrityOf(db);
        const rows = journalRows(db);
        const { unjournaled, phantom } = journalGap(serverState(fake), before, rows);
        const pending = rows.filter((row) => row.pending).length;
        const rerun = await runCli(tagArgs(fake, root), { env });
        const done = serverState(fake);
        const lostAfterRerun = changesUnexplained(done, before, journalRows(db));
        for (const id of appliedRunIds(db)) await runCli(['undo', id, '--save-hashes', db, '--immich-url', fake.url], { env });
        const finished = Object.values(done.tags).some((ids) => ids.length === 10);
        trials.push({
          trial, signal, atRequest, delayMs, exit: run.code, integrity, unjournaled: unjournaled.length, phantom: phantom.length, pending,
          rerunExit: rerun.code, lostAfterRerun, finished, undoRestored: changesApart(serverState(fake), before) === 0,
        });
      } finally {
        await fake.close();
      }
    }
    const soundStore = (t: Trial) => t.integrity === 'ok' || t.integrity === 'no store yet';
    const clean = trials.filter((t) => soundStore(t) && t.unjournaled === 0 && t.phantom === 0 && t.rerunExit === 0 && t.lostAfterRerun === 0 && t.finished && t.undoRestored);
    writeFigures('interrupt-immich', {
      command: 'npx vitest run test/fault/interrupt-immich.test.ts',
      trials: trials.length,
      cleanRecoveries: clean.length,
      interruptedRuns: trials.filter((t) => t.exit !== 0).length,
      unjournaledChanges: trials.reduce((sum, t) => sum + t.unjournaled, 0),
      phantomJournalEntries: trials.reduce((sum, t) => sum + t.phantom, 0),
      pendingEntriesLeft: trials.reduce((sum, t) => sum + t.pending, 0),
      fullRunRequests,
      notClean: trials.filter((t) => !clean.includes(t)),
    });
    // Always: the store is sound, the journal claims nothing the server lacks, a re-run finishes the work.
    expect(trials.filter((t) => !soundStore(t) || t.phantom > 0 || t.rerunExit !== 0 || !t.finished)).toEqual([]);
    // SIGINT is a clean stop: the writes in flight finish and are settled, none is left pending.
    expect(trials.filter((t) => t.signal === 'SIGINT' && t.pending > 0)).toEqual([]);
    // SIGKILL too: a write the server received is journaled ahead (pending), so nothing is unexplained and undo restores.
    expect(trials.filter((t) => t.unjournaled > 0 || !t.undoRestored)).toEqual([]);
    // The seeded delays must actually cut runs short, or this test proves nothing.
    expect(trials.filter((t) => t.exit !== 0).length).toBeGreaterThan(TRIALS / 2);
  }, 600_000);

  /*
   * Killed while the server carries out a write, deterministically: the server does it, the answer
   * never arrives. The write-ahead entry, recorded before the request, stays pending; the journal
   * still explains everything on the server, and undo of the killed run takes the change back.
   */
  const writes = [
    { name: 'tagging assets', route: /^\/api\/tags\/[^/]+\/assets$/ },
    { name: 'creating the tags', route: /^\/api\/tags$/ },
  ];
  for (const write of writes) {
    it(`SIGKILL while the server is ${write.name}: a pending journal entry explains it and undo takes it back`, async () => {
      const { fake, key } = await seeded(photos);
      try {
        const env = { IMMICH_API_KEY: key };
        const before = serverState(fake);
        const root = tempDir();
        const db = path.join(root, 'h.db');
        let kill: (() => void) | undefined;
        fake.faults.add({
          kind: 'stall',
          ms: 500,
          times: 1,
          match: (target) => {
            const hit = target.method === 'PUT' && write.route.test(target.apiPath);
            if (hit) kill?.();
            return hit;
          },
        });
        const run = await runCli(tagArgs(fake, root), { env, onStart: (child) => (kill = () => child.kill('SIGKILL')) });
        await sleep(800);
        expect(run.signal).toBe('SIGKILL');
        // The server did carry out the write the client never heard back from.
        expect(changesApart(serverState(fake), before)).toBeGreaterThan(0);
        const rows = journalRows(db);
        expect(rows.filter((row) => row.pending).length).toBe(1);
        expect(journalGap(serverState(fake), before, rows)).toEqual({ unjournaled: [], phantom: [] });
        for (const id of appliedRunIds(db)) {
          const undo = await runCli(['undo', id, '--save-hashes', db, '--immich-url', fake.url], { env });
          expect(undo.code, undo.stderr).toBe(0);
          expect(undo.stdout).toContain('perhaps never applied');
        }
        expect(serverState(fake)).toEqual(before);
      } finally {
        await fake.close();
      }
    });
  }
});
