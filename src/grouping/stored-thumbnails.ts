/**
 * The group stage's confirmation, with thumbnails read back on demand (the pipeline hands in the
 * reader; grouping does not know where they are kept). The hash stage hands grouping lean
 * fingerprints (no thumbnail: a gigabyte less in a million-photo library) and only the few candidate
 * pairs the pixel check looks at, and the photos of groups, need their thumbnails (the photos of
 * groups get theirs with their looks: the pipeline's storedDetails). The index's candidates are
 * checked together, on two threads (parallel-confirm.ts).
 */

import { LRUCache } from 'lru-cache';
import type { HashedPhoto } from '../hashing/hash-stage.js';
import { confirmCandidate, NEAR_DISTANCE } from '../hashing/confirm-match.js';
import { fingerprintDistance, type Fingerprint } from '../hashing/fingerprint.js';
import type { StoredThumbnails } from '../hashing/fingerprint-types.js';
import type { Photo } from '../core/photo.js';
import { confirmPairs, type FingerprintPair } from './parallel-confirm.js';

/** A photo is often in several candidate pairs (its copies, and look-alikes of them). */
const CACHED_THUMBNAILS = 4096;

export type ConfirmCandidate = (a: HashedPhoto, b: HashedPhoto, threshold: number) => boolean;
export type ConfirmCandidates = (pairs: readonly (readonly [HashedPhoto, HashedPhoto])[], threshold: number) => boolean[];

/** A photo's stored thumbnails, or undefined when there are none (a hashes-only row, or a row removed meanwhile). */
export type ReadThumbnail = (photo: Photo) => StoredThumbnails | undefined;

/** The pixel check with stored thumbnails, for one pair and for many at once (on two threads); both give the same answers. */
export interface StoredThumbnailChecks {
  confirm: ConfirmCandidate;
  confirmAll: ConfirmCandidates;
}

/** Pairs handed to the two-thread check at a time: their thumbnails are held together (~1 KB each). */
const PAIRS_PER_ROUND = 50_000;

export function confirmWithStoredThumbnails(readThumbnail: ReadThumbnail): StoredThumbnailChecks {
  const cache = new LRUCache<string, StoredThumbnails | false>({ max: CACHED_THUMBNAILS });
  const storedOf = ({ photo }: HashedPhoto): StoredThumbnails | undefined => {
    const key = `${photo.source}\u0000${photo.id}`;
    let stored = cache.get(key);
    if (stored === undefined) {
      stored = readThumbnail(photo) ?? false;
      cache.set(key, stored);
    }
    return stored || undefined;
  };
  const complete = (hashed: HashedPhoto): Fingerprint | undefined => {
    const { fingerprint } = hashed;
    const { content } = fingerprint;
    // Hashes-only fingerprints never had a thumbnail: confirmMatch goes by the distance for them.
    if (fingerprint.width === undefined || (fingerprint.thumbnail && (!content || content.thumbnail))) return fingerprint;
    const stored = storedOf(hashed);
    // A content view without its pixels would be taken on its hashes alone: no pixels, no check.
    if (!stored || (content && !stored.content)) return undefined;
    return { ...fingerprint, thumbnail: stored.thumbnail, ...(content ? { content: { ...content, thumbnail: stored.content } } : {}) };
  };
  // A thumbnail gone from the store (its row removed meanwhile): only what needs no pixel check.
  const withoutPixels = (a: HashedPhoto, b: HashedPhoto, threshold: number) => fingerprintDistance(a.fingerprint, b.fingerprint) <= Math.min(threshold, NEAR_DISTANCE);
  const confirm: ConfirmCandidate = (a, b, threshold) => {
    const first = complete(a);
    const second = complete(b);
    return first && second ? confirmCandidate(first, second, threshold) : withoutPixels(a, b, threshold);
  };
  const confirmRound: ConfirmCandidates = (pairs, threshold) => {
    // Each photo completed once: its fingerprint object is what the parallel check packs once.
    const completed = new Map<HashedPhoto, Fingerprint | undefined>();
    const completeOnce = (hashed: HashedPhoto) => {
      if (!completed.has(hashed)) completed.set(hashed, complete(hashed));
      return completed.get(hashed);
    };
    const withPixels: FingerprintPair[] = [];
    const checked = pairs.map(([a, b]) => {
      const first = completeOnce(a);
      const second = completeOnce(b);
      return first && second ? withPixels.push([first, second]) - 1 : -1;
    });
    const answers = confirmPairs(withPixels, threshold);
    return pairs.map(([a, b], k) => {
      const at = checked[k] as number;
      return at >= 0 ? (answers[at] as boolean) : withoutPixels(a, b, threshold);
    });
  };
  const confirmAll: ConfirmCandidates = (pairs, threshold) => {
    const rounds: boolean[][] = [];
    for (let from = 0; from < pairs.length; from += PAIRS_PER_ROUND) rounds.push(confirmRound(pairs.slice(from, from + PAIRS_PER_ROUND), threshold));
    return rounds.flat();
  };
  return { confirm, confirmAll };
}
