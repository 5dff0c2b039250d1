/**
 * One journaled write of the resolve actions, with its expected state explicit: every change names
 * the asset, the value before (what undo puts back) and the value after (what the server should hold
 * once the write is done). The intent is journaled before the request. Then `holding` reads the
 * server back and only the assets that hold `after` are journaled as done (read-back.ts says why a 2xx
 * is no proof): the rest are "not kept" after a 2xx answer, failed after an error. With `--no-verify`
 * a 2xx answer is trusted and only a failed request is read back. If the read-back itself fails the
 * intent stays pending and undo reverses it whole, which is exact because `before` is known for every
 * asset it names.
 */

import { CancelledError } from '../../core/errors.js';
import type { ReportAction } from '../../core/report.js';
import type { ApplyContext } from '../action-target.js';
import { notKeptAction } from './read-back.js';
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
  /** The ids of these changes whose asset holds `after` now: the read-back. */
  holding: (changes: readonly AssetChange<V>[]) => Promise<Set<string>>;
  /** A server that answered 2xx and kept nothing, in one line: "the server answered 2xx to PUT /assets {visibility} but the photos are not archived". */
  behaviour: string;
}

export interface WriteOutcome<V> {
  done: AssetChange<V>[];
  /** Answered 2xx, not shown by the read-back: not journaled as done. */
  notKept: number;
  behaviour?: string;
  failed: number;
  error?: string;
}

export async function applyStateWrite<V>(context: ApplyContext, write: StateWrite<V>): Promise<WriteOutcome<V>> {
  if (write.changes.length === 0) return { done: [], notKept: 0, failed: 0 };
  const intent = beginJournal(context, { action: write.action, target: write.target, detail: write.detail, subject: JSON.stringify(write.changes) });
  let sendError: string | undefined;
  try {
    await write.send(UNCANCELLABLE);
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    sendError = errorMessage(error);
    context.logger.warn(`${write.action} of ${write.changes.length} assets failed: ${sendError}`);
  }
  if (sendError === undefined && !context.verify) {
    context.journal.settle(intent, JSON.stringify(write.changes));
    return { done: write.changes, notKept: 0, failed: 0 };
  }
  let held: Set<string>;
  try {
    held = await write.holding(write.changes);
  } catch (error) {
    // Unknown whether the server did it: the intent stays pending; undo reverses it whole.
    const reason = sendError ?? `reading the change back failed: ${errorMessage(error)}`;
    if (sendError === undefined) context.logger.warn(`${write.action} of ${write.changes.length} assets: ${reason}`);
    return { done: [], notKept: 0, failed: write.changes.length, error: reason };
  }
  const done = write.changes.filter((change) => held.has(change.id));
  context.journal.settle(intent, done.length > 0 ? JSON.stringify(done) : undefined);
  const lost = write.changes.length - done.length;
  if (sendError !== undefined) return { done, notKept: 0, failed: lost, error: sendError };
  return { done, notKept: lost, ...(lost > 0 ? { behaviour: write.behaviour } : {}), failed: 0 };
}

/** Counts of a resolve action over its writes, for the report. */
export class WriteTally {
  done = 0;
  notKept = 0;
  behaviour: string | undefined;
  failed = 0;
  error: string | undefined;

  add(outcome: WriteOutcome<unknown>): void {
    this.done += outcome.done.length;
    this.notKept += outcome.notKept;
    this.behaviour ??= outcome.behaviour;
    this.failed += outcome.failed;
    this.error ??= outcome.error;
  }

  /** The report's "not kept" action, if the server dropped any change (read-back.ts). */
  notKeptActions(type: ReportAction['type'], target: string): ReportAction[] {
    return notKeptAction(type, target, this.notKept, this.behaviour ?? 'the server answered 2xx but does not show the change');
  }
}
