/** Stored fingerprints: the only module that reads or writes the `photos` and `store_info` tables. */

import type { ImageFormat, PhotoMeta, SourceKind } from '../core/photo.js';
import { StoreError } from '../core/errors.js';
import type { StoreDatabase } from './open-store.js';

export interface StoredPhoto {
  source: SourceKind;
  id: string;
  changeKey: string;
  fingerprintVersion: number;
  fingerprint: Buffer;
  checksum: string | undefined;
  path: string;
  meta: PhotoMeta;
  /** The encoded look (thumbnails/photo-look.ts), absent in rows written before it was stored. */
  look?: Buffer | undefined;
}

/** A content checksum found after the photo was stored, for the row that still has `changeKey`. */
export interface StoredChecksum {
  source: SourceKind;
  id: string;
  changeKey: string;
  checksum: string;
}

interface PhotoRow {
  source: SourceKind;
  id: string;
  change_key: string;
  fingerprint_version: number;
  fingerprint: Buffer;
  checksum: string | null;
  path: string;
  width: number;
  height: number;
  bytes: number;
  format: string;
  taken_at: string | null;
  camera: string | null;
  orientation: number | null;
  software: string | null;
  jpeg_quality: number | null;
  look: Buffer | null;
}

/** What identifies the hashing a store was made with; stores with other settings cannot be mixed. */
export interface StoreHashIdentity {
  hash: string;
  bits: number;
  fingerprintVersion: number;
}

/** What the best-photo rules read of a stored photo: its fingerprint (with the thumbnail) and its look, encoded. */
export interface EncodedDetails {
  fingerprint: Buffer;
  look: Buffer | null;
}

export class HashRepository {
  private readonly selectOne;
  private readonly selectFingerprint;
  private readonly selectDetails;
  private readonly upsert;
  private readonly touch;
  private readonly setChecksum;

  constructor(private readonly db: StoreDatabase) {
    this.selectOne = db.prepare<[string, string], PhotoRow>('SELECT * FROM photos WHERE source = ? AND id = ?');
    this.selectFingerprint = db.prepare<[string, string], { fingerprint: Buffer }>('SELECT fingerprint FROM photos WHERE source = ? AND id = ?');
    this.selectDetails = db.prepare<[string, string], EncodedDetails>('SELECT fingerprint, look FROM photos WHERE source = ? AND id = ?');
    this.upsert = db.prepare(`
      INSERT INTO photos (source, id, change_key, fingerprint_version, fingerprint, checksum, path,
                          width, height, bytes, format, taken_at, camera, orientation, software, jpeg_quality, look, last_seen_run)
      VALUES (@source, @id, @change_key, @fingerprint_version, @fingerprint, @checksum, @path,
              @width, @height, @bytes, @format, @taken_at, @camera, @orientation, @software, @jpeg_quality, @look, @last_seen_run)
      ON CONFLICT (source, id) DO UPDATE SET
        change_key = excluded.change_key, fingerprint_version = excluded.fingerprint_version,
        fingerprint = excluded.fingerprint, checksum = excluded.checksum, path = excluded.path,
        width = excluded.width, height = excluded.height, bytes = excluded.bytes, format = excluded.format,
        taken_at = excluded.taken_at, camera = excluded.camera, orientation = excluded.orientation,
        software = excluded.software, jpeg_quality = excluded.jpeg_quality, look = excluded.look,
        last_seen_run = excluded.last_seen_run`);
    this.touch = db.prepare('UPDATE photos SET last_seen_run = ? WHERE source = ? AND id = ?');
    this.setChecksum = db.prepare('UPDATE photos SET checksum = @checksum WHERE source = @source AND id = @id AND change_key = @changeKey');
  }

  /** Checks that this store was made with the same hashing, recording it in a new store. */
  claimIdentity(identity: StoreHashIdentity, file: string): void {
    const stored = this.identity();
    if (!stored) {
      const insert = this.db.prepare('INSERT OR REPLACE INTO store_info (key, value) VALUES (?, ?)');
      this.db.transaction(() => {
        insert.run('hash', identity.hash);
        insert.run('bits', String(identity.bits));
        insert.run('fingerprint_version', String(identity.fingerprintVersion));
      })();
      return;
    }
    if (stored.hash !== identity.hash || stored.bits !== identity.bits) {
      throw new StoreError(
        `hash database ${file} was made with ${stored.hash}/${stored.bits} bits, this run uses ${identity.hash}/${identity.bits}; use another --save-hashes file`,
      );
    }
    if (stored.fingerprintVersion !== identity.fingerprintVersion) {
      // Same hash family, newer fingerprint: old rows are simply recomputed as they are met.
      this.db.prepare("UPDATE store_info SET value = ? WHERE key = 'fingerprint_version'").run(String(identity.fingerprintVersion));
    }
  }

