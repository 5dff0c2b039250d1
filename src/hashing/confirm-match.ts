/**
 * Verification of a candidate pair found by the 64-bit index. Close hashes are accepted as they are;
 * farther ones (typically a crop of the other photo) are accepted only when a crop alignment of the
 * two 32×32 thumbnails explains the difference: after cutting both to their common part, the pHash
 * of the two parts must be close again and the pixels and their gradients must correlate.
 * Two halves of one scene (same light, same horizon, no shared pixels) fail that test: no crop
 * within 15 % per side makes them the same picture.
 */

import { dihedral } from './dihedral.js';
import type { Fingerprint } from './fingerprint-types.js';
import { bigintToPair, hamming32Pair, phash32 } from './phash.js';
import { alignCrops } from './crop-alignment.js';
import { CROPPED_COPY_MAX_DISTANCE } from './crop-queries.js';
import { confirmViews } from './content-views.js';

/** Up to this distance a pair needs no alignment: no two different photos of the dev set came this close. */
export const NEAR_DISTANCE = 6;
/**
 * After alignment the two common parts must hash this close, or a little farther (up to
 * ALIGNED_MAX_DISTANCE) when the alignment clearly explained part of the difference and the
 * profiles themselves chose it. Two halves of one misty lake (dev GHN03) sit at distance 8 as they
 * are and no crop brings them closer; one of them turned a quarter, a cut the photos' shapes imply
 * brings the halves from 16 to 8, and only the stricter limit tells that apart from a crop.
 */
const ALIGNED_NEAR_DISTANCE = 6;
/**
 * A photo cut from inside bars is small (a letterbox's photo is a fraction of the canvas), and small
 * copies of two similar scenes hash and correlate closer than the photos do: the two halves of one
 * misty lake, 10 apart as they are, sit 6 apart letterboxed, and one of the two ways of aligning
 * them passes. A pair with a content view is taken without the pixel check only when this close,
 * and must pass it both ways.
 */
const CONTENT_NEAR_DISTANCE = 2;
const ALIGNED_MAX_DISTANCE = 8;
/** … and correlate this well, in grey levels and in gradients (detail, not just light). */
const MIN_CORRELATION = 0.9;
const MIN_GRADIENT_CORRELATION = 0.5;

interface VariantMatch {
  distance: number;
  /** A dihedral transform of b, compared with a as displayed. */
  transform: number;
}

/**
 * Orientations of b tried by the pixel check, closest first. A crop can leave a wrong orientation a
 * few bits closer than the right one (a symmetric scene turned over its diagonal), so the second
 * closest is tried too when it is within the threshold.
 */
const ORIENTATIONS_TRIED = 2;

/**
 * True when a and b are the same photo (re-encoded, resized, rotated, cropped …) within `threshold`.
 * Up to `near` apart they are taken without the pixel check.
 */
export function confirmMatch(a: Fingerprint, b: Fingerprint, threshold: number, near = NEAR_DISTANCE): boolean {
  const tried = closestVariants(a, b, threshold);
  const closest = tried[0];
  if (!closest) return false;
  if (closest.distance <= near) return true;
  // Hashes-only fingerprints (synthetic, or built outside computeFingerprint): the distance is all there is.
  if (!a.thumbnail || !b.thumbnail || !a.width || !a.height || !b.width || !b.height) return true;
  const { thumbnail, width, height } = a;
  const other = { thumbnail: b.thumbnail, width: b.width, height: b.height };
  return tried.some((match) => alignmentExplains({ thumbnail, width, height }, other, match));
}

interface Pictured {
  thumbnail: Uint8Array;
  width: number;
  height: number;
}

/** The orientations of b within `threshold` of a's upright hash, closest first (the lower transform on ties), at most ORIENTATIONS_TRIED. */
function closestVariants(a: Fingerprint, b: Fingerprint, threshold: number): VariantMatch[] {
  const upright = bigintToPair(a.variants[0] ?? 0n);
  const within: VariantMatch[] = [];
  b.variants.forEach((variant, transform) => {
    const distance = hamming32Pair(upright, bigintToPair(variant));
    if (distance <= threshold) within.push({ distance, transform });
  });
  return within.sort((p, q) => p.distance - q.distance || p.transform - q.transform).slice(0, ORIENTATIONS_TRIED);
}

/**
 * True when some crop alignment of a and b (turned by `transform`) explains their `distance`. Any
 * one alignment that passes every test is enough, so they are tried most promising first and the
 * first to pass ends the search.
 */
function alignmentExplains(a: Pictured, b: Pictured, { distance, transform }: VariantMatch): boolean {
  const side = Math.round(Math.sqrt(a.thumbnail.length));
  const turned = dihedral({ width: side, height: side, data: b.thumbnail }, transform).data;
  const aspectB = transform >= 4 ? b.height / b.width : b.width / b.height;
  return alignCrops(a.thumbnail, turned, a.width / a.height, aspectB).some((candidate) => {
    const parts = candidate.parts();
    if (parts.correlation < MIN_CORRELATION) return false;
    const alignedDistance = hamming32Pair(phash32(parts.a), phash32(parts.b));
    const explained =
      alignedDistance <= ALIGNED_NEAR_DISTANCE || (!candidate.impliedByShape && alignedDistance <= ALIGNED_MAX_DISTANCE && alignedDistance < distance);
    return explained && parts.gradientCorrelation() >= MIN_GRADIENT_CORRELATION;
  });
}

/**
 * The check the grouping stage asks of every near candidate: a crop query may bring a cropped copy
 * from farther than `threshold`, so the distance allowed here is never below CROPPED_COPY_MAX_DISTANCE.
 * Photos inside bars are compared by the photo within them (content-views.ts).
 */
export function confirmCandidate(a: Fingerprint, b: Fingerprint, threshold: number): boolean {
  const allowed = Math.max(threshold, CROPPED_COPY_MAX_DISTANCE);
  return confirmViews(a, b, (x, y, content) =>
    content ? confirmMatch(x, y, allowed, CONTENT_NEAR_DISTANCE) && confirmMatch(y, x, allowed, CONTENT_NEAR_DISTANCE) : confirmMatch(x, y, allowed),
  );
}
