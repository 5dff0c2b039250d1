/**
 * A photo's fingerprint: what grouping compares. The 64-bit `variants[0]` is the default hash
 * (`--threshold` is a Hamming distance on it); `variants` holds the hash of each of the 8
 * dihedral transforms of the thumbnail so rotated and mirrored copies still match. A 32×32
 * thumbnail rides along for `confirmMatch`, which checks candidate pairs before they are grouped.
 *
 * Measured on the dev benchmark (871 files): 64-bit pHash (DCT) keeps unrelated photos farther
 * away than blockhash or dHash at every radius (no different photos within 8 bits, against 1261
 * pairs for blockhash); crops are the only transform that needs a wide radius, and the crop-aware
 * confirmation is what keeps that radius safe.
 */

import type { HashInput } from '../thumbnails/hash-input.js';
import { dihedral } from './dihedral.js';
import type { Fingerprint } from './fingerprint-types.js';
import { bigintToPair, hamming32Pair, pairToBigint, phash32 } from './phash.js';

export type { Fingerprint } from './fingerprint-types.js';
export { confirmMatch, bestVariant, NEAR_DISTANCE } from './confirm-match.js';

/** Bump when anything that changes a fingerprint changes: stored rows of another version are recomputed. */
export const FINGERPRINT_VERSION = 2;

export const HASH_SETTINGS = { hash: 'phash', bits: 64 } as const;

/**
 * Default `--threshold`: the index radius. Cropped copies farther than this are still found through
 * the crop queries (crop-queries.ts); confirmMatch rejects look-alikes. 12 keeps the index selective
 * (few unrelated pairs within 12 bits on pHash) where 20 would confirm ~5 % of all pairs.
 */
export const DEFAULT_THRESHOLD = 12;

const THUMBNAIL_SIDE = 32;
const VARIANT_BYTES = 8 * 8;
const THUMBNAIL_BYTES = THUMBNAIL_SIDE * THUMBNAIL_SIDE;

export function computeFingerprint(input: HashInput): Fingerprint {
  if (input.width !== THUMBNAIL_SIDE || input.height !== THUMBNAIL_SIDE) {
    throw new RangeError(`hash input must be ${THUMBNAIL_SIDE}×${THUMBNAIL_SIDE}, got ${input.width}×${input.height}`);
  }
  const variants: bigint[] = [];
  for (let transform = 0; transform < 8; transform++) variants.push(pairToBigint(phash32(dihedral(input, transform).data)));
  return { variants, thumbnail: input.data, width: input.sourceWidth, height: input.sourceHeight };
}

/** Smallest Hamming distance between a's upright hash and any orientation of b. */
export function fingerprintDistance(a: Fingerprint, b: Fingerprint): number {
  const upright = bigintToPair(a.variants[0] ?? 0n);
  let best = 64;
  for (const variant of b.variants) best = Math.min(best, hamming32Pair(upright, bigintToPair(variant)));
  return best;
}

export function hammingDistance64(a: bigint, b: bigint): number {
  return hamming32Pair(bigintToPair(a), bigintToPair(b));
}

/** Layout: 8 big-endian uint64 variants, then (optional) uint16 width, uint16 height, 1024 thumbnail bytes. */
export function encodeFingerprint(fingerprint: Fingerprint): Buffer {
  const { thumbnail, width, height } = fingerprint;
  const full = thumbnail !== undefined && thumbnail.length === THUMBNAIL_BYTES && width !== undefined && height !== undefined;
  const buffer = Buffer.alloc(fingerprint.variants.length * 8 + (full ? 4 + THUMBNAIL_BYTES : 0));
  fingerprint.variants.forEach((variant, index) => buffer.writeBigUInt64BE(variant, index * 8));
  if (full) {
    const offset = fingerprint.variants.length * 8;
    buffer.writeUInt16BE(Math.min(width, 0xffff), offset);
    buffer.writeUInt16BE(Math.min(height, 0xffff), offset + 2);
    buffer.set(thumbnail, offset + 4);
  }
  return buffer;
}

export function decodeFingerprint(buffer: Buffer): Fingerprint {
  const variantBytes = buffer.length >= VARIANT_BYTES + 4 + THUMBNAIL_BYTES ? VARIANT_BYTES : buffer.length - (buffer.length % 8);
  const variants: bigint[] = [];
  for (let offset = 0; offset + 8 <= variantBytes; offset += 8) variants.push(buffer.readBigUInt64BE(offset));
  if (buffer.length !== VARIANT_BYTES + 4 + THUMBNAIL_BYTES) return { variants };
  return {
    variants,
    width: buffer.readUInt16BE(VARIANT_BYTES),
    height: buffer.readUInt16BE(VARIANT_BYTES + 2),
    thumbnail: new Uint8Array(buffer.subarray(VARIANT_BYTES + 4)),
  };
}
