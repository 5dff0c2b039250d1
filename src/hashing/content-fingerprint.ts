/**
 * The fingerprint of the photo inside its bars (content-region.ts): the same hashes and 32×32
 * thumbnail as the whole image's, made from the content box of the 64×64 grey raster. A letterboxed
 * or screenshotted copy's content fingerprint is close to the original's own fingerprint, so the
 * index finds the pair and the pixel check compares the photos, not the bars around them.
 */

import type { GreyRaster } from '../thumbnails/hash-input.js';
import { findContentRegion, type ContentBox } from './content-region.js';
import { dihedral, TRANSFORMS } from './dihedral.js';
import type { Fingerprint } from './fingerprint-types.js';
import { pairToBigint, PHASH_INPUT, phash32 } from './phash.js';

/**
 * The content's fingerprint (orientation hashes, thumbnail and displayed size, no crop hashes), or
 * undefined when no bars surround the photo. `width` × `height` is the whole image's displayed size.
 */
export function contentFingerprint(grey: GreyRaster, width: number, height: number): Fingerprint | undefined {
  const box = findContentRegion(grey);
  if (!box) return undefined;
  const thumbnail = boxThumbnail(grey, box);
  const variants: bigint[] = [];
  for (let transform = 0; transform < TRANSFORMS; transform++) {
    variants.push(pairToBigint(phash32(dihedral({ width: PHASH_INPUT, height: PHASH_INPUT, data: thumbnail }, transform).data)));
  }
  return {
    variants,
    thumbnail,
    width: Math.max(1, Math.round((width * (box.right - box.left)) / grey.side)),
    height: Math.max(1, Math.round((height * (box.bottom - box.top)) / grey.side)),
  };
}

/** The box of the raster resampled to 32×32 by area (box filter), each axis on its own. */
function boxThumbnail({ side, data }: GreyRaster, box: ContentBox): Uint8Array {
  const columns = areaWeights(box.left, box.right);
  const rows = areaWeights(box.top, box.bottom);
  const across = new Float64Array(side * PHASH_INPUT);
  for (let y = box.top; y < box.bottom; y++) {
    for (const { out, from, weight } of columns) across[y * PHASH_INPUT + out] = (across[y * PHASH_INPUT + out] ?? 0) + weight * (data[y * side + from] ?? 0);
  }
  const out = new Float64Array(PHASH_INPUT * PHASH_INPUT);
  for (const { out: row, from, weight } of rows) {
    for (let x = 0; x < PHASH_INPUT; x++) out[row * PHASH_INPUT + x] = (out[row * PHASH_INPUT + x] ?? 0) + weight * (across[from * PHASH_INPUT + x] ?? 0);
  }
  return Uint8Array.from(out, (value) => Math.round(value));
}

interface AreaWeight {
  out: number;
  from: number;
  weight: number;
}

/** How much of source cell `from` (within [start, end)) each of the 32 output cells covers, as a share of the output cell. */
function areaWeights(start: number, end: number): AreaWeight[] {
  const step = (end - start) / PHASH_INPUT;
  const weights: AreaWeight[] = [];
  for (let out = 0; out < PHASH_INPUT; out++) {
    const lo = start + out * step;
    const hi = lo + step;
    for (let from = Math.floor(lo); from < Math.min(end, Math.ceil(hi)); from++) {
      const overlap = Math.min(hi, from + 1) - Math.max(lo, from);
      if (overlap > 0) weights.push({ out, from, weight: overlap / step });
    }
  }
  return weights;
}
