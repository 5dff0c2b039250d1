/**
 * Upgrading a real SQLite store made by an earlier version: every stored photo survives migration 4
 * (photos as a rowid table) column for column, and is found again by the repository.
 */

import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HashRepository } from '../../src/store/hash-repository.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

describe('store migrations', () => {
  it('moves every photo of a version-3 store into the rowid table, all columns intact', () => {
    const file = path.join(tempDir(), 'v3.db');
    const old = new Database(file);
    MIGRATIONS.slice(0, 3).forEach((sql, index) => {
      old.exec(sql);
      old.pragma(`user_version = ${index + 1}`);
    });
    const insert = old.prepare(`INSERT INTO photos (source, id, change_key, fingerprint_version, fingerprint, checksum, path, width, height,
      bytes, format, taken_at, camera, orientation, last_seen_run) VALUES (?, ?, ?, 3, ?, ?, ?, 4000, 3000, ?, 'jpeg', ?, 'X100', 6, 'run-1')`);
    for (let i = 0; i < 500; i++) {
      insert.run(i % 2 ? 'local' : 'immich', `photo-${i}`, `${i}:1`, Buffer.from([i % 256, 1, 2]), i % 3 ? null : `sum-${i}`, `/p/${i}.jpg`, 1000 + i, `2020-01-0${1 + (i % 9)}`);
    }
    const before = old.prepare('SELECT * FROM photos ORDER BY source, id').all();
    old.close();

    const db = openStore(file);
    const schema = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'photos'").get()?.sql ?? '';
    expect(schema).not.toMatch(/WITHOUT ROWID/i);
    // Migration 6 adds what the best-photo rules read, empty until the photo is hashed again.
    const added = { software: null, jpeg_quality: null, look: null };
    expect(db.prepare('SELECT * FROM photos ORDER BY source, id').all()).toEqual(before.map((row) => ({ ...(row as object), ...added })));
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const store = new HashRepository(db);
    expect(store.find('local', 'photo-7')).toMatchObject({ changeKey: '7:1', path: '/p/7.jpg', meta: { camera: 'X100', orientation: 6 } });
    expect(store.encodedFingerprint('immich', 'photo-8')).toEqual(Buffer.from([8, 1, 2]));
    // The checksum index is back.
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'photos_checksum'").get()).toBeDefined();
    db.close();
  });
});
