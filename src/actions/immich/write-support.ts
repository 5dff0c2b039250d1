/** Small shared pieces of the Immich action targets: batch size, call options, bounded reads, short dry-run lists. */

import pLimit from 'p-limit';
import { throwIfCancelled } from '../../core/errors.js';
import type { ApplyContext } from '../action-target.js';

/** Ids per writing request: a few thousand is what Immich handles comfortably (API-NOTES §12). */
export const WRITE_CHUNK = 1000;
/** State reads in flight at once while checking what is already done. */
export const READ_CONCURRENCY = 4;
/** Dry-run lines listed one by one before "... and N more". */
const DESCRIBE_LIMIT = 20;

export function withSignal(context: Pick<ApplyContext, 'signal'>): { signal?: AbortSignal } {
  return context.signal ? { signal: context.signal } : {};
}

/**
 * Call options for a writing request, once Ctrl-C has been checked. The write itself gets no abort
 * signal: a request the server has received is carried out whether we wait for its answer or not,
 * so a cancelled run lets the writes in flight finish and journals them, then stops before the next
 * one. The HTTP timeout still bounds each write, and a second Ctrl-C still exits at once.
 */
export function writeCall(context: Pick<ApplyContext, 'signal'>): Record<string, never> {
  throwIfCancelled(context.signal);
  return {};
}

/** Call options for a read that settles what a write did (its answer was lost): not cancelled either, for the same reason. */
export const SETTLE_CALL: Readonly<Record<string, never>> = Object.freeze({});

/** `fn` over every item with at most READ_CONCURRENCY in flight; results in input order. */
export async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const limit = pLimit(READ_CONCURRENCY);
  return Promise.all(
    items.map((item) =>
      limit(() => {
        throwIfCancelled(signal);
        return fn(item);
      }),
    ),
  );
}

/** At most DESCRIBE_LIMIT lines, then one line saying how many more there are. */
export function limitLines(lines: readonly string[], what: string): string[] {
  if (lines.length <= DESCRIBE_LIMIT) return [...lines];
  return [...lines.slice(0, DESCRIBE_LIMIT), `... and ${lines.length - DESCRIBE_LIMIT} more ${what}`];
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
