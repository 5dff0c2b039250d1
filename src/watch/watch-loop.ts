/**
 * The `watch` loop: poll → batch → wait, until the signal stops it. It knows nothing of Immich or
 * the store: polling and the batch are given, and so are the wait (a test drives it without
 * waiting 30 s) and the outage log. A stop (SIGINT/SIGTERM) ends the wait at once; a batch in
 * progress ends at its next stage boundary, the store consistent, and the loop returns normally.
 *
 * Photos a batch could not finish (their thumbnail failed, the server went away, their group waits
 * for a member to leave the store) are tried again in the next batch, up to `maxAttempts` times;
 * after that the next `organize` picks them up. Nothing else is kept from batch to batch.
 */

import { CancelledError } from '../core/errors.js';
import type { Photo } from '../core/photo.js';
import type { Logger } from '../core/progress.js';
import { isOutage, type OutageLog } from './outage.js';

export interface BatchOutcome {
  /** Photos of the batch to try again. */
  retry: readonly Photo[];
}

export interface WatchLoopOptions {
  intervalMs: number;
  signal: AbortSignal;
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The photos new or changed since the last poll; throws when the server cannot be asked. */
  poll: (signal: AbortSignal) => Promise<Photo[]>;
  runBatch: (photos: Photo[], signal: AbortSignal) => Promise<BatchOutcome>;
  outage: OutageLog;
  logger: Logger;
  /** After each batch that ran, with its number (from 1). */
  onBatch?: (count: number) => void | Promise<void>;
  maxAttempts?: number;
}

export interface WatchSummary {
  batches: number;
  polls: number;
}

export async function runWatchLoop(options: WatchLoopOptions): Promise<WatchSummary> {
  const { signal, logger, outage } = options;
  const maxAttempts = options.maxAttempts ?? 3;
  const retries = new Map<string, { photo: Photo; attempts: number }>();
  const summary: WatchSummary = { batches: 0, polls: 0 };

  while (!signal.aborted) {
    let changed: Photo[];
    try {
      changed = await options.poll(signal);
      summary.polls++;
      outage.succeeded();
    } catch (error) {
      if (stopped(error, signal)) break;
      if (!isOutage(error)) throw error;
      await options.sleep(outage.failed(error), signal);
      continue;
    }

    const batch = withRetries(changed, retries);
    if (batch.length > 0) {
      try {
        const outcome = await options.runBatch(batch, signal);
        outage.succeeded();
        settle(outcome.retry, retries, maxAttempts, logger);
      } catch (error) {
        if (stopped(error, signal)) break;
        if (!isOutage(error)) throw error;
        settle(batch, retries, maxAttempts, logger);
        await options.sleep(outage.failed(error), signal);
        continue;
      } finally {
        summary.batches++;
      }
      await options.onBatch?.(summary.batches);
    }
    await options.sleep(options.intervalMs, signal);
  }
  return summary;
}

function stopped(error: unknown, signal: AbortSignal): boolean {
  return error instanceof CancelledError || signal.aborted;
}

/** The poll's photos plus those waiting for another try (the poll's fresher copy wins). */
function withRetries(changed: readonly Photo[], retries: ReadonlyMap<string, { photo: Photo }>): Photo[] {
  const batch = new Map(changed.map((photo) => [photo.id, photo]));
  for (const [id, { photo }] of retries) if (!batch.has(id)) batch.set(id, photo);
  return [...batch.values()];
}

/** After a batch: every waiting photo was in it; those to try again wait once more, up to `maxAttempts` batches. */
function settle(toRetry: readonly Photo[], retries: Map<string, { photo: Photo; attempts: number }>, maxAttempts: number, logger: Logger): void {
  const before = new Map(retries);
  retries.clear();
  for (const photo of toRetry) {
    const attempts = (before.get(photo.id)?.attempts ?? 0) + 1;
    if (attempts >= maxAttempts) {
      logger.warn(`${photo.path} could not be handled in ${attempts} batches; the next organize run will try it again`);
      continue;
    }
    retries.set(photo.id, { photo, attempts });
  }
}
