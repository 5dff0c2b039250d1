/**
 * Verification of a candidate pair found by the 64-bit index. Close hashes are accepted as they are;
 * farther ones (typically a crop of the other photo) are accepted only when a crop alignment of the
 * two 32×32 thumbnails explains the difference: after cutting both to their common part, the pHash
 * of the two parts must be close again and the pixels and their gradients must correlate.
 * Two halves of one scene (same light, same horizon, no shared pixels) fail that test: no crop
 * within 25 % per side makes them the same picture. A filtered copy (another tone curve, a
 * vignette) gets a second look with one part fitted to the other's tones (tone-fit.ts), and a
 * straightened one with the same ±3° edit made of the other (small-rotation.ts).
 */

import { dihedral } from './dihedral.js';
import type { Fingerprint } from './fingerprint-types.js';
import { bigintToPair, hamming32Pair, phash32 } from './phash.js';
import { alignCrops } from './crop-alignment.js';
import { CROPPED_COPY_MAX_DISTANCE } from './crop-queries.js';
import { confirmViews } from './content-views.js';
import { correlation } from './correlation.js';
import { fitToneAndVignette } from './tone-fit.js';
import { gradients } from './gradients.js';
import { straightened } from './small-rotation.js';
import { devignetted, hasFlatBands } from './vignette.js';

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
/**
 * A candidate alignment whose pixels correlate at least this well, but fail, is tried once more
 * with one part fitted to the other's tones and vignette; at most TONE_FITS candidates per pair.
 */
const TONE_FIT_FROM = 0.75;
const TONE_FITS = 8;
/** A fitted part that correlates this well with the other, in pixels and in gradients, needs no pHash test. */
const FITTED_ALIKE = 0.98;
const FITTED_GRADIENTS_ALIKE = 0.9;
/**
 * When no alignment explains a pair whose best alignment still correlated this well, it gets a
 * second look: each side with a vignette taken off, then each side straightened by ±3° (a phone
 * editor's auto-level).
 */
const SECOND_LOOK_FROM = 0.75;
const STRAIGHTENED_BY = [3, -3];

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
export function confirmMatch(a: Fingerprint, b: Fingerprint, threshold: number, near = NEAR_DISTANCE, cutFromBars = false): boolean {
  const tried = closestVariants(a, b, threshold);
  const closest = tried[0];
  if (!closest) return false;
  if (closest.distance <= near) return true;
  // Hashes-only fingerprints (synthetic, or built outside computeFingerprint): the distance is all there is.
  if (!a.thumbnail || !b.thumbnail || !a.width || !a.height || !b.width || !b.height) return true;
  const first = { thumbnail: a.thumbnail, width: a.width, height: a.height };
  const second = { thumbnail: b.thumbnail, width: b.width, height: b.height };
  // A letterboxed or framed picture, or one cut from inside such bars (`cutFromBars`): no tone fit and
  // no second look (with either, the two halves of one photo, or two different photos, letterboxed
  // on black passed, whether compared whole or by the photo inside the bars).
  const barred = cutFromBars || hasFlatBands(first.thumbnail) || hasFlatBands(second.thumbnail);
  const seen = { correlation: -1, fits: barred ? TONE_FITS : 0 };
  if (tried.some((match) => alignmentExplains(first, second, match, seen))) return true;
  if (barred || seen.correlation < SECOND_LOOK_FROM) return false;
  // Second looks go by the upright orientation when it is among those tried: 20-26 bits apart (a
  // straightened copy against a square crop), the closest orientation was a mirror image.
  const look = tried.find((match) => match.transform === 0) ?? closest;
  // A vignetted copy: its profiles lean towards its centre, and the right crop may not be among
  // those tried. Take the vignette off each side in turn (vignette.ts), tone fit allowed.
  const unvignette = (photo: Pictured) => ({ ...photo, thumbnail: devignetted(photo.thumbnail) });
  seen.fits = 0;
  if (alignmentExplains(unvignette(first), second, look, seen) || alignmentExplains(first, unvignette(second), look, seen)) return true;
  // A straightened copy of the other: make the same edit of each in turn (small-rotation.ts).
  const straighten = (photo: Pictured, degrees: number) => ({ ...photo, thumbnail: straightened(photo.thumbnail, photo.width / photo.height, degrees) });
  seen.fits = 0;
  return STRAIGHTENED_BY.some(
    (degrees) => alignmentExplains(straighten(first, degrees), second, look, seen) || alignmentExplains(first, straighten(second, degrees), look, seen),
  );
}

/** What the tries of one pair have seen so far: the best correlation of any alignment, and how many tone fits were made. */
interface Seen {
  correlation: number;
  fits: number;
}

interface Pictured {
  thumbnail: Uint8Array;
  width: number;
  height: number;
}

