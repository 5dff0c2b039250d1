/** Opening the SQLite store: pragmas, migrations, and refusing a database newer than this program. */

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from '../core/errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

export type StoreDatabase = Database.Database;

export interface OpenStoreOptions {
  readonly?: boolean;
  /** How long to wait for another process holding the write lock before giving up. */
  busyTimeoutMs?: number;
}

export function openStore(file: string, options: OpenStoreOptions = {}): StoreDatabase {
  if (!options.readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: StoreDatabase;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
  } catch (error) {
    throw new StoreError(`cannot open hash database ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    migrate(db, file, options.readonly ?? false);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: StoreDatabase, file: string, readonly: boolean): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new StoreError(
      `hash database ${file} has schema version ${current}, newer than this photo-organizer understands (${SCHEMA_VERSION}); upgrade photo-organizer`,
    );
  }
  if (current === SCHEMA_VERSION) return;
  if (readonly) throw new StoreError(`hash database ${file} has an old schema (${current}); open it once with a writable run to upgrade it`);
  for (let version = current; version < SCHEMA_VERSION; version++) {
    const sql = MIGRATIONS[version] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
