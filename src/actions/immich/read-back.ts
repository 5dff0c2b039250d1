/**
 * Read-back: a write counts as done only once the server shows it. Some Immich-compatible servers
 * answer 2xx and keep nothing (COMPATIBLE-SERVERS.md: stub tag routes, an ignored `isFavorite`), so a
 * 2xx answer alone is not proof.
 *
 * Each write kind has a `ReadBack`: given the ids a batch of writes should have changed, it reads the
 * server's state in as few requests as it can (one tag-filtered search, one album list, one stack
 * list) and answers which of them show the change. The writes of a batch stay pending in the journal
 * (written ahead of each request) until the read-back settles them with the ids seen: a change the
 * server did not keep is never journaled as done, and a run cut off before the read-back leaves
 * pending entries that undo reverses whole.
 *
 * A write kind plugs in with a `ReadBack` (how to see its change for many ids at once) and a batch:
 *
 *   const batch = new WrittenBatch({ seen: (ids) => archivedAmong(server, ids), behaviour: 'the server answered 2xx to PUT /assets {visibility: "archive"} but the photos are not archived' });
 *   for (const chunk of chunked(ids, WRITE_CHUNK)) {
 *     const intent = beginWrite(context, { action: 'archive', target: 'assets', detail: undefined, items: chunk });
 *     try { await write(chunk); batch.add(intent, chunk); } catch (error) { batch.add(intent, chunk, errorMessage(error)); }
 *   }
 *   const { done, notKept, failed } = await batch.settle(context);   // then notKeptAction(...) for the report
 */

import type { ReportAction } from '../../core/report.js';
import type { JournalEntry } from '../../store/run-repository.js';
import type { ApplyContext } from '../action-target.js';
import { errorMessage, settleWrite } from './write-support.js';

export interface ReadBack {
  /** Of `ids`, those that show the change on the server now. */
  seen(ids: readonly string[]): Promise<ReadonlySet<string>>;
  /** What a server that answered 2xx and kept nothing did, in one line: "the server answered 2xx to PUT /tags/{id}/assets but the assets carry no tag". */
  behaviour: string;
}

interface Written {
  intent: JournalEntry;
  /** The ids the server's answer says it changed (the whole request when the answer was lost). */
  claimed: readonly string[];
  /** The request failed (or its answer was lost): ids not seen are failed, not "not kept". */
  error?: string;
}

export interface BatchOutcome {
  done: number;
  /** Answered 2xx, not shown by the read-back. */
  notKept: number;
  failed: number;
  error?: string;
}

/**
 * The writes of one batch, waiting for their read-back. A write whose request failed is always read
 * back (its answer may be lost after the server acted); one answered 2xx only when `context.verify`.
 */
export class WrittenBatch {
  readonly #written: Written[] = [];

  constructor(private readonly readBack: ReadBack) {}

  add(intent: JournalEntry, claimed: readonly string[], error?: string): void {
    this.#written.push({ intent, claimed, ...(error !== undefined ? { error } : {}) });
  }

  get size(): number {
    return this.#written.length;
  }

  /**
   * Reads the batch back once and settles every write with the ids seen. When the read-back itself
   * fails, written entries stay pending (undo reverses them whole) and their ids count as failed.
   */
  async settle(context: ApplyContext): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { done: 0, notKept: 0, failed: 0 };
    const toRead = this.#written.filter((write) => context.verify || write.error !== undefined);
    let seen: ReadonlySet<string> | undefined;
    let readError: string | undefined;
    if (toRead.length > 0) {
      try {
        seen = await this.readBack.seen([...new Set(toRead.flatMap((write) => write.claimed))]);
      } catch (error) {
        readError = `reading the changes back failed: ${errorMessage(error)}`;
        context.logger.warn(readError);
      }
    }
    for (const write of this.#written) {
      const read = toRead.includes(write);
      if (read && seen === undefined) {
        noteFailed(outcome, write.claimed.length, write.error ?? readError ?? 'not read back');
        continue;
      }
      const kept = read && seen ? write.claimed.filter((id) => seen.has(id)) : write.claimed;
      settleWrite(context, write.intent, kept);
      outcome.done += kept.length;
      const lost = write.claimed.length - kept.length;
      if (lost === 0) continue;
      if (write.error !== undefined) noteFailed(outcome, lost, write.error);
      else outcome.notKept += lost;
    }
    this.#written.length = 0;
    return outcome;
  }
}

function noteFailed(outcome: BatchOutcome, count: number, error: string): void {
  outcome.failed += count;
  outcome.error ??= error;
}

/** The report's "not kept" action, if the server dropped any change; its `error` names the server's behaviour. */
export function notKeptAction(type: ReportAction['type'], target: string, count: number, behaviour: string): ReportAction[] {
  return count > 0 ? [{ type, target, count, status: 'not kept', error: behaviour }] : [];
}

/** Adds one batch's outcome to a running total. */
export function addOutcome(total: BatchOutcome, outcome: BatchOutcome): void {
  total.done += outcome.done;
  total.notKept += outcome.notKept;
  if (outcome.failed > 0) noteFailed(total, outcome.failed, outcome.error ?? 'failed');
}
