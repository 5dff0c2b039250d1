/**
 * The store's schema, as ordered migrations. Each runs in its own transaction and sets
 * `PRAGMA user_version`; a database newer than the last migration here is refused.
 */

export const MIGRATIONS: readonly string[] = [
  // 1: hashes, runs, journal, lasting "not a duplicate" decisions.
  `
  CREATE TABLE store_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE photos (
    source              TEXT    NOT NULL,
    id                  TEXT    NOT NULL,
    change_key          TEXT    NOT NULL,
    fingerprint_version INTEGER NOT NULL,
    fingerprint         BLOB    NOT NULL,
    checksum            TEXT,
    path                TEXT    NOT NULL,
    width               INTEGER NOT NULL,
    height              INTEGER NOT NULL,
    bytes               INTEGER NOT NULL,
    format              TEXT    NOT NULL,
    taken_at            TEXT,
    camera              TEXT,
    orientation         INTEGER,
    last_seen_run       TEXT,
    PRIMARY KEY (source, id)
  ) WITHOUT ROWID;
  CREATE INDEX photos_checksum ON photos (checksum);
  CREATE TABLE runs (
    id          TEXT PRIMARY KEY,
    command     TEXT NOT NULL,
    source      TEXT NOT NULL,
    dry_run     INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL,
    summary     TEXT
  );
  CREATE TABLE journal (
    run_id     TEXT    NOT NULL REFERENCES runs (id),
    seq        INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    detail     TEXT,
    applied_at TEXT    NOT NULL,
    undone_at  TEXT,
    PRIMARY KEY (run_id, seq)
  );
  CREATE TABLE ignored_pairs (
    source     TEXT NOT NULL,
    id_a       TEXT NOT NULL,
    id_b       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (source, id_a, id_b)
  ) WITHOUT ROWID;
  `,
  // 2: each run's groups, so `ignore group-0003` can name a group of the last run.
  `
  CREATE TABLE run_groups (
    run_id   TEXT NOT NULL REFERENCES runs (id),
    group_id TEXT NOT NULL,
    source   TEXT NOT NULL,
    photo_id TEXT NOT NULL,
    PRIMARY KEY (run_id, group_id, photo_id)
  ) WITHOUT ROWID;
  `,
  // 3: write-ahead journal entries: recorded before a request, settled with what the server confirmed.
  `
  ALTER TABLE journal ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
  `,
  // 4: photos as a rowid table. WITHOUT ROWID keeps each ~1.2 KB row inside the primary-key B-tree,
  // three rows to a page: a random lookup (one per photo on a warm run) cost 74 µs in a
  // million-photo store, against 19 µs with the rows beside a (source, id) index.
  `
  CREATE TABLE photos_v4 (
    source              TEXT    NOT NULL,
    id                  TEXT    NOT NULL,
    change_key          TEXT    NOT NULL,
    fingerprint_version INTEGER NOT NULL,
    fingerprint         BLOB    NOT NULL,
    checksum            TEXT,
    path                TEXT    NOT NULL,
    width               INTEGER NOT NULL,
    height              INTEGER NOT NULL,
    bytes               INTEGER NOT NULL,
    format              TEXT    NOT NULL,
    taken_at            TEXT,
    camera              TEXT,
    orientation         INTEGER,
    last_seen_run       TEXT,
    PRIMARY KEY (source, id)
  );
  INSERT INTO photos_v4 SELECT source, id, change_key, fingerprint_version, fingerprint, checksum, path, width, height,
                               bytes, format, taken_at, camera, orientation, last_seen_run FROM photos ORDER BY source, id;
  DROP TABLE photos;
  ALTER TABLE photos_v4 RENAME TO photos;
  CREATE INDEX photos_checksum ON photos (checksum);
  `,
  // 5: the server an Immich run read and changed (its web address, never a key), so undo and runs know it.
  `
  ALTER TABLE runs ADD COLUMN server_url TEXT;
  `,
  // 6: what the best-photo rules compare between copies: the EXIF Software tag, the estimated JPEG
  // quality and the photo's look (colour, clipping, detail; thumbnails/photo-look.ts). Rows written
  // before have none and are recomputed anyway (their fingerprint version is older).
  `
  ALTER TABLE photos ADD COLUMN software TEXT;
  ALTER TABLE photos ADD COLUMN jpeg_quality INTEGER;
  ALTER TABLE photos ADD COLUMN look BLOB;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
