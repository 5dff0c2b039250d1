/**
 * Finds how two thumbnails of one photo may have been cropped relative to each other. Each axis is
 * solved on its own from row and column mean profiles (cheap, 1-D), the best few per axis are
 * combined, combinations whose aspect ratios disagree with the photos' real shapes are dropped, and
 * the rest are scored on the full 2-D overlap.
 */

import { centreInPlace, centredCorrelation, correlation, dot } from './correlation.js';
import { cropCorrelation, cropProfiles, keepsEnough, STEPS_PER_AXIS, type CroppedProfiles } from './profile-crops.js';
import { AXIS, axisWeights, MAX_CROP_STEPS, resampleColumns, resampleRows } from './resample.js';

/** Overlap on one axis: cut steps at the start and end of a, and of b (one of each pair is 0). */
interface AxisOverlap {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
  score: number;
}

export interface AlignedPair {
  /** Common part of a and of b, each resampled to 32×32. */
  a: Float64Array;
  b: Float64Array;
  correlation: number;
  gradientCorrelation: () => number;
}

const PER_AXIS = 4;
/** Allowed disagreement of aspect ratios (log scale): resizing rounds sizes to whole pixels. */
const ASPECT_TOLERANCE = 0.05;

/** Candidate alignments, best first by grey-level correlation. */
export function alignCrops(a: Uint8Array, b: Uint8Array, aspectA: number, aspectB: number): AlignedPair[] {
  const xs = axisCandidates(cropProfiles(profile(a, true)), cropProfiles(profile(b, true)));
  const ys = axisCandidates(cropProfiles(profile(a, false)), cropProfiles(profile(b, false)));
  const regionA = regionsOf(a);
  const regionB = regionsOf(b);
  const pairs: AlignedPair[] = [];
  for (const x of xs) {
    for (const y of ys) {
      const keptA = (STEPS_PER_AXIS - x.aStart - x.aEnd) / (STEPS_PER_AXIS - y.aStart - y.aEnd);
      const keptB = (STEPS_PER_AXIS - x.bStart - x.bEnd) / (STEPS_PER_AXIS - y.bStart - y.bEnd);
      if (Math.abs(Math.log((aspectA * keptA) / (aspectB * keptB))) > ASPECT_TOLERANCE) continue;
      const partA = regionA(x.aStart, x.aEnd, y.aStart, y.aEnd);
      const partB = regionB(x.bStart, x.bEnd, y.bStart, y.bEnd);
      pairs.push({
        a: partA.pixels,
        b: partB.pixels,
        correlation: centredCorrelation(dot(partA.centred, 0, partB.centred, 0, AXIS * AXIS), partA.squares, partB.squares),
        gradientCorrelation: () => correlation(gradients(partA.pixels), gradients(partB.pixels)),
      });
    }
  }
  return pairs.sort((p, q) => q.correlation - p.correlation);
}

function profile(raster: Uint8Array, columns: boolean): Float64Array {
  const out = new Float64Array(AXIS);
  for (let y = 0; y < AXIS; y++) {
    for (let x = 0; x < AXIS; x++) out[columns ? x : y] = (out[columns ? x : y] ?? 0) + (raster[y * AXIS + x] ?? 0);
  }
  return out;
}

/** Best PER_AXIS overlaps by profile correlation (ties in trial order), plus "no crop" so plain copies are always tried. */
function axisCandidates(profileA: CroppedProfiles, profileB: CroppedProfiles): AxisOverlap[] {
  const best: AxisOverlap[] = [];
  let identity: AxisOverlap | undefined;
  for (let start = -MAX_CROP_STEPS; start <= MAX_CROP_STEPS; start++) {
    for (let end = -MAX_CROP_STEPS; end <= MAX_CROP_STEPS; end++) {
      const aStart = Math.max(0, start);
      const bStart = Math.max(0, -start);
      const aEnd = Math.max(0, end);
      const bEnd = Math.max(0, -end);
      if (!keepsEnough(aStart, aEnd) || !keepsEnough(bStart, bEnd)) continue;
      const score = cropCorrelation(profileA, aStart, aEnd, profileB, bStart, bEnd);
      const isIdentity = start === 0 && end === 0;
      const rank = rankAmong(best, score);
      if (rank === PER_AXIS && !isIdentity) continue;
      const overlap = { aStart, aEnd, bStart, bEnd, score };
      if (isIdentity) identity = overlap;
      if (rank < PER_AXIS) {
        best.splice(rank, 0, overlap);
        if (best.length > PER_AXIS) best.pop();
      }
    }
  }
  if (identity && !best.includes(identity)) best.push(identity);
  return best;
}

/** Where a score goes in `best` (sorted high to low, an equal score after those already there); PER_AXIS when it does not make the cut. */
function rankAmong(best: readonly AxisOverlap[], score: number): number {
  let rank = best.length;
  while (rank > 0 && (best[rank - 1]?.score ?? 0) < score) rank--;
  return Math.min(rank, PER_AXIS);
}

interface Region {
  /** The region resampled to AXIS × AXIS. */
  pixels: Float64Array;
  /** The same minus its mean, and its sum of squares: its side of a correlation. */
  centred: Float64Array;
  squares: number;
}

/**
 * Regions of one raster by crop steps [xStart, xEnd, yStart, yEnd], each made once: the candidate
 * overlaps often share one side's crop (the uncropped side of each overlap is 0, 0), and those that
 * share its horizontal crop share the columns pass of the resampling.
 */
function regionsOf(raster: Uint8Array): (xStart: number, xEnd: number, yStart: number, yEnd: number) => Region {
  const columns = new Map<number, Float64Array>();
  const regions = new Map<number, Region>();
  return (xStart, xEnd, yStart, yEnd) => {
    const xKey = xStart * 100 + xEnd;
    const key = xKey * 10_000 + yStart * 100 + yEnd;
    const known = regions.get(key);
    if (known) return known;
    let resampled = columns.get(xKey);
    if (!resampled) {
      resampled = resampleColumns(raster, axisWeights(xStart, xEnd));
      columns.set(xKey, resampled);
    }
    const pixels = resampleRows(resampled, axisWeights(yStart, yEnd));
    const centred = Float64Array.from(pixels);
    const region = { pixels, centred, squares: centreInPlace(centred) };
    regions.set(key, region);
    return region;
  };
}

/** Horizontal then vertical forward differences, as one vector. */
function gradients(raster: Float64Array): Float64Array {
  const out = new Float64Array(2 * AXIS * AXIS);
  for (let y = 0; y < AXIS; y++) {
    for (let x = 0; x < AXIS; x++) {
      const here = raster[y * AXIS + x] ?? 0;
      out[y * AXIS + x] = x + 1 < AXIS ? (raster[y * AXIS + x + 1] ?? 0) - here : 0;
      out[AXIS * AXIS + y * AXIS + x] = y + 1 < AXIS ? (raster[(y + 1) * AXIS + x] ?? 0) - here : 0;
    }
  }
  return out;
}
