/**
 * Area (box-filter) resampling of a sub-interval of a 32-sample axis back to 32 samples: the
 * primitive that lets confirmMatch compare the overlapping parts of two crops of one photo.
 * Intervals are quantised to a grid so their weights are computed once and reused.
 */

export const AXIS = 32;
/** Crop step and the largest crop considered on one side, as fractions of the axis. */
export const CROP_STEP = 0.0125;
export const MAX_CROP_STEPS = 20; // 25 %: a square crop of a 3:2 photo cuts 16.7 % a side, of a 16:9 one 22 %

/**
 * Output sample o averages source samples first[o] and first[o] + 1 over its area:
 * near[o] · s[first[o]] + far[o] · s[first[o] + 1]. A crop only cuts, so an output sample is at
 * most one source sample wide and meets at most two of them; one that lies inside a single source
 * sample gives the other weight 0, which adds an exact 0. Two products in a fixed form are what
 * makes the ~4,000 profile samples an alignment resamples cheap.
 */
export interface AxisWeights {
  readonly first: Int32Array;
  readonly near: Float64Array;
  readonly far: Float64Array;
}

const cache = new Map<number, AxisWeights>();

/** Weights for the interval [startSteps·STEP, 1 − endSteps·STEP] of the axis. */
export function axisWeights(startSteps: number, endSteps: number): AxisWeights {
  const key = startSteps * 1000 + endSteps;
  const known = cache.get(key);
  if (known) return known;
  if (startSteps < 0 || endSteps < 0) throw new RangeError(`a crop cuts the axis, it cannot extend it: ${startSteps}, ${endSteps}`);
  const lo = startSteps * CROP_STEP * AXIS;
  const hi = (1 - endSteps * CROP_STEP) * AXIS;
  const step = (hi - lo) / AXIS;
  const first = new Int32Array(AXIS);
  const near = new Float64Array(AXIS);
  const far = new Float64Array(AXIS);
  for (let out = 0; out < AXIS; out++) {
    const s0 = lo + out * step;
    const s1 = s0 + step;
    const k = Math.max(0, Math.floor(s0));
    const areaHere = Math.min(s1, k + 1) - Math.max(s0, k);
    const areaNext = Math.min(AXIS, Math.ceil(s1)) > k + 1 ? Math.min(s1, k + 2) - (k + 1) : 0;
    const total = areaHere + areaNext;
    // Inside the last source sample: read it as the "far" one, so no weight points past the axis.
    const last = k === AXIS - 1;
    first[out] = last ? k - 1 : k;
    near[out] = last ? 0 : areaHere / total;
    far[out] = last ? areaHere / total : areaNext / total;
  }
  const made = { first, near, far };
  cache.set(key, made);
  return made;
}

/** The weights of an axis not cut at all (each output sample is its source sample). */
const UNCUT = axisWeights(0, 0);

/**
 * The weights of several crops back to back, crop c at [c·AXIS, (c + 1)·AXIS): a loop over many
 * crops reads one table instead of an object per crop (measured: ~15 % of the 1-D search).
 */
export function weightsTable(crops: readonly AxisWeights[]): AxisWeights {
  const first = new Int32Array(crops.length * AXIS);
  const near = new Float64Array(crops.length * AXIS);
  const far = new Float64Array(crops.length * AXIS);
  crops.forEach((crop, c) => {
    first.set(crop.first, c * AXIS);
    near.set(crop.near, c * AXIS);
    far.set(crop.far, c * AXIS);
  });
  return { first, near, far };
}

/**
 * 2-D resample of an AXIS × AXIS raster: columns by `xAxis`, rows by `yAxis`, into `out` (with
 * `columns` for the first pass's result). An uncut axis gets no pass: its weights, 1 and 0, give
 * back each sample exactly, and 10 of the 12 crop queries made of every photo hashed cut one axis only.
 */
export function resampleRegion(
  raster: ArrayLike<number>,
  xAxis: AxisWeights,
  yAxis: AxisWeights,
  out: Float64Array = new Float64Array(AXIS * AXIS),
  columns: Float64Array = new Float64Array(AXIS * AXIS),
): Float64Array {
  if (xAxis === UNCUT) columns.set(raster);
  else resampleColumns(raster, xAxis, columns);
  if (yAxis !== UNCUT) return resampleRows(columns, yAxis, out);
  out.set(columns);
  return out;
}

/**
 * The two passes of resampleRegion. Apart, the columns pass is made once for all the regions that
 * share a horizontal crop; together or apart, the arithmetic is the same.
 */
export function resampleColumns(raster: ArrayLike<number>, xAxis: AxisWeights, out: Float64Array = new Float64Array(AXIS * AXIS)): Float64Array {
  const { first, near, far } = xAxis;
  for (let o = 0; o < AXIS; o++) {
    const here = first[o] ?? 0;
    const wHere = near[o] ?? 0;
    const wNext = far[o] ?? 0;
    for (let y = 0; y < AXIS; y++) out[y * AXIS + o] = wHere * (raster[y * AXIS + here] ?? 0) + wNext * (raster[y * AXIS + here + 1] ?? 0);
  }
  return out;
}

export function resampleRows(columns: Float64Array, yAxis: AxisWeights, out: Float64Array = new Float64Array(AXIS * AXIS)): Float64Array {
  const { first, near, far } = yAxis;
  for (let o = 0; o < AXIS; o++) {
    const here = (first[o] ?? 0) * AXIS;
    const wHere = near[o] ?? 0;
    const wNext = far[o] ?? 0;
    for (let x = 0; x < AXIS; x++) out[o * AXIS + x] = wHere * (columns[here + x] ?? 0) + wNext * (columns[here + AXIS + x] ?? 0);
  }
  return out;
}
