/**
 * The Immich fault suite: the built CLI against the fake server while it misbehaves (random 503s,
 * 429 with Retry-After, resets, half-sent bodies, malformed JSON, a 60-second stall, going away and
 * coming back, a persistently failing write). For every fault and both kinds of writing run (tags;
 * albums + favorites + stacks) it checks that the journal matches what the server holds (no change
 * lost), that a fault-free re-run completes the work, and that `undo` restores the state before.
 */

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich, type FaultTarget } from '../helpers/fake-immich/index.js';
import { writeFigures } from '../helpers/figures.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { secretLeaks } from './secret-scan.js';
import { addAssets, appliedRunIds, changesApart, changesUnexplained, journalRows, seedPhotos, serverState, type SeedPhoto } from './immich-state.js';

const tempDir = useTempDirs();

const ACTIONS = {
  tags: ['--tag-only'],
  groups: ['--create-albums', '--album-prefix', 'dup-', '--mark-best-favorite', '--stack'],
} as const;
type ActionKind = keyof typeof ACTIONS;

const KEY_MARK = 'zq8XW7kPfa';

const isWrite = (t: FaultTarget) => t.method !== 'GET' && !t.apiPath.startsWith('/api/search/');
const isThumbnail = (t: FaultTarget) => t.apiPath.endsWith('/thumbnail');
const isSearch = (t: FaultTarget) => t.apiPath === '/api/search/metadata';

interface FaultCase {
  name: string;
  /** Sets the fault up; a server restart it starts goes in `restarts`, awaited before the server is looked at. */
  inject: (fake: FakeImmich, restarts: Promise<void>[]) => void;
  /** Exit codes this fault may end the faulty run with (0: retried through it). */
  exits: number[];
  env?: Record<string, string>;
  /** Which runs to try it with (default both): a fault of reads only does not depend on what is written. */
  actions?: ActionKind[];
  /** Extra checks on the faulty run. */
  check?: (run: CliResult, fake: FakeImmich, elapsedMs: number) => void;
}

/** Stops the server when the second matching request arrives, and brings it back `afterMs` later on the same port. */
function goAwayAt(fake: FakeImmich, which: (t: FaultTarget) => boolean, afterMs: number, restarts: Promise<void>[]): void {
  let seen = 0;
  fake.faults.add({
    kind: 'reset',
    times: 1,
    match: (target) => {
      if (!which(target) || ++seen !== 2) return false;
      restarts.push(fake.goAway().then(() => new Promise((resolve) => setTimeout(resolve, afterMs))).then(() => fake.comeBack()));
      return true;
    },
  });
}

/** Every write after the first answers 500, however often it is tried. */
function failWritesAfterFirst(fake: FakeImmich): void {
  let writes = 0;
  fake.faults.add({ kind: 'status', status: 500, match: (target) => isWrite(target) && ++writes > 1 });
}

