/**
 * Area (box-filter) resampling of a sub-interval of a 32-sample axis back to 32 samples: the
 * primitive that lets confirmMatch compare the overlapping parts of two crops of one photo.
 * Intervals are quantised to a grid so their weights are computed once and reused.
 */

export const AXIS = 32;
/** Crop step and the largest crop considered on one side, as fractions of the axis. */
export const CROP_STEP = 0.0125;
export const MAX_CROP_STEPS = 12; // 15 %

export interface AxisWeights {
  /** First and one-past-last source sample per output sample. */
  readonly from: Int32Array;
  readonly to: Int32Array;
  /** Dense AXIS × AXIS weights, row per output sample, each row summing to 1. */
  readonly weights: Float64Array;
}

const cache = new Map<number, AxisWeights>();

/** Weights for the interval [startSteps·STEP, 1 − endSteps·STEP] of the axis. */
export function axisWeights(startSteps: number, endSteps: number): AxisWeights {
  const key = startSteps * 1000 + endSteps;
  const known = cache.get(key);
  if (known) return known;
  const lo = startSteps * CROP_STEP * AXIS;
  const hi = (1 - endSteps * CROP_STEP) * AXIS;
  const step = (hi - lo) / AXIS;
  const from = new Int32Array(AXIS);
  const to = new Int32Array(AXIS);
  const weights = new Float64Array(AXIS * AXIS);
  for (let out = 0; out < AXIS; out++) {
    const s0 = lo + out * step;
    const s1 = s0 + step;
    const first = Math.max(0, Math.floor(s0));
    const last = Math.min(AXIS, Math.ceil(s1));
    let total = 0;
    for (let k = first; k < last; k++) {
      const w = Math.min(s1, k + 1) - Math.max(s0, k);
      weights[out * AXIS + k] = w;
      total += w;
    }
    for (let k = first; k < last; k++) weights[out * AXIS + k] = (weights[out * AXIS + k] ?? 0) / total;
    from[out] = first;
    to[out] = last;
  }
  const made = { from, to, weights };
  cache.set(key, made);
  return made;
}

/** 1-D resample of a profile of AXIS samples, written to out[at, at + AXIS). */
export function resampleProfile(profile: Float64Array, axis: AxisWeights, out: Float64Array, at: number): void {
  const { from, to, weights } = axis;
  for (let o = 0; o < AXIS; o++) {
    let sum = 0;
    for (let k = from[o] ?? 0; k < (to[o] ?? 0); k++) sum += (weights[o * AXIS + k] ?? 0) * (profile[k] ?? 0);
    out[at + o] = sum;
  }
}

/** 2-D resample of an AXIS × AXIS raster: columns by `xAxis`, rows by `yAxis`. */
export function resampleRegion(raster: ArrayLike<number>, xAxis: AxisWeights, yAxis: AxisWeights): Float64Array {
  return resampleRows(resampleColumns(raster, xAxis), yAxis);
}

/**
 * The two passes of resampleRegion. Apart, the columns pass is made once for all the regions that
 * share a horizontal crop; together or apart, the arithmetic is the same.
 */
export function resampleColumns(raster: ArrayLike<number>, xAxis: AxisWeights): Float64Array {
  const { from, to, weights } = xAxis;
  const out = new Float64Array(AXIS * AXIS);
  for (let y = 0; y < AXIS; y++) {
    for (let o = 0; o < AXIS; o++) {
      let sum = 0;
      for (let k = from[o] ?? 0; k < (to[o] ?? 0); k++) sum += (weights[o * AXIS + k] ?? 0) * (raster[y * AXIS + k] ?? 0);
      out[y * AXIS + o] = sum;
    }
  }
  return out;
}

export function resampleRows(columns: Float64Array, yAxis: AxisWeights): Float64Array {
  const { from, to, weights } = yAxis;
  const out = new Float64Array(AXIS * AXIS);
  for (let o = 0; o < AXIS; o++) {
    for (let x = 0; x < AXIS; x++) {
      let sum = 0;
      for (let k = from[o] ?? 0; k < (to[o] ?? 0); k++) sum += (weights[o * AXIS + k] ?? 0) * (columns[k * AXIS + x] ?? 0);
      out[o * AXIS + x] = sum;
    }
  }
  return out;
}
