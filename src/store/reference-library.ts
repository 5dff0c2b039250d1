/**
 * Hash databases as interchange: `--load-hashes a.db b.db` reads other libraries' fingerprints
 * as reference photos, compared against but never acted on. Databases made with other hash
 * settings are refused: their distances would mean nothing next to ours.
 */

import { StoreError } from '../core/errors.js';
import { decodeFingerprint, FINGERPRINT_VERSION, HASH_SETTINGS } from '../hashing/fingerprint.js';
import type { HashedPhoto } from '../hashing/hash-stage.js';
import { HashRepository } from './hash-repository.js';
import { openStore } from './open-store.js';

export function loadReferenceLibraries(files: readonly string[]): HashedPhoto[] {
  const photos: HashedPhoto[] = [];
  for (const file of files) {
    const db = openStore(file, { readonly: true });
    try {
      const repository = new HashRepository(db);
      const identity = repository.identity();
      if (!identity) throw new StoreError(`--load-hashes ${file}: no hashes in this database`);
      if (identity.hash !== HASH_SETTINGS.hash || identity.bits !== HASH_SETTINGS.bits || identity.fingerprintVersion !== FINGERPRINT_VERSION) {
        throw new StoreError(
          `--load-hashes ${file} was made with ${identity.hash}/${identity.bits} bits (fingerprint v${identity.fingerprintVersion}); ` +
            `this photo-organizer uses ${HASH_SETTINGS.hash}/${HASH_SETTINGS.bits} bits (v${FINGERPRINT_VERSION}): re-hash that library with this version`,
        );
      }
      for (const stored of repository.iterate()) {
        if (stored.fingerprintVersion !== FINGERPRINT_VERSION) continue;
        photos.push({
          photo: { source: stored.source, id: stored.id, path: stored.path, changeKey: stored.changeKey, meta: stored.meta, isReference: true },
          fingerprint: decodeFingerprint(stored.fingerprint),
          checksum: stored.checksum,
        });
      }
    } finally {
      db.close();
    }
  }
  return photos;
}