/** The orientations of b within `threshold` of a's upright hash, closest first (the lower transform on ties), at most ORIENTATIONS_TRIED, and b upright. */
function closestVariants(a: Fingerprint, b: Fingerprint, threshold: number): VariantMatch[] {
  const displayed = bigintToPair(a.variants[0] ?? 0n);
  const within: VariantMatch[] = [];
  b.variants.forEach((variant, transform) => {
    const distance = hamming32Pair(displayed, bigintToPair(variant));
    if (distance <= threshold) within.push({ distance, transform });
  });
  const closest = within.sort((p, q) => p.distance - q.distance || p.transform - q.transform).slice(0, ORIENTATIONS_TRIED);
  // Far apart, the closest orientations are often wrong ones, and a crop query only finds a copy
  // as it stands: the photo as displayed is always tried (a square crop and a 15 % crop of one
  // photo, 24 bits apart, had two mirror images closer than that).
  const upright = within.find((match) => match.transform === 0);
  return upright && !closest.includes(upright) ? [...closest, upright] : closest;
}

/**
 * True when some crop alignment of a and b (turned by `transform`) explains their `distance`. Any
 * one alignment that passes every test is enough, so they are tried most promising first and the
 * first to pass ends the search.
 */
function alignmentExplains(a: Pictured, b: Pictured, { distance, transform }: VariantMatch, seen: Seen): boolean {
  const side = Math.round(Math.sqrt(a.thumbnail.length));
  const turned = dihedral({ width: side, height: side, data: b.thumbnail }, transform).data;
  const aspectB = transform >= 4 ? b.height / b.width : b.width / b.height;
  return alignCrops(a.thumbnail, turned, a.width / a.height, aspectB).some((candidate) => {
    const parts = candidate.parts();
    seen.correlation = Math.max(seen.correlation, parts.correlation);
    const test = { distance, impliedByShape: candidate.impliedByShape };
    if (partsMatch(parts, parts.correlation, test, () => parts.gradientCorrelation())) return true;
    // A filtered copy: the same picture under another tone curve and vignette (tone-fit.ts).
    if (parts.correlation < TONE_FIT_FROM || seen.fits >= TONE_FITS) return false;
    seen.fits++;
    const fitted = fitToneAndVignette(parts.a, parts.b);
    const fittedCorrelation = correlation(fitted, parts.b);
    const fittedGradients = () => correlation(gradients(fitted), gradients(parts.b));
    // On a smooth, misty picture pHash's bits flip under any re-toning, fitted or not: there, pixels
    // and their gradients that agree almost perfectly once fitted are evidence enough.
    if (fittedCorrelation >= FITTED_ALIKE && fittedGradients() >= FITTED_GRADIENTS_ALIKE) return true;
    return partsMatch({ a: fitted, b: parts.b }, fittedCorrelation, test, fittedGradients);
  });
}

/**
 * The tests one aligned pair of parts must pass: pixels, their pHash (closer than the raw distance),
 * gradients. The parts' samples are read only past the first (an alignment's are copied out of the
 * kernel when read).
 */
function partsMatch(
  parts: { readonly a: Float64Array; readonly b: Float64Array },
  pixelCorrelation: number,
  { distance, impliedByShape }: { distance: number; impliedByShape: boolean },
  gradientCorrelation: () => number,
): boolean {
  if (pixelCorrelation < MIN_CORRELATION) return false;
  const alignedDistance = hamming32Pair(phash32(parts.a), phash32(parts.b));
  const explained = alignedDistance <= ALIGNED_NEAR_DISTANCE || (!impliedByShape && alignedDistance <= ALIGNED_MAX_DISTANCE && alignedDistance < distance);
  return explained && gradientCorrelation() >= MIN_GRADIENT_CORRELATION;
}

/**
 * The check the grouping stage asks of every near candidate: a crop query may bring a cropped copy
 * from farther than `threshold`, so the distance allowed here is never below CROPPED_COPY_MAX_DISTANCE.
 * Photos inside bars are compared by the photo within them (content-views.ts).
 */
export function confirmCandidate(a: Fingerprint, b: Fingerprint, threshold: number): boolean {
  const allowed = Math.max(threshold, CROPPED_COPY_MAX_DISTANCE);
  // Both inside bars: every view of the pair is a barred picture or cut from one, so no tone fit or
  // second look (two halves of one lake, each letterboxed, passed with them). One inside bars: its
  // content may meet a filtered or straightened copy of itself, which needs them.
  const bothCut = a.content !== undefined && b.content !== undefined;
  return confirmViews(a, b, (x, y, content) =>
    content
      ? confirmMatch(x, y, allowed, CONTENT_NEAR_DISTANCE, bothCut) && confirmMatch(y, x, allowed, CONTENT_NEAR_DISTANCE, bothCut)
      : confirmMatch(x, y, allowed),
  );
}
