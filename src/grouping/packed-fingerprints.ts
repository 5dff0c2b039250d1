/**
 * Fingerprints in shared memory, for the pixel check's worker thread (parallel-confirm.ts). Only what
 * confirmCandidate reads travels: the orientation hashes, the thumbnail and the displayed size, and
 * the same of the content fingerprint (the photo inside bars), packed as one more fingerprint. A
 * decoded fingerprint's hashes are views into large shared blocks (hash-arena.ts), so posting the
 * objects themselves would copy whole blocks; packing copies exactly what is needed, once.
 */

import { TRANSFORMS as VARIANTS } from '../hashing/dihedral.js';
import type { Fingerprint } from '../hashing/fingerprint-types.js';

export interface PackedFingerprints {
  readonly count: number;
  /** VARIANTS slots per fingerprint; `variantCounts` says how many are used. */
  readonly variants: BigUint64Array;
  readonly variantCounts: Uint8Array;
  /** Width and height per fingerprint; 0 where unknown (confirmMatch then goes by the distance). */
  readonly sizes: Uint32Array;
  /** Fingerprint k's thumbnail is thumbnails[thumbnailStarts[k], thumbnailStarts[k + 1]); empty when it has none. */
  readonly thumbnailStarts: Uint32Array;
  readonly thumbnails: Uint8Array;
  /** Where fingerprint k's content fingerprint is packed (after all the given ones), or -1. */
  readonly contentAt: Int32Array;
}

export function packFingerprints(given: readonly Fingerprint[]): PackedFingerprints {
  const contents = given.flatMap((fingerprint) => (fingerprint.content ? [fingerprint.content] : []));
  const fingerprints = [...given, ...contents];
  const count = fingerprints.length;
  const thumbnailBytes = fingerprints.reduce((sum, fingerprint) => sum + (fingerprint.thumbnail?.length ?? 0), 0);
  const shared = <T>(make: (buffer: SharedArrayBuffer) => T, bytes: number) => make(new SharedArrayBuffer(Math.max(8, bytes)));
  const packed: PackedFingerprints = {
    count,
    variants: shared((buffer) => new BigUint64Array(buffer), 8 * VARIANTS * count),
    variantCounts: shared((buffer) => new Uint8Array(buffer), count),
    sizes: shared((buffer) => new Uint32Array(buffer), 8 * count),
    thumbnailStarts: shared((buffer) => new Uint32Array(buffer), 4 * (count + 1)),
    thumbnails: shared((buffer) => new Uint8Array(buffer), thumbnailBytes),
    contentAt: shared((buffer) => new Int32Array(buffer), 4 * count).fill(-1),
  };
  let contentAt = given.length;
  given.forEach((fingerprint, k) => {
    if (fingerprint.content) packed.contentAt[k] = contentAt++;
  });
  let thumbnailAt = 0;
  fingerprints.forEach((fingerprint, k) => {
    const variants = fingerprint.variants.slice(0, VARIANTS);
    packed.variants.set(variants, k * VARIANTS);
    packed.variantCounts[k] = variants.length;
    packed.sizes[2 * k] = fingerprint.width ?? 0;
    packed.sizes[2 * k + 1] = fingerprint.height ?? 0;
    packed.thumbnailStarts[k] = thumbnailAt;
    if (fingerprint.thumbnail) {
      packed.thumbnails.set(fingerprint.thumbnail, thumbnailAt);
      thumbnailAt += fingerprint.thumbnail.length;
    }
  });
  packed.thumbnailStarts[count] = thumbnailAt;
  return packed;
}

/** Fingerprint k as confirmCandidate needs it (its views share the packed memory). */
export function unpackFingerprint(packed: PackedFingerprints, k: number): Fingerprint {
  const variants = packed.variants.subarray(k * VARIANTS, k * VARIANTS + (packed.variantCounts[k] ?? 0));
  const [from, to] = [packed.thumbnailStarts[k] ?? 0, packed.thumbnailStarts[k + 1] ?? 0];
  const [width, height] = [packed.sizes[2 * k] ?? 0, packed.sizes[2 * k + 1] ?? 0];
  const content = packed.contentAt[k] ?? -1;
  return {
    ...(content >= 0 ? { content: unpackFingerprint(packed, content) } : {}),
    variants,
    ...(to > from ? { thumbnail: packed.thumbnails.subarray(from, to) } : {}),
    ...(width > 0 ? { width } : {}),
    ...(height > 0 ? { height } : {}),
  };
}
