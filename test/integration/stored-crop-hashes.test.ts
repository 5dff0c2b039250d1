/**
 * The typical-crop hashes are made once, at hash time, and stored with the fingerprint: a warm run
 * takes them from SQLite (not recomputing them), and a changed photo or an older fingerprint
 * version gets fresh ones.
 */

import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunAccount } from '../../src/core/run-account.js';
import { CROP_QUERY_COUNT, cropQueryHashes } from '../../src/hashing/crop-queries.js';
import { decodeFingerprint, encodeFingerprint, FINGERPRINT_VERSION } from '../../src/hashing/fingerprint.js';
import { hashPhotos, type HashedPhoto } from '../../src/hashing/hash-stage.js';
import { LocalPhotoSource } from '../../src/sources/local/local-photo-source.js';
import { HashRepository } from '../../src/store/hash-repository.js';
import { openStore, type StoreDatabase } from '../../src/store/open-store.js';
import { sceneJpeg } from '../helpers/images.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

async function run(folder: string, db: StoreDatabase, runId: string): Promise<{ account: RunAccount; photos: HashedPhoto[] }> {
  const account = new RunAccount();
  const photos: HashedPhoto[] = [];
  await hashPhotos({
    source: new LocalPhotoSource({ folders: [{ path: folder, reference: false }] }),
    store: new HashRepository(db),
    runId,
    concurrency: 2,
    account,
    onPhoto: (photo) => photos.push(photo),
  });
  return { account, photos };
}

const byName = (photos: readonly HashedPhoto[], name: string) => photos.find((p) => path.basename(p.photo.id) === name) as HashedPhoto;

describe('stored crop hashes', () => {
  it('are computed at hash time, read back on a warm run, and recomputed when the photo or the version changes', async () => {
    const folder = tempDir();
    const db = openStore(path.join(tempDir(), 'hashes.db'));
    try {
      writeFileSync(path.join(folder, 'a.jpg'), await sceneJpeg({ seed: 11 }));
      writeFileSync(path.join(folder, 'b.jpg'), await sceneJpeg({ seed: 12 }));
      const repository = new HashRepository(db);

      const cold = await run(folder, db, 'run-1');
      expect([cold.account.hashed, cold.account.reused]).toEqual([2, 0]);
      const a = byName(cold.photos, 'a.jpg').fingerprint;
      expect(a.cropHashes).toHaveLength(CROP_QUERY_COUNT);
      expect(CROP_QUERY_COUNT).toBe(13);
      // What the store holds is what the crop queries of the thumbnail give.
      const storedA = repository.find('local', byName(cold.photos, 'a.jpg').photo.id);
      expect(storedA?.fingerprintVersion).toBe(FINGERPRINT_VERSION);
      const storedFull = decodeFingerprint(storedA?.fingerprint ?? Buffer.alloc(0));
      expect([...(storedFull.cropHashes ?? [])]).toEqual(cropQueryHashes(storedFull));
      expect([...(a.cropHashes ?? [])]).toEqual([...(storedFull.cropHashes ?? [])]);
      // Grouping gets the fingerprint without its thumbnail: that stays in the store.
      expect(a.thumbnail).toBeUndefined();
      expect(storedFull.thumbnail).toHaveLength(32 * 32);

      // Mark a's stored crop hashes: a warm run that recomputed them could not return the mark.
      const marked = Array.from({ length: CROP_QUERY_COUNT }, (_, k) => BigInt(k + 1));
      const update = db.prepare('UPDATE photos SET fingerprint = ? WHERE source = ? AND id = ?');
      update.run(encodeFingerprint({ ...decodeFingerprint(storedA?.fingerprint ?? Buffer.alloc(0)), cropHashes: marked }), 'local', storedA?.id);
      const warm = await run(folder, db, 'run-2');
      expect([warm.account.hashed, warm.account.reused]).toEqual([0, 2]);
      expect([...(byName(warm.photos, 'a.jpg').fingerprint.cropHashes ?? [])]).toEqual(marked);

      // A changed file is hashed again: its crop hashes are its new thumbnail's, not the stored ones.
      writeFileSync(path.join(folder, 'a.jpg'), await sceneJpeg({ seed: 13 }));
      utimesSync(path.join(folder, 'a.jpg'), new Date(), new Date(Date.now() + 5000));
      // A row of an older fingerprint version is never used as it is.
      db.prepare("UPDATE photos SET fingerprint_version = ? WHERE id LIKE '%b.jpg'").run(FINGERPRINT_VERSION - 1);
      const changed = await run(folder, db, 'run-3');
      expect([changed.account.hashed, changed.account.reused]).toEqual([2, 0]);
      const storedFingerprint = (id: string) => decodeFingerprint(repository.find('local', id)?.fingerprint ?? Buffer.alloc(0));
      const newA = byName(changed.photos, 'a.jpg').fingerprint;
      expect([...(newA.cropHashes ?? [])]).toEqual(cropQueryHashes(storedFingerprint(byName(changed.photos, 'a.jpg').photo.id)));
      expect([...(newA.cropHashes ?? [])]).not.toEqual(marked);
      expect([...(newA.cropHashes ?? [])]).not.toEqual([...(a.cropHashes ?? [])]);
      const b = byName(changed.photos, 'b.jpg');
      expect([...(b.fingerprint.cropHashes ?? [])]).toEqual(cropQueryHashes(storedFingerprint(b.photo.id)));
      expect(repository.find('local', b.photo.id)?.fingerprintVersion).toBe(FINGERPRINT_VERSION);
    } finally {
      db.close();
    }
  });
});
