/**
 * Extra index queries for cropped copies. A copy with 5-25 % cut from its borders, or cut to another
 * aspect ratio (the square or 16:9 crop of a phone app), can sit 20-30 bits from the original on the
 * 64-bit pHash, too far for a selective index radius. Hashing the original's thumbnail as if it had
 * been cropped in the usual ways lands within a few bits of such a copy, so a small radius finds
 * it; confirmMatch then decides.
 */

import type { Fingerprint } from './fingerprint-types.js';
import { pairToBigint, phash32 } from './phash.js';
import { AXIS, axisWeights, CROP_STEP, resampleRegion } from './resample.js';
import { vignetted } from './vignette.js';

type Crop = readonly [left: number, right: number, top: number, bottom: number];

/**
 * [left, right, top, bottom] in crop steps of 1.25 %, whatever the photo's shape: 5 % all round and
 * 7.5 % off one side (dev's 5-10 % crops, the grouping benchmark's 7 % ones), 10 % all round and
 * 15 % off one side (dev-hard's 20-25 % crops, resized and re-encoded or not). Each slot costs a
 * million-photo library ~30 MB at grouping, but fewer do not do: one 12.5 % one-side query instead
 * of the 7.5 % and 15 % ones (1.50 GB instead of 1.62) left 124 of the grouping benchmark's 1,000
 * planted clusters incomplete (its 7 % one-side crops stayed 10 bits away).
 */
const TYPICAL_CROPS: readonly Crop[] = [
  [4, 4, 4, 4],
  [6, 0, 0, 0],
  [0, 6, 0, 0],
  [0, 0, 6, 0],
  [0, 0, 0, 6],
  [8, 8, 8, 8],
  [12, 0, 0, 0],
  [0, 12, 0, 0],
  [0, 0, 12, 0],
  [0, 0, 0, 12],
];

/** Centre crops to these aspect ratios (width / height) that a phone app offers, for photos of the same orientation. */
const LANDSCAPE_ASPECTS = [1, 16 / 9, 4 / 3];
const PORTRAIT_ASPECTS = [1, 9 / 16, 3 / 4];
/** Two of them: a third (the 4:3 crop of a 3:2 photo) found 1 more of dev-hard's 43 `aspect169` copies and cost ~30 MB at 1M. */
const ASPECT_SLOTS = 2;
/** An aspect crop keeping less than this share of an axis is not a crop people make of it; one keeping more is a typical crop's. */
const MIN_KEPT = 0.5;
const MAX_KEPT = 0.95;

/** The last slot: the photo under a typical app vignette (its corners at 55 %), which alone moves a filtered copy 8-12 bits. */
export const CROP_QUERY_COUNT = TYPICAL_CROPS.length + ASPECT_SLOTS + 1;


/** Index radius for crop queries: cropped copies of the dev set land within 8 bits of them. */
export const CROP_QUERY_RADIUS = 8;

/**
 * How far apart (raw pHash bits) a cropped copy found this way may be; confirmMatch must explain it.
 * A square crop of a 3:2 photo (a third of its width gone) sat up to 30 bits away on dev-hard.
 */
export const CROPPED_COPY_MAX_DISTANCE = 32;

/** Scratch for each crop's raster, read only until its hash is made (nothing here is asynchronous). */
const croppedScratch = new Float64Array(AXIS * AXIS);
const columnsScratch = new Float64Array(AXIS * AXIS);

/** Centre crops of a width × height photo to the aspect ratios above, in crop steps; `ASPECT_SLOTS` at most. */
export function aspectCrops(width: number, height: number): Crop[] {
  const aspect = width / height;
  const crops: Crop[] = [];
  for (const target of aspect >= 1 ? LANDSCAPE_ASPECTS : PORTRAIT_ASPECTS) {
    const keptWidth = Math.min(1, target / aspect);
    const keptHeight = Math.min(1, aspect / target);
    const kept = Math.min(keptWidth, keptHeight);
    if (kept < MIN_KEPT || kept > MAX_KEPT) continue;
    const x = Math.round((1 - keptWidth) / 2 / CROP_STEP);
    const y = Math.round((1 - keptHeight) / 2 / CROP_STEP);
    crops.push([x, x, y, y]);
  }
  return crops.slice(0, ASPECT_SLOTS);
}

/**
 * The pHash of the photo's thumbnail under each typical crop, then under each aspect crop its shape
 * allows (a slot with none repeats the upright hash, which the index never pairs with its own
 * photo), then under the vignette; empty without a thumbnail.
 */
export function cropQueryHashes(fingerprint: Fingerprint): bigint[] {
  const { thumbnail, width, height } = fingerprint;
  if (!thumbnail || thumbnail.length !== AXIS * AXIS) return [];
  const aspect = width && height ? aspectCrops(width, height) : [];
  const hashes = [...TYPICAL_CROPS, ...aspect].map(([left, right, top, bottom]) =>
    pairToBigint(phash32(resampleRegion(thumbnail, axisWeights(left, right), axisWeights(top, bottom), croppedScratch, columnsScratch))),
  );
  while (hashes.length < CROP_QUERY_COUNT - 1) hashes.push(fingerprint.variants[0] ?? 0n);
  hashes.push(pairToBigint(phash32(vignetted(thumbnail))));
  return hashes;
}
