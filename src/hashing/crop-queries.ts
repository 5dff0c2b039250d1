/**
 * Extra index queries for cropped copies. A copy with 5-10 % cut from its borders can sit up to
 * 24 bits from the original on the 64-bit pHash, too far for a selective index radius. Hashing the
 * original's thumbnail as if it had been cropped in the usual ways (all borders, or one side)
 * lands within a few bits of such a copy, so a small radius finds it; confirmMatch then decides.
 */

import type { Fingerprint } from './fingerprint-types.js';
import { pairToBigint, phash32 } from './phash.js';
import { AXIS, axisWeights, resampleRegion } from './resample.js';

/**
 * [left, right, top, bottom] in crop steps of 1.25 %: 5 % all round, 7.5 % from one side. The 10 %
 * one-side crops of the dev set and the 7 % ones of the grouping benchmark both land within
 * CROP_QUERY_RADIUS of these; smaller ones are within the threshold of the photo itself. (At 8.75 %,
 * 1 of 2,000 benchmark crops fell 10 bits away; at 7.5 % the farthest of them is 6.)
 */
const TYPICAL_CROPS: readonly (readonly [number, number, number, number])[] = [
  [4, 4, 4, 4],
  [6, 0, 0, 0],
  [0, 6, 0, 0],
  [0, 0, 6, 0],
  [0, 0, 0, 6],
];

export const CROP_QUERY_COUNT = TYPICAL_CROPS.length;

/** Index radius for crop queries: cropped copies of the dev set land within 8 bits of them. */
export const CROP_QUERY_RADIUS = 8;

/**
 * How far apart (raw pHash bits) a cropped copy found this way may be; confirmMatch must explain it.
 * 5 % all round, or 7 % off one side, left 4 of the grouping benchmark's 20,000 copy pairs 22 bits apart.
 */
export const CROPPED_COPY_MAX_DISTANCE = 24;

/** The pHash of the photo's thumbnail under each typical crop; empty without a thumbnail. */
export function cropQueryHashes(fingerprint: Fingerprint): bigint[] {
  const { thumbnail } = fingerprint;
  if (!thumbnail || thumbnail.length !== AXIS * AXIS) return [];
  return TYPICAL_CROPS.map(([left, right, top, bottom]) =>
    pairToBigint(phash32(resampleRegion(thumbnail, axisWeights(left, right), axisWeights(top, bottom)))),
  );
}