const CASES: FaultCase[] = [
  {
    name: '10 % of requests answer 503',
    inject: (fake) => fake.faults.failRandomly(0.1, { statuses: [503], seed: 11 }),
    // A POST that creates (an album, a stack) is not retried blindly: that group waits for the next run (exit 3).
    exits: [0, 3],
    check: (_run, fake) => expect(fake.requests((r) => r.status === 503).length).toBeGreaterThan(0),
  },
  {
    name: '429 with Retry-After: 1 on the first two PUTs',
    inject: (fake) => fake.faults.rateLimit(2, 1, (t) => t.method === 'PUT'),
    exits: [0],
    check: (_run, fake, elapsedMs) => {
      expect(fake.requests((r) => r.status === 429)).toHaveLength(2);
      expect(elapsedMs).toBeGreaterThan(2000);
    },
  },
  {
    name: '429 with Retry-After: 1 on the first creating POST',
    actions: ['groups'],
    inject: (fake) => fake.faults.rateLimit(1, 1, (t) => t.method === 'POST' && isWrite(t)),
    // Not retried: a POST that creates is never repeated blindly, so that group waits for the next run.
    exits: [0, 3],
    check: (_run, fake) => expect(fake.requests((r) => r.status === 429)).toHaveLength(1),
  },
  {
    name: 'connection reset before the answer (search, thumbnails, writes)',
    inject: (fake) => {
      fake.faults.add({ kind: 'reset', times: 1, match: isSearch });
      fake.faults.add({ kind: 'reset', times: 2, match: isThumbnail });
      fake.faults.add({ kind: 'reset', times: 2, match: isWrite });
    },
    exits: [0, 3],
    check: (_run, fake) => expect(fake.requests((r) => r.fault === 'reset')).toHaveLength(5),
  },
  {
    name: 'the answer stops halfway (after the server acted)',
    inject: (fake) => {
      fake.faults.add({ kind: 'truncate', times: 1, match: isSearch });
      fake.faults.add({ kind: 'truncate', times: 2, match: isThumbnail });
      fake.faults.add({ kind: 'truncate', times: 2, match: isWrite });
    },
    exits: [0, 3],
    check: (_run, fake) => expect(fake.requests((r) => r.fault === 'truncate')).toHaveLength(5),
  },
  {
    name: 'malformed JSON from the search and a write',
    inject: (fake) => {
      fake.faults.add({ kind: 'malformed-json', times: 1, match: isSearch });
      fake.faults.add({ kind: 'malformed-json', times: 1, match: isWrite });
    },
    exits: [0, 1, 3],
    check: (run, fake) => {
      expect(fake.requests((r) => r.fault === 'malformed-json').length).toBeGreaterThan(0);
      if (run.code !== 0) expect(run.stderr).toMatch(/JSON|unexpected answer/i);
    },
  },
  {
    name: 'a 60-second stall against a 2-second client timeout',
    actions: ['tags'],
    env: { PHOTO_ORGANIZER_HTTP_TIMEOUT: '2' },
    inject: (fake) => {
      fake.faults.add({ kind: 'stall', ms: 60_000, times: 1, match: isSearch });
      fake.faults.add({ kind: 'stall', ms: 60_000, times: 1, match: isThumbnail });
    },
    exits: [0],
    check: (_run, _fake, elapsedMs) => {
      expect(elapsedMs).toBeGreaterThan(2000);
      expect(elapsedMs).toBeLessThan(30_000);
    },
  },
  {
    name: 'the server goes away while thumbnails load and comes back 1.5 s later',
    actions: ['tags'],
    inject: (fake, restarts) => goAwayAt(fake, isThumbnail, 1500, restarts),
    exits: [0, 1, 3],
  },
  {
    name: 'the server goes away during the writes and comes back 1.5 s later',
    inject: (fake, restarts) => goAwayAt(fake, isWrite, 1500, restarts),
    exits: [0, 1, 3],
  },
  {
    name: 'a write that keeps failing with 500',
    inject: failWritesAfterFirst,
    exits: [1, 3],
    check: (run) => expect(run.stderr).toMatch(/500/),
  },
];

interface Outcome {
  fault: string;
  action: ActionKind;
  exit: number | null;
  lostAfterFault: number;
  rerunExit: number | null;
  lostAfterRerun: number;
  undoRestored: boolean;
  keyLeaks: number;
}

const outcomes: Outcome[] = [];

