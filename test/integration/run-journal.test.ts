/** The run journal on a real SQLite file: write-ahead intents, settling, and the upgrade of an older store. */

import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { RunRepository } from '../../src/store/run-repository.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const entry = { runId: 'run-1', action: 'tag.assets', target: 'tag-1', subject: JSON.stringify(['a', 'b', 'c']), detail: 'possible-duplicate' };

function freshJournal(): { journal: RunRepository; file: string } {
  const file = path.join(tempDir(), 'h.db');
  const journal = new RunRepository(openStore(file));
  journal.start({ id: 'run-1', command: 'organize', source: 'immich', dryRun: false });
  return { journal, file };
}

describe('the run journal', () => {
  it('keeps an intent pending until it is settled, with what the server confirmed', () => {
    const { journal } = freshJournal();
    const intent = journal.intend(entry);
    expect(journal.journal('run-1')).toMatchObject([{ seq: 1, pending: true, subject: entry.subject }]);
    journal.settle(intent, JSON.stringify(['a', 'c']));
    expect(journal.journal('run-1')).toMatchObject([{ seq: 1, pending: false, subject: '["a","c"]' }]);
  });

  it('drops an intent settled with nothing, and numbers later entries after it', () => {
    const { journal } = freshJournal();
    journal.settle(journal.intend(entry), undefined);
    journal.record({ ...entry, action: 'favorite' });
    expect(journal.journal('run-1').map((row) => [row.seq, row.action, row.pending])).toEqual([[1, 'favorite', false]]);
  });

  it('an intent never settled survives the process: a second connection reads it as pending', () => {
    const { journal, file } = freshJournal();
    journal.intend(entry);
    const reopened = new RunRepository(openStore(file));
    expect(reopened.journal('run-1').map((row) => row.pending)).toEqual([true]);
  });

  it('upgrades a store made before write-ahead entries: its changes read as settled', () => {
    const file = path.join(tempDir(), 'old.db');
    const old = new Database(file);
    MIGRATIONS.slice(0, 2).forEach((sql, index) => {
      old.exec(sql);
      old.pragma(`user_version = ${index + 1}`);
    });
    old.prepare("INSERT INTO runs (id, command, source, dry_run, started_at, status) VALUES ('run-1', 'organize', 'immich', 0, '2026-01-01', 'done')").run();
    old.prepare("INSERT INTO journal (run_id, seq, action, target, subject, applied_at) VALUES ('run-1', 1, 'favorite', 'assets', '[\"a\"]', '2026-01-01')").run();
    old.close();
    const journal = new RunRepository(openStore(file));
    expect(journal.journal('run-1')).toMatchObject([{ seq: 1, action: 'favorite', pending: false }]);
  });

  it('keeps the server a run used; a run recorded before the server was kept reads as having none', () => {
    const file = path.join(tempDir(), 'v4.db');
    const old = new Database(file);
    MIGRATIONS.slice(0, 4).forEach((sql, index) => {
      old.exec(sql);
      old.pragma(`user_version = ${index + 1}`);
    });
    old.prepare("INSERT INTO runs (id, command, source, dry_run, started_at, status) VALUES ('old-run', 'organize', 'immich', 0, '2026-01-01', 'done')").run();
    old.close();
    const journal = new RunRepository(openStore(file));
    journal.start({ id: 'new-run', command: 'organize', source: 'immich', dryRun: false, serverUrl: 'https://photos.example/immich' });
    expect(journal.get('old-run')?.serverUrl).toBeUndefined();
    expect(journal.get('new-run')?.serverUrl).toBe('https://photos.example/immich');
  });

  it('names a pending intent once the server says what it made, and keeps it pending', () => {
    const { journal } = freshJournal();
    const intent = journal.intend({ ...entry, action: 'album.create', target: '' });
    journal.identify(intent, 'album-9');
    expect(journal.journal('run-1')).toMatchObject([{ action: 'album.create', target: 'album-9', pending: true }]);
  });
});
