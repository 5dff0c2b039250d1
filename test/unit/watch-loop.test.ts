/**
 * The watch loop driven without waiting: `sleep` records the wait asked for and returns at once,
 * and the script of polls and batches says what the server and the store do.
 */

import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/core/errors.js';
import type { Photo } from '../../src/core/photo.js';
import type { Logger } from '../../src/core/progress.js';
import { ImmichHttpError } from '../../src/sources/immich/immich-errors.js';
import { isOutage, OutageLog } from '../../src/watch/outage.js';
import { runWatchLoop, type BatchOutcome } from '../../src/watch/watch-loop.js';

const photo = (id: string): Photo => ({ source: 'immich', id, path: `${id}.jpg`, changeKey: id, meta: { width: 1, height: 1, bytes: 1, format: 'jpeg' } });
const unreachable = () => new ImmichHttpError({ kind: 'network', method: 'POST', endpoint: '/search/metadata', baseUrl: 'http://immich/api', reason: 'ECONNREFUSED', attempts: 3 });
const refusedKey = () => new ImmichHttpError({ kind: 'http', status: 401, method: 'POST', endpoint: '/search/metadata', baseUrl: 'http://immich/api', serverMessage: 'Invalid API key', attempts: 1 });

function recordingLogger() {
  const lines: string[] = [];
  const logger: Logger = { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), debug: (m) => lines.push(`debug ${m}`) };
  return { logger, lines };
}

/** Runs the loop over a script of polls (a list of photos or an error each); stops when the script ends. */
async function drive(polls: (Photo[] | Error)[], batch: (photos: Photo[], index: number) => BatchOutcome | Error = () => ({ retry: [] }), options: { maxAttempts?: number } = {}) {
  const controller = new AbortController();
  const { logger, lines } = recordingLogger();
  let clock = 0;
  const waits: number[] = [];
  const batches: string[][] = [];
  let poll = 0;
  const summary = await runWatchLoop({
    intervalMs: 30_000,
    signal: controller.signal,
    sleep: (ms) => {
      waits.push(ms);
      clock += ms;
      if (poll >= polls.length) controller.abort();
      return Promise.resolve();
    },
    poll: () => {
      const next = polls[poll++];
      if (next instanceof Error) return Promise.reject(next);
      return Promise.resolve(next ?? []);
    },
    runBatch: (photos) => {
      batches.push(photos.map((p) => p.id));
      const outcome = batch(photos, batches.length - 1);
      return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
    },
    outage: new OutageLog({ logger, what: 'Immich at http://immich', now: () => clock }),
    logger,
    ...options,
  });
  return { summary, waits, batches, lines };
}

describe('watch loop', () => {
  it('runs a batch only for a poll that found something, and waits the interval between polls', async () => {
    const { summary, waits, batches } = await drive([[photo('a')], [], [photo('b'), photo('c')]]);
    expect(batches).toEqual([['a'], ['b', 'c']]);
    expect(summary).toEqual({ batches: 2, polls: 3 });
    expect(waits).toEqual([30_000, 30_000, 30_000]);
  });

  it('logs an outage once when it starts and once when it ends, backing off in between', async () => {
    const { waits, lines, batches } = await drive([unreachable(), unreachable(), unreachable(), unreachable(), [photo('a')], unreachable(), []]);
    expect(waits).toEqual([1000, 2000, 4000, 8000, 30_000, 1000, 30_000]);
    expect(lines.filter((line) => line.startsWith('warn'))).toEqual([
      expect.stringMatching(/^warn Immich at http:\/\/immich is unreachable \(.*ECONNREFUSED.*\); retrying with backoff until it is back$/),
      expect.stringMatching(/^warn Immich at http:\/\/immich is unreachable/),
    ]);
    expect(lines.filter((line) => line.startsWith('info'))).toEqual(['info Immich at http://immich is back after 15 s', 'info Immich at http://immich is back after 1 s']);
    expect(batches).toEqual([['a']]);
  });

  it('stops with the error when the server answers but refuses (a revoked key is no outage)', async () => {
    await expect(drive([[photo('a')], refusedKey()])).rejects.toThrow(/401/);
    expect(isOutage(refusedKey())).toBe(false);
    expect(isOutage(new ImmichHttpError({ kind: 'http', status: 502, method: 'GET', endpoint: '/x', baseUrl: 'b', attempts: 3 }))).toBe(true);
  });

  it('tries photos a batch could not finish again, up to maxAttempts batches, then leaves them to organize', async () => {
    const { batches, lines } = await drive([[photo('a'), photo('b')], [], [photo('c')], []], (photos) => ({ retry: photos.filter((p) => p.id === 'a') }), { maxAttempts: 3 });
    expect(batches).toEqual([['a', 'b'], ['a'], ['c', 'a']]);
    expect(lines).toContain('warn a.jpg could not be handled in 3 batches; the next organize run will try it again');
  });

  it('keeps the photos of a batch the outage broke for the next batch', async () => {
    const { batches, lines } = await drive([[photo('a')], [photo('b')]], (_photos, index) => (index === 0 ? unreachable() : { retry: [] }));
    expect(batches).toEqual([['a'], ['b', 'a']]);
    expect(lines.filter((line) => line.includes('unreachable'))).toHaveLength(1);
  });

  it('ends normally when a batch is cancelled (SIGTERM in the middle of a batch)', async () => {
    const { summary, batches } = await drive([[photo('a')], [photo('b')]], () => new CancelledError());
    expect(batches).toEqual([['a']]);
    expect(summary.batches).toBe(1);
  });
});