describe('Immich faults, end to end', () => {
  let photos: SeedPhoto[];
  beforeAll(async () => {
    photos = await seedPhotos();
  });
  afterAll(() => {
    const survived = outcomes.filter((o) => o.lostAfterFault === 0 && o.rerunExit === 0 && o.lostAfterRerun === 0 && o.undoRestored).length;
    writeFigures('immich-faults', {
      command: 'npx vitest run test/fault/immich-faults.test.ts',
      faultsTried: outcomes.length,
      survived,
      completedDespiteFault: outcomes.filter((o) => o.exit === 0).length,
      changesLost: outcomes.reduce((sum, o) => sum + o.lostAfterFault + o.lostAfterRerun, 0),
      undoCorrect: outcomes.filter((o) => o.undoRestored).length,
      keyLeaks: outcomes.reduce((sum, o) => sum + o.keyLeaks, 0),
      outcomes,
    });
  });

  CASES.forEach((fault, caseIndex) => {
    for (const action of fault.actions ?? (Object.keys(ACTIONS) as ActionKind[])) {
      it.concurrent(`${action}: ${fault.name}`, async ({ expect }) => {
        const fake = await startFakeImmich();
        try {
          // A distinctive key, looked for afterwards in every output, report, database and cache file.
          const key = `${KEY_MARK}${action}${caseIndex}x7Qm2VnR8sLd4TgH9wJc`;
          const { user } = fake.seedUser();
          fake.state.addApiKey({ userId: user.id, secret: key });
          addAssets(fake, user.id, photos);
          const before = serverState(fake);
          const root = tempDir();
          const db = path.join(root, 'store', 'h.db');
          mkdirSync(path.join(root, 'reports'));
          const reports = ['json', 'html', 'csv'].map((ext) => path.join(root, 'reports', `report.${ext}`));
          const args = ['organize', '--source', 'immich', '--immich-url', fake.url, '--save-hashes', db, '--cache-dir', path.join(root, 'cache'), ...ACTIONS[action]];
          const env = { IMMICH_API_KEY: key };

          const restarts: Promise<void>[] = [];
          fault.inject(fake, restarts);
          const started = performance.now();
          const run = await runCli([...args, '--verbose', '--report', ...reports], { env: { ...env, ...fault.env } });
          const elapsedMs = performance.now() - started;
          await Promise.all(restarts);
          fake.faults.clear();
          const lostAfterFault = changesUnexplained(serverState(fake), before, journalRows(db));

          const rerun = await runCli([...args, '--quiet'], { env });
          const done = serverState(fake);
          const lostAfterRerun = changesUnexplained(done, before, journalRows(db));

          const outputs: Record<string, string> = { 'run stdout': run.stdout, 'run stderr': run.stderr, 'rerun stdout': rerun.stdout, 'rerun stderr': rerun.stderr };
          const undoCodes: (number | null)[] = [];
          for (const id of appliedRunIds(db)) {
            const undo = await runCli(['undo', id, '--save-hashes', db, '--immich-url', fake.url], { env });
            undoCodes.push(undo.code);
            outputs[`undo ${id} stdout`] = undo.stdout;
            outputs[`undo ${id} stderr`] = undo.stderr;
          }
          const undone = serverState(fake);
          const leaks = secretLeaks(key, outputs, [root]);
          outcomes.push({ fault: fault.name, action, exit: run.code, lostAfterFault, rerunExit: rerun.code, lostAfterRerun, undoRestored: changesApart(undone, before) === 0, keyLeaks: leaks.length });

          expect(fault.exits, run.stderr).toContain(run.code);
          fault.check?.(run, fake, elapsedMs);
          expect(lostAfterFault).toBe(0);
          expect(rerun.code, rerun.stderr).toBe(0);
          expect(lostAfterRerun).toBe(0);
          expect(finished(done, action)).toBe(true);
          expect(undoCodes.every((code) => code === 0)).toBe(true);
          expect(undone).toEqual(before);
          expect(leaks).toEqual([]);
          expect(fake.requests((r) => 'apiKey' in r.query)).toEqual([]);
          expect(fake.violations()).toEqual([]);
        } finally {
          await fake.close();
        }
      }, 60_000);
    }
  });
});

/** The work of a complete run: 4 groups (10 assets) tagged, or 4 albums, 4 favorites, 4 stacks. */
function finished(state: ReturnType<typeof serverState>, action: ActionKind): boolean {
  if (action === 'tags') return Object.values(state.tags).some((ids) => ids.length === 10);
  const sizes = (record: Record<string, string[]>) => Object.values(record).map((ids) => ids.length).sort();
  return JSON.stringify(sizes(state.albums)) === '[2,2,3,3]' && state.favorites.length === 4 && JSON.stringify(sizes(state.stacks)) === '[2,2,3,3]';
}
