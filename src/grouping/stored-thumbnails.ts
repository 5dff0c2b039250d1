/**
 * The group stage's confirmation, with thumbnails read back from the hash store. The hash stage hands
 * grouping lean fingerprints (no thumbnail: a gigabyte less in a million-photo library) and only the
 * few candidate pairs the pixel check looks at need their thumbnails.
 */

import { LRUCache } from 'lru-cache';
import type { HashedPhoto } from '../hashing/hash-stage.js';
import { confirmCandidate, NEAR_DISTANCE } from '../hashing/confirm-match.js';
import { fingerprintDistance, thumbnailFromEncoding, type Fingerprint } from '../hashing/fingerprint.js';
import type { HashRepository } from '../store/hash-repository.js';

/** A photo is often in several candidate pairs (its copies, and look-alikes of them). */
const CACHED_THUMBNAILS = 4096;

export type ConfirmCandidate = (a: HashedPhoto, b: HashedPhoto, threshold: number) => boolean;

export function confirmWithStoredThumbnails(store: HashRepository): ConfirmCandidate {
  const cache = new LRUCache<string, Uint8Array | false>({ max: CACHED_THUMBNAILS });
  const complete = (hashed: HashedPhoto): Fingerprint | undefined => {
    const { fingerprint, photo } = hashed;
    // Hashes-only fingerprints never had a thumbnail: confirmMatch goes by the distance for them.
    if (fingerprint.thumbnail || fingerprint.width === undefined) return fingerprint;
    const key = `${photo.source}\u0000${photo.id}`;
    let thumbnail = cache.get(key);
    if (thumbnail === undefined) {
      const encoded = store.encodedFingerprint(photo.source, photo.id);
      thumbnail = (encoded && thumbnailFromEncoding(encoded)) ?? false;
      cache.set(key, thumbnail);
    }
    return thumbnail ? { ...fingerprint, thumbnail } : undefined;
  };
  return (a, b, threshold) => {
    const first = complete(a);
    const second = complete(b);
    if (first && second) return confirmCandidate(first, second, threshold);
    // A thumbnail gone from the store (its row removed meanwhile): only what needs no pixel check.
    return fingerprintDistance(a.fingerprint, b.fingerprint) <= Math.min(threshold, NEAR_DISTANCE);
  };
}
