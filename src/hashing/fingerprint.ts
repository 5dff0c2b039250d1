/**
 * A photo's fingerprint: what grouping compares. The 64-bit `variants[0]` is the default hash
 * (`--threshold` is a Hamming distance on it); `variants` holds the hash of each of the 8
 * dihedral transforms of the thumbnail so rotated and mirrored copies still match.
 */

import { bmvbhash } from 'blockhash-core';
import type { HashInput } from '../thumbnails/hash-input.js';

/** Bump when anything that changes a fingerprint changes: stored rows of another version are recomputed. */
export const FINGERPRINT_VERSION = 1;

export const HASH_SETTINGS = { hash: 'blockhash', bits: 64 } as const;

export interface Fingerprint {
  /** 8 dihedral variants; index 0 is the photo as displayed (EXIF orientation applied). */
  readonly variants: readonly bigint[];
}

const GRID = 8;

export function computeFingerprint(input: HashInput): Fingerprint {
  const variants: bigint[] = [];
  for (let transform = 0; transform < 8; transform++) {
    const view = dihedral(input, transform);
    variants.push(BigInt(`0x${bmvbhash(view, GRID)}`));
  }
  return { variants };
}

/** Smallest Hamming distance between a's upright hash and any orientation of b. */
export function fingerprintDistance(a: Fingerprint, b: Fingerprint): number {
  const upright = a.variants[0] ?? 0n;
  let best = 64;
  for (const variant of b.variants) best = Math.min(best, hammingDistance64(upright, variant));
  return best;
}

export function hammingDistance64(a: bigint, b: bigint): number {
  let x = a ^ b;
  let count = 0;
  while (x !== 0n) {
    x &= x - 1n;
    count++;
  }
  return count;
}

export function encodeFingerprint(fingerprint: Fingerprint): Buffer {
  const buffer = Buffer.alloc(fingerprint.variants.length * 8);
  fingerprint.variants.forEach((variant, index) => buffer.writeBigUInt64BE(variant, index * 8));
  return buffer;
}

export function decodeFingerprint(buffer: Buffer): Fingerprint {
  const variants: bigint[] = [];
  for (let offset = 0; offset + 8 <= buffer.length; offset += 8) variants.push(buffer.readBigUInt64BE(offset));
  return { variants };
}

/** RGBA view of the input under one of the 8 symmetries of the square (0 = identity). */
function dihedral(input: HashInput, transform: number): { width: number; height: number; data: Uint8Array } {
  const { width, height, data } = input;
  const swap = transform >= 4;
  const outWidth = swap ? height : width;
  const outHeight = swap ? width : height;
  const out = new Uint8Array(outWidth * outHeight * 4);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let sx = swap ? y : x;
      let sy = swap ? x : y;
      if (transform & 1) sx = width - 1 - sx;
      if (transform & 2) sy = height - 1 - sy;
      const value = data[sy * width + sx] ?? 0;
      const o = (y * outWidth + x) * 4;
      out[o] = value;
      out[o + 1] = value;
      out[o + 2] = value;
      out[o + 3] = 255;
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}