  identity(): StoreHashIdentity | undefined {
    const rows = this.db.prepare<[], { key: string; value: string }>('SELECT key, value FROM store_info').all();
    const info = new Map(rows.map((row) => [row.key, row.value]));
    const hash = info.get('hash');
    if (hash === undefined) return undefined;
    return { hash, bits: Number(info.get('bits')), fingerprintVersion: Number(info.get('fingerprint_version')) };
  }

  find(source: SourceKind, id: string): StoredPhoto | undefined {
    const row = this.selectOne.get(source, id);
    return row && fromRow(row);
  }

  /** The stored fingerprint's encoding alone (grouping reads thumbnails back this way). */
  encodedFingerprint(source: SourceKind, id: string): Buffer | undefined {
    return this.selectFingerprint.get(source, id)?.fingerprint;
  }

  /** The stored fingerprint's and look's encodings, in one read (the best-photo rules read both back for photos in groups). */
  encodedDetails(source: SourceKind, id: string): EncodedDetails | undefined {
    return this.selectDetails.get(source, id);
  }

  /** Every stored photo of a source, streamed. */
  *iterate(source?: SourceKind): Generator<StoredPhoto> {
    const rows = source
      ? this.db.prepare<[string], PhotoRow>('SELECT * FROM photos WHERE source = ? ORDER BY id').iterate(source)
      : this.db.prepare<[], PhotoRow>('SELECT * FROM photos ORDER BY source, id').iterate();
    for (const row of rows) yield fromRow(row);
  }

  /** Saves a batch in one transaction: after a crash either the whole batch is there or none of it. */
  saveBatch(photos: readonly StoredPhoto[], runId: string): void {
    this.db.transaction(() => {
      for (const photo of photos) this.upsert.run(toRow(photo, runId));
    })();
  }

  markSeen(source: SourceKind, ids: readonly string[], runId: string): void {
    this.db.transaction(() => {
      for (const id of ids) this.touch.run(runId, source, id);
    })();
  }

  saveChecksums(checksums: readonly StoredChecksum[]): void {
    if (checksums.length === 0) return;
    this.db.transaction(() => {
      for (const checksum of checksums) this.setChecksum.run(checksum);
    })();
  }

  /** Drops these photos of a source (`watch` learns of deleted or trashed assets one by one). */
  forget(source: SourceKind, ids: readonly string[]): number {
    const remove = this.db.prepare('DELETE FROM photos WHERE source = ? AND id = ?');
    let removed = 0;
    this.db.transaction(() => {
      for (const id of ids) removed += remove.run(source, id).changes;
    })();
    return removed;
  }

  /** Drops photos of a source that a complete listing in `runId` did not see (deleted or trashed). */
  forgetUnseen(source: SourceKind, runId: string): number {
    return this.db.prepare('DELETE FROM photos WHERE source = ? AND (last_seen_run IS NULL OR last_seen_run != ?)').run(source, runId).changes;
  }
}

function fromRow(row: PhotoRow): StoredPhoto {
  const meta: PhotoMeta = { width: row.width, height: row.height, bytes: row.bytes, format: row.format as ImageFormat };
  if (row.taken_at !== null) meta.takenAt = row.taken_at;
  if (row.camera !== null) meta.camera = row.camera;
  if (row.orientation !== null) meta.orientation = row.orientation;
  if (row.software !== null) meta.software = row.software;
  if (row.jpeg_quality !== null) meta.jpegQuality = row.jpeg_quality;
  return {
    source: row.source,
    id: row.id,
    changeKey: row.change_key,
    fingerprintVersion: row.fingerprint_version,
    fingerprint: row.fingerprint,
    checksum: row.checksum ?? undefined,
    path: row.path,
    meta,
    look: row.look ?? undefined,
  };
}

function toRow(photo: StoredPhoto, runId: string): PhotoRow & { last_seen_run: string } {
  return {
    source: photo.source,
    id: photo.id,
    change_key: photo.changeKey,
    fingerprint_version: photo.fingerprintVersion,
    fingerprint: photo.fingerprint,
    checksum: photo.checksum ?? null,
    path: photo.path,
    width: photo.meta.width,
    height: photo.meta.height,
    bytes: photo.meta.bytes,
    format: photo.meta.format,
    taken_at: photo.meta.takenAt ?? null,
    camera: photo.meta.camera ?? null,
    orientation: photo.meta.orientation ?? null,
    software: photo.meta.software ?? null,
    jpeg_quality: photo.meta.jpegQuality ?? null,
    look: photo.look ?? null,
    last_seen_run: runId,
  };
}
