/**
 * Finds how two thumbnails of one photo may have been cropped relative to each other. Each axis is
 * solved on its own from row and column mean profiles (cheap, 1-D), the best few per axis are
 * combined, combinations whose aspect ratios disagree with the photos' real shapes are dropped, and
 * the rest are scored on the full 2-D overlap.
 */

import { AXIS, axisWeights, correlation, MAX_CROP_STEPS, resampleProfile, resampleRegion } from './resample.js';

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
/** Overlap must keep at least this share of each image on each axis. */
const MIN_KEPT_STEPS = Math.round(0.8 / 0.0125);
const STEPS_PER_AXIS = Math.round(1 / 0.0125);
/** Allowed disagreement of aspect ratios (log scale): resizing rounds sizes to whole pixels. */
const ASPECT_TOLERANCE = 0.05;

/** Candidate alignments, best first by grey-level correlation. */
export function alignCrops(a: Uint8Array, b: Uint8Array, aspectA: number, aspectB: number): AlignedPair[] {
  const columnsA = profile(a, true);
  const columnsB = profile(b, true);
  const rowsA = profile(a, false);
  const rowsB = profile(b, false);
  const xs = axisCandidates(columnsA, columnsB);
  const ys = axisCandidates(rowsA, rowsB);
  const pairs: AlignedPair[] = [];
  for (const x of xs) {
    for (const y of ys) {
      const keptA = (STEPS_PER_AXIS - x.aStart - x.aEnd) / (STEPS_PER_AXIS - y.aStart - y.aEnd);
      const keptB = (STEPS_PER_AXIS - x.bStart - x.bEnd) / (STEPS_PER_AXIS - y.bStart - y.bEnd);
      if (Math.abs(Math.log((aspectA * keptA) / (aspectB * keptB))) > ASPECT_TOLERANCE) continue;
      const partA = resampleRegion(a, axisWeights(x.aStart, x.aEnd), axisWeights(y.aStart, y.aEnd));
      const partB = resampleRegion(b, axisWeights(x.bStart, x.bEnd), axisWeights(y.bStart, y.bEnd));
      pairs.push({
        a: partA,
        b: partB,
        correlation: correlation(partA, partB),
        gradientCorrelation: () => correlation(gradients(partA), gradients(partB)),
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

/** Best PER_AXIS overlaps by profile correlation, plus "no crop" so plain copies are always tried. */
function axisCandidates(profileA: Float64Array, profileB: Float64Array): AxisOverlap[] {
  const resampledA = new Map<number, Float64Array>();
  const resampledB = new Map<number, Float64Array>();
  const get = (cache: Map<number, Float64Array>, source: Float64Array, start: number, end: number) => {
    const key = start * 100 + end;
    let hit = cache.get(key);
    if (!hit) {
      hit = resampleProfile(source, axisWeights(start, end));
      cache.set(key, hit);
    }
    return hit;
  };
  const all: AxisOverlap[] = [];
  for (let start = -MAX_CROP_STEPS; start <= MAX_CROP_STEPS; start++) {
    for (let end = -MAX_CROP_STEPS; end <= MAX_CROP_STEPS; end++) {
      const aStart = Math.max(0, start);
      const bStart = Math.max(0, -start);
      const aEnd = Math.max(0, end);
      const bEnd = Math.max(0, -end);
      if (STEPS_PER_AXIS - aStart - aEnd < MIN_KEPT_STEPS || STEPS_PER_AXIS - bStart - bEnd < MIN_KEPT_STEPS) continue;
      const score = correlation(get(resampledA, profileA, aStart, aEnd), get(resampledB, profileB, bStart, bEnd));
      all.push({ aStart, aEnd, bStart, bEnd, score });
    }
  }
  all.sort((p, q) => q.score - p.score);
  const best = all.slice(0, PER_AXIS);
  if (!best.some(isIdentity)) {
    const identity = all.find(isIdentity);
    if (identity) best.push(identity);
  }
  return best;
}

function isIdentity(overlap: AxisOverlap): boolean {
  return overlap.aStart === 0 && overlap.aEnd === 0 && overlap.bStart === 0 && overlap.bEnd === 0;
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
