/** Small shared pieces of the Immich action targets: batch size, call options, bounded reads, short dry-run lists. */

import pLimit from 'p-limit';
import { throwIfCancelled } from '../../core/errors.js';
import { ImmichHttpError } from '../../sources/immich/index.js';
import type { ApplyContext } from '../action-target.js';
import type { JournalEntry } from '../../store/run-repository.js';

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
 * Call options for writing requests and for the reads that settle what a write did: no abort
 * signal. A request the server has received is carried out whether we wait for its answer or not,
 * so a cancelled run lets the writes in flight finish and journals them, then stops before the next
 * one. The HTTP timeout still bounds each request, and a second Ctrl-C still exits at once.
 */
export const UNCANCELLABLE: Readonly<Record<string, never>> = Object.freeze({});

/** Call options for a write that creates an object (its id is known only from the answer), once Ctrl-C has been checked. */
export function writeCall(context: Pick<ApplyContext, 'signal'>): Readonly<Record<string, never>> {
  throwIfCancelled(context.signal);
  return UNCANCELLABLE;
}

/**
 * Starts a write: checks Ctrl-C, then journals the intent (every asset id or tag name the request
 * names) before the request is sent. A process killed while the server works on it leaves the entry
 * pending, and undo reverses it whole; that is exact because every such request names only assets
 * (or tags) that were not yet in the wanted state when read just before. Settle it with `settleWrite`.
 */
export function beginWrite(context: ApplyContext, entry: { action: string; target: string; detail: string | undefined; items: readonly string[] }): JournalEntry {
  return beginJournal(context, { ...entry, subject: JSON.stringify(entry.items) });
}

/** `beginWrite` with a subject of any shape (the resolve actions journal each asset's state before and after). */
export function beginJournal(context: ApplyContext, entry: { action: string; target: string; detail: string | undefined; subject: string }): JournalEntry {
  throwIfCancelled(context.signal);
  return context.journal.intend({ runId: context.runId, action: entry.action, target: entry.target, subject: entry.subject, detail: entry.detail });
}

/**
 * The ids the server confirmed become the entry; none confirmed, it goes. When a write failed and
 * the server could not be asked what it did, leave the intent unsettled: pending, undo reverses it whole.
 */
export function settleWrite(context: ApplyContext, intent: JournalEntry, confirmed: readonly string[]): void {
  context.journal.settle(intent, confirmed.length > 0 ? JSON.stringify(confirmed) : undefined);
}

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

/**
 * The server answered, and refused (4xx): nothing was made. Anything else (no answer, a 5xx from a
 * proxy) may have come after the server acted.
 */
export function refusedOutright(error: unknown): boolean {
  return error instanceof ImmichHttpError && error.kind === 'http' && error.status !== undefined && error.status >= 400 && error.status < 500;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
