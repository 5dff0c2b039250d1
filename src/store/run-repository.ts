/** Runs and their journal: the only module that reads or writes the `runs` and `journal` tables. */

import { randomUUID } from 'node:crypto';
import type { StoreDatabase } from './open-store.js';

/** Sortable and readable: `20261122-081500-ab12cd`. */
export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomUUID().slice(0, 6)}`;
}

export type RunStatus = 'running' | 'done' | 'partial' | 'failed' | 'cancelled';

export interface RunRecord {
  id: string;
  command: string;
  source: string;
  /** Immich runs: the server's web address (no key), as the run reached it. Absent for runs before it was recorded. */
  serverUrl: string | undefined;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string | undefined;
  status: RunStatus;
  summary: string | undefined;
}

export interface JournalEntry {
  runId: string;
  seq: number;
  /** What was done, e.g. `tag.create`, `tag.assets`, `album.create`, `favorite`, `stack.create`, `copy`. */
  action: string;
  /** The object changed: a tag or album id, an output file. */
  target: string;
  /** JSON: the assets concerned and their state before, whatever undo needs. */
  subject: string;
  detail: string | undefined;
  appliedAt: string;
  undoneAt: string | undefined;
  /**
   * Recorded before its request and never settled: the process died while the server had the
   * request, so the change may or may not have happened. Undo reverses it whole.
   */
  pending: boolean;
}

type NewEntry = Omit<JournalEntry, 'seq' | 'appliedAt' | 'undoneAt' | 'pending'>;

interface RunRow {
  id: string;
  command: string;
  source: string;
  server_url: string | null;
  dry_run: number;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  summary: string | null;
}

interface JournalRow {
  run_id: string;
  seq: number;
  action: string;
  target: string;
  subject: string;
  detail: string | null;
  applied_at: string;
  undone_at: string | null;
  pending: number;
}

export class RunRepository {
  constructor(private readonly db: StoreDatabase) {}

  start(run: { id: string; command: string; source: string; dryRun: boolean; serverUrl?: string | undefined }): void {
    this.db
      .prepare('INSERT INTO runs (id, command, source, server_url, dry_run, started_at, status) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(run.id, run.command, run.source, run.serverUrl ?? null, run.dryRun ? 1 : 0, new Date().toISOString(), 'running');
  }

  finish(id: string, status: RunStatus, summary: string): void {
    this.db.prepare('UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?').run(new Date().toISOString(), status, summary, id);
  }

  get(id: string): RunRecord | undefined {
    const row = this.db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?').get(id);
    return row && toRun(row);
  }

  list(limit = 50): RunRecord[] {
    return this.db.prepare<[number], RunRow>('SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit).map(toRun);
  }

  /** Records one change right after the server or disk confirmed it, in its own transaction. */
  record(entry: NewEntry): JournalEntry {
    return this.insert(entry, false);
  }

  /** Records a change before its request is sent; `settle` it with what the server confirmed. */
  intend(entry: NewEntry): JournalEntry {
    return this.insert(entry, true);
  }

  /**
   * Names the object a pending intent made, once the server's answer says it (a new album's or
   * stack's id); it stays pending until settled. An intent whose answer never came keeps an empty
   * target, and undo finds the object by what the entry says instead.
   */
  identify(intent: JournalEntry, target: string): JournalEntry {
    this.db.prepare('UPDATE journal SET target = ? WHERE run_id = ? AND seq = ?').run(target, intent.runId, intent.seq);
    return { ...intent, target };
  }

  /** Settles an intent with the subject the server confirmed, or drops it when nothing changed. */
  settle(intent: JournalEntry, subject: string | undefined): void {
    if (subject === undefined) {
      this.db.prepare('DELETE FROM journal WHERE run_id = ? AND seq = ?').run(intent.runId, intent.seq);
      return;
    }
    this.db.prepare('UPDATE journal SET subject = ?, pending = 0, applied_at = ? WHERE run_id = ? AND seq = ?').run(subject, new Date().toISOString(), intent.runId, intent.seq);
  }

  private insert(entry: NewEntry, pending: boolean): JournalEntry {
    return this.db.transaction(() => {
      const next = this.db.prepare<[string], { seq: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM journal WHERE run_id = ?').get(entry.runId);
      const full: JournalEntry = { ...entry, seq: next?.seq ?? 1, appliedAt: new Date().toISOString(), undoneAt: undefined, pending };
      this.db
        .prepare('INSERT INTO journal (run_id, seq, action, target, subject, detail, applied_at, pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(full.runId, full.seq, full.action, full.target, full.subject, full.detail ?? null, full.appliedAt, pending ? 1 : 0);
      return full;
    })();
  }

  journal(runId: string): JournalEntry[] {
    return this.db.prepare<[string], JournalRow>('SELECT * FROM journal WHERE run_id = ? ORDER BY seq').all(runId).map(toEntry);
  }

  /**
   * The duplicateId our `--immich-review` writes gave each asset (not undone; the latest wins): what
   * Immich's duplicate groups hold that its own detection did not find.
   */
  reviewedDuplicateIds(): Map<string, string> {
    const rows = this.db.prepare<[], { subject: string }>("SELECT subject FROM journal WHERE action = 'review' AND undone_at IS NULL ORDER BY applied_at, run_id, seq").all();
    const given = new Map<string, string>();
    for (const row of rows) {
      let changes: unknown;
      try {
        changes = JSON.parse(row.subject);
      } catch {
        continue;
      }
      if (!Array.isArray(changes)) continue;
      for (const change of changes as { id?: unknown; after?: unknown }[]) {
        if (typeof change.id === 'string' && typeof change.after === 'string') given.set(change.id, change.after);
      }
    }
    return given;
  }

  markUndone(runId: string, seq: number): void {
    this.db.prepare('UPDATE journal SET undone_at = ? WHERE run_id = ? AND seq = ?').run(new Date().toISOString(), runId, seq);
  }
}

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    command: row.command,
    source: row.source,
    serverUrl: row.server_url ?? undefined,
    dryRun: row.dry_run === 1,
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    status: row.status,
    summary: row.summary ?? undefined,
  };
}

function toEntry(row: JournalRow): JournalEntry {
  return {
    runId: row.run_id,
    seq: row.seq,
    action: row.action,
    target: row.target,
    subject: row.subject,
    detail: row.detail ?? undefined,
    appliedAt: row.applied_at,
    undoneAt: row.undone_at ?? undefined,
    pending: row.pending === 1,
  };
}
