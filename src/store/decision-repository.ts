/**
 * Lasting decisions: each run's groups (so a person can name "group-0003 of the last run") and
 * "not a duplicate" pairs, which later runs never group together again. The only module that
 * touches `run_groups` and `ignored_pairs`.
 */

import type { SourceKind } from '../core/photo.js';
import type { StoreDatabase } from './open-store.js';

export interface RunGroupMembers {
  runId: string;
  groupId: string;
  source: SourceKind;
  photoIds: string[];
}

export class DecisionRepository {
  constructor(private readonly db: StoreDatabase) {}

  saveRunGroups(runId: string, source: SourceKind, groups: readonly { id: string; photoIds: readonly string[] }[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO run_groups (run_id, group_id, source, photo_id) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const group of groups) for (const photoId of group.photoIds) insert.run(runId, group.id, source, photoId);
    })();
  }

  /** The members of a group of `runId`, or of the latest run that has such a group. */
  groupMembers(groupId: string, runId?: string): RunGroupMembers | undefined {
    const run =
      runId ??
      this.db
        .prepare<[string], { run_id: string }>(
          'SELECT g.run_id FROM run_groups g JOIN runs r ON r.id = g.run_id WHERE g.group_id = ? ORDER BY r.started_at DESC, r.id DESC LIMIT 1',
        )
        .get(groupId)?.run_id;
    if (!run) return undefined;
    const rows = this.db
      .prepare<[string, string], { source: SourceKind; photo_id: string }>('SELECT source, photo_id FROM run_groups WHERE run_id = ? AND group_id = ? ORDER BY photo_id')
      .all(run, groupId);
    const first = rows[0];
    if (!first) return undefined;
    return { runId: run, groupId, source: first.source, photoIds: rows.map((row) => row.photo_id) };
  }

  /** Records every pair among `photoIds` as "not a duplicate"; returns how many pairs were new. */
  ignoreTogether(source: SourceKind, photoIds: readonly string[]): number {
    const insert = this.db.prepare('INSERT OR IGNORE INTO ignored_pairs (source, id_a, id_b, created_at) VALUES (?, ?, ?, ?)');
    const now = new Date().toISOString();
    let added = 0;
    this.db.transaction(() => {
      const ids = [...new Set(photoIds)].sort();
      for (let i = 0; i < ids.length; i++) {
        for (let j = i + 1; j < ids.length; j++) added += insert.run(source, ids[i], ids[j], now).changes;
      }
    })();
    return added;
  }

  /** A membership test over every ignored pair of a source, loaded once per run. */
  ignoredPairs(source: SourceKind): (a: string, b: string) => boolean {
    const pairs = new Set<string>();
    const rows = this.db.prepare<[string], { id_a: string; id_b: string }>('SELECT id_a, id_b FROM ignored_pairs WHERE source = ?').iterate(source);
    for (const row of rows) pairs.add(`${row.id_a}\u0000${row.id_b}`);
    return (a, b) => pairs.size > 0 && pairs.has(a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  }
}
