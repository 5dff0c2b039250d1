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
import { contentFingerprint } from './content-fingerprint.js';
import { TRANSFORMS } from './dihedral.js';
import type { Fingerprint, Hashes } from './fingerprint-types.js';
import type { HashArena } from './hash-arena.js';
import { CROP_QUERY_COUNT, cropQueryHashes } from './crop-queries.js';
import { bigintToPair, hamming32Pair, pairToBigint, phashVariants } from './phash.js';

export type { Fingerprint } from './fingerprint-types.js';
export { confirmMatch, NEAR_DISTANCE } from './confirm-match.js';

/**
 * Bump when anything that changes a fingerprint changes: stored rows of another version are recomputed.
 * 3: the typical-crop hashes are stored with the fingerprint (before, grouping recomputed them every run).
 * 4: one-side typical crops of 8.75 % instead of 10 %.
 * 5: one-side typical crops of 7.5 %.
 * 6: the hashes are unchanged, but rows gain what the best-photo rules compare (the look, the EXIF
 *    Software tag, a JPEG's quality): older rows are recomputed once to have them.
 * 7: 13 typical-crop hashes instead of 5 (20-25 % crops, aspect-changing centre crops, a vignette),
 *    and the fingerprint of the photo inside bars (letterbox, frame, screenshot) stored with it.
 *    A server thumbnail is decoded once, in colour (its chroma from the same pixels), and turned
 *    grey after the 64×64 shrink instead of before: its grey levels, so its hashes, move slightly.
 *    Local originals hash as before.
 * Not a version: a RAW file turned by its own orientation has its preview turned after the shrink
 * instead of before (sharp then shrinks it as it decodes it, 4-5 times faster). On six 12 MP
 * pictures in three turns the upright hash came out the same in 16 of 18 and 2 bits apart in two,
 * as two decodes of one picture do; a stored row stays valid, and re-hashing every library for it
 * would cost far more than it changes.
 */
export const FINGERPRINT_VERSION = 7;

export const HASH_SETTINGS = { hash: 'phash', bits: 64 } as const;

/**
 * Default `--threshold`: the index radius. Cropped copies farther than this are still found through
 * the crop queries (crop-queries.ts); confirmMatch rejects look-alikes. On the dev benchmark every
 * radius from 6 to 12 gives the same groups (F1 0.9974), and the index's cost and the number of
 * unrelated pairs sent to confirmation grow steeply with it (random 64-bit hashes: 2.8e-10 of all
 * pairs within 8 bits, 2.3e-7 within 12), so 8 is the smallest radius that still keeps a margin
 * above NEAR_DISTANCE for re-encoded and re-toned copies.
 */
export const DEFAULT_THRESHOLD = 8;

const THUMBNAIL_SIDE = 32;
const VARIANT_BYTES = 8 * 8;
const CROP_BYTES = CROP_QUERY_COUNT * 8;
const THUMBNAIL_BYTES = THUMBNAIL_SIDE * THUMBNAIL_SIDE;
/** Length of a full fingerprint's encoding; anything else is read as hashes alone. */
const FULL_BYTES = VARIANT_BYTES + CROP_BYTES + 4 + THUMBNAIL_BYTES;
/** A full fingerprint with a content fingerprint: this byte after it, then its variants, size and thumbnail. */
const CONTENT_MARK = 0x43;
const CONTENT_BYTES = 1 + VARIANT_BYTES + 4 + THUMBNAIL_BYTES;

