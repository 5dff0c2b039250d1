/**
 * One journaled write of the resolve actions, with its expected state explicit: every change names
 * the asset, the value before (what undo puts back) and the value after (what the server should hold
 * once the write is done, so a read-back step can compare per batch). The intent is journaled before
 * the request; the server's answer settles it. When the answer is lost, `holding` asks the server
 * which assets hold `after` now; if even that fails the intent stays pending and undo reverses it
 * whole, which is exact because `before` is known for every asset it names.
 */

import { CancelledError } from '../../core/errors.js';
import type { ApplyContext } from '../action-target.js';
import { beginJournal, errorMessage, UNCANCELLABLE } from './write-support.js';

export interface AssetChange<V> {
  id: string;
  before: V;
  after: V;
}

export interface StateWrite<V> {
  /** Journal action, e.g. `review`, `metadata`, `archive`, `trash`, `inherit.favorite`. */
  action: string;
  /** The object changed besides the assets: a duplicateId, an album id, `assets`. */
  target: string;
  detail?: string;
  changes: AssetChange<V>[];
  /** Sends the request (no abort signal: a request sent is let finish, see UNCANCELLABLE). */
  send: (call: typeof UNCANCELLABLE) => Promise<unknown>;
  /** The ids of these changes whose asset holds `after` now; asked only when `send` failed. */
  holding: (changes: readonly AssetChange<V>[]) => Promise<Set<string>>;
}

export interface WriteOutcome<V> {
  done: AssetChange<V>[];
  failed: number;
  error?: string;
}

export async function applyStateWrite<V>(context: ApplyContext, write: StateWrite<V>): Promise<WriteOutcome<V>> {
  if (write.changes.length === 0) return { done: [], failed: 0 };
  const intent = beginJournal(context, { action: write.action, target: write.target, detail: write.detail, subject: JSON.stringify(write.changes) });
  try {
    await write.send(UNCANCELLABLE);
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    context.logger.warn(`${write.action} of ${write.changes.length} assets failed: ${errorMessage(error)}`);
    let held: Set<string>;
    try {
      held = await write.holding(write.changes);
    } catch {
      // Unknown whether the server did it: the intent stays pending; undo reverses it whole.
      return { done: [], failed: write.changes.length, error: errorMessage(error) };
    }
    const done = write.changes.filter((change) => held.has(change.id));
    context.journal.settle(intent, done.length > 0 ? JSON.stringify(done) : undefined);
    return { done, failed: write.changes.length - done.length, error: errorMessage(error) };
  }
  context.journal.settle(intent, JSON.stringify(write.changes));
  return { done: write.changes, failed: 0 };
}

/** Counts of a resolve action over its writes, for the report. */
export class WriteTally {
  done = 0;
  failed = 0;
  error: string | undefined;

  add(outcome: WriteOutcome<unknown>): void {
    this.done += outcome.done.length;
    this.failed += outcome.failed;
    this.error ??= outcome.error;
  }
}