/** With `input.content` (the photo inside bars around it), the fingerprint has a content fingerprint too. */
export function computeFingerprint(input: HashInput): Fingerprint {
  if (input.width !== THUMBNAIL_SIDE || input.height !== THUMBNAIL_SIDE) {
    throw new RangeError(`hash input must be ${THUMBNAIL_SIDE}×${THUMBNAIL_SIDE}, got ${input.width}×${input.height}`);
  }
  const variants = phashVariants(input.data, TRANSFORMS).map(pairToBigint);
  const thumbnail = input.data;
  const content = input.content && contentFingerprint(input.content);
  return {
    variants,
    cropHashes: cropQueryHashes({ variants, thumbnail, width: input.sourceWidth, height: input.sourceHeight }),
    thumbnail,
    width: input.sourceWidth,
    height: input.sourceHeight,
    ...(content ? { content } : {}),
  };
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

/**
 * Layout: 8 big-endian uint64 variants, then (full fingerprints only) the CROP_QUERY_COUNT uint64
 * crop hashes, uint16 width, uint16 height and the 1024 thumbnail bytes, then (with a content
 * fingerprint only) CONTENT_MARK and the content's 8 variants, width, height and thumbnail, laid out
 * the same way.
 */
export function encodeFingerprint(fingerprint: Fingerprint): Buffer {
  const { thumbnail, width, height, cropHashes } = fingerprint;
  const full =
    fingerprint.variants.length === 8 &&
    thumbnail !== undefined &&
    thumbnail.length === THUMBNAIL_BYTES &&
    cropHashes !== undefined &&
    cropHashes.length === CROP_QUERY_COUNT &&
    width !== undefined &&
    height !== undefined;
  const content = full ? encodableContent(fingerprint.content) : undefined;
  const buffer = Buffer.alloc(full ? FULL_BYTES + (content ? CONTENT_BYTES : 0) : fingerprint.variants.length * 8);
  fingerprint.variants.forEach((variant, index) => buffer.writeBigUInt64BE(variant, index * 8));
  if (full) {
    cropHashes.forEach((hash, index) => buffer.writeBigUInt64BE(hash, VARIANT_BYTES + index * 8));
    writePictured(buffer, VARIANT_BYTES + CROP_BYTES, { width, height, thumbnail });
  }
  if (content) {
    buffer.writeUInt8(CONTENT_MARK, FULL_BYTES);
    content.variants.forEach((variant, index) => buffer.writeBigUInt64BE(variant, FULL_BYTES + 1 + index * 8));
    writePictured(buffer, FULL_BYTES + 1 + VARIANT_BYTES, content);
  }
  return buffer;
}

interface Pictured {
  width: number;
  height: number;
  thumbnail: Uint8Array;
}

/** The content fingerprint when it has everything its encoding holds. */
function encodableContent(content: Fingerprint | undefined): (Pictured & { variants: Hashes }) | undefined {
  if (!content?.thumbnail || content.thumbnail.length !== THUMBNAIL_BYTES || content.variants.length !== 8) return undefined;
  const { variants, thumbnail, width, height } = content;
  return width !== undefined && height !== undefined ? { variants, thumbnail, width, height } : undefined;
}

function writePictured(buffer: Buffer, offset: number, { width, height, thumbnail }: Pictured): void {
  buffer.writeUInt16BE(Math.min(width, 0xffff), offset);
  buffer.writeUInt16BE(Math.min(height, 0xffff), offset + 2);
  buffer.set(thumbnail, offset + 4);
}

/**
 * The fingerprint without its thumbnail: what grouping holds in memory for every photo (~1 KB less
 * each, a gigabyte in a million-photo library), its hashes in `arena`. The thumbnail stays in the
 * store, and confirmation reads it back for the few pairs that need it (`thumbnailFromEncoding`).
 */
export function withoutThumbnail(fingerprint: Fingerprint, arena: HashArena): Fingerprint {
  const { thumbnail, variants, cropHashes, content, ...size } = fingerprint;
  return {
    ...size,
    variants: copyInto(arena, variants),
    ...(cropHashes ? { cropHashes: copyInto(arena, cropHashes) } : {}),
    ...(content ? { content: withoutThumbnail(content, arena) } : {}),
  };
}

function copyInto(arena: HashArena, hashes: Hashes): BigUint64Array {
  const view = arena.take(hashes.length);
  view.set(hashes);
  return view;
}

/** The thumbnail of an encoded fingerprint, or undefined for a hashes-only one. */
export function thumbnailFromEncoding(buffer: Buffer): Uint8Array | undefined {
  return isFull(buffer) ? new Uint8Array(buffer.subarray(FULL_BYTES - THUMBNAIL_BYTES, FULL_BYTES)) : undefined;
}

/** The content fingerprint's thumbnail of an encoded fingerprint, or undefined when it has none. */
export function contentThumbnailFromEncoding(buffer: Buffer): Uint8Array | undefined {
  return hasContent(buffer) ? new Uint8Array(buffer.subarray(FULL_BYTES + CONTENT_BYTES - THUMBNAIL_BYTES)) : undefined;
}

function hasContent(buffer: Buffer): boolean {
  return buffer.length === FULL_BYTES + CONTENT_BYTES && buffer[FULL_BYTES] === CONTENT_MARK;
}

function isFull(buffer: Buffer): boolean {
  return buffer.length === FULL_BYTES || hasContent(buffer);
}

export interface DecodeOptions {
  /** false: leave the thumbnail in the buffer (see `withoutThumbnail`). */
  thumbnail?: boolean;
  /** Where the hashes go; by default arrays of their own. */
  arena?: HashArena;
}

export function decodeFingerprint(buffer: Buffer, { thumbnail = true, arena }: DecodeOptions = {}): Fingerprint {
  const full = isFull(buffer);
  const variantBytes = full ? VARIANT_BYTES : buffer.length - (buffer.length % 8);
  const hashes = (count: number) => (arena ? arena.take(count) : new BigUint64Array(count));
  const variants = hashes(variantBytes / 8);
  for (let index = 0; index < variants.length; index++) variants[index] = buffer.readBigUInt64BE(index * 8);
  if (!full) return { variants };
  const cropHashes = hashes(CROP_QUERY_COUNT);
  for (let index = 0; index < CROP_QUERY_COUNT; index++) cropHashes[index] = buffer.readBigUInt64BE(VARIANT_BYTES + index * 8);
  const offset = VARIANT_BYTES + CROP_BYTES;
  const lean = { variants, cropHashes, width: buffer.readUInt16BE(offset), height: buffer.readUInt16BE(offset + 2) };
  const content = hasContent(buffer) ? { content: decodeContent(buffer, thumbnail, hashes) } : {};
  return thumbnail ? { ...lean, thumbnail: thumbnailFromEncoding(buffer), ...content } : { ...lean, ...content };
}

function decodeContent(buffer: Buffer, thumbnail: boolean, hashes: (count: number) => BigUint64Array): Fingerprint {
  const variants = hashes(8);
  for (let index = 0; index < 8; index++) variants[index] = buffer.readBigUInt64BE(FULL_BYTES + 1 + index * 8);
  const offset = FULL_BYTES + 1 + VARIANT_BYTES;
  const lean = { variants, width: buffer.readUInt16BE(offset), height: buffer.readUInt16BE(offset + 2) };
  return thumbnail ? { ...lean, thumbnail: contentThumbnailFromEncoding(buffer) } : lean;
}
