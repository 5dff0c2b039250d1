/**
 * The 2-D half of crop alignment (src/hashing/thumbnail-regions.ts, class Regions): a thumbnail's
 * region under a crop resampled back to 32×32, its mean and sum of squares, and the centred product
 * of two regions, whose correlation ranks an alignment's candidates. In JavaScript this was a third
 * of choosing a group's best photo once the 1-D search ran here (axis-search.ts).
 *
 * Same arithmetic as resample.ts and correlation.ts, term by term: each output sample is
 * near · s + far · s', sums run in four lanes (lanes 0 and 1 in one f64x2, lanes 2 and 3 in
 * another, total (lane 0 + lane 1) + (lane 2 + lane 3)), and WebAssembly has no fused multiply-add,
 * so every number is bit-identical to the JavaScript one.
 *
 * The caller (src/hashing/alignment-kernel.ts) lays out the weights table and every raster in the
 * imported memory and passes byte offsets. A raster is SIDE × SIDE f64 samples, row-major; a
 * thumbnail is SIDE × SIDE bytes.
 */

const SIDE: usize = 32;
const SAMPLES: usize = SIDE * SIDE;
/** Crops cut 0 to MAX_CROP_STEPS steps off each end of an axis. */
const CROP_CHOICES: usize = 21;

let cropFirst: usize = 0;
let cropNear: usize = 0;
let cropFar: usize = 0;

/** Names the weights of every crop (start · CROP_CHOICES + end, SIDE samples each), laid out by the caller. */
export function initRegions(first: usize, near: usize, far: usize): void {
  cropFirst = first;
  cropNear = near;
  cropFar = far;
}

/** The thumbnail at `thumbnail` (bytes) as samples at `into`, uncut. */
export function widen(thumbnail: usize, into: usize): void {
  for (let i: usize = 0; i < SAMPLES; i++) store<f64>(into + (i << 3), <f64>load<u8>(thumbnail + i));
}

/** resampleColumns of resample.ts: the thumbnail's columns cut `start` and `end` steps, into `into`. */
export function resampleColumns(thumbnail: usize, start: i32, end: i32, into: usize): void {
  const crop = (<usize>start * CROP_CHOICES + <usize>end) * SIDE;
  for (let o: usize = 0; o < SIDE; o++) {
    const here = <usize>load<i32>(cropFirst + ((crop + o) << 2));
    const wHere = load<f64>(cropNear + ((crop + o) << 3));
    const wNext = load<f64>(cropFar + ((crop + o) << 3));
    for (let y: usize = 0; y < SIDE; y++) {
      const row = thumbnail + y * SIDE + here;
      store<f64>(into + ((y * SIDE + o) << 3), wHere * <f64>load<u8>(row) + wNext * <f64>load<u8>(row + 1));
    }
  }
}

/** resampleRows of resample.ts: the rows of samples at `columns` cut `start` and `end` steps, into `into`. */
export function resampleRows(columns: usize, start: i32, end: i32, into: usize): void {
  const crop = (<usize>start * CROP_CHOICES + <usize>end) * SIDE;
  for (let o: usize = 0; o < SIDE; o++) {
    const here = columns + ((<usize>load<i32>(cropFirst + ((crop + o) << 2)) * SIDE) << 3);
    const wHere = f64x2.splat(load<f64>(cropNear + ((crop + o) << 3)));
    const wNext = f64x2.splat(load<f64>(cropFar + ((crop + o) << 3)));
    const out = into + ((o * SIDE) << 3);
    for (let x: usize = 0; x < SIDE << 3; x += 16) {
      v128.store(out + x, f64x2.add(f64x2.mul(wHere, v128.load(here + x)), f64x2.mul(wNext, v128.load(here + (SIDE << 3) + x))));
    }
  }
}

/** meanOf of correlation.ts over the SAMPLES at `values`. */
export function meanOf(values: usize): f64 {
  let low = f64x2.splat(0);
  let high = f64x2.splat(0);
  for (let i: usize = 0; i < SAMPLES << 3; i += 32) {
    low = f64x2.add(low, v128.load(values + i));
    high = f64x2.add(high, v128.load(values + i + 16));
  }
  return (f64x2.extract_lane(low, 0) + f64x2.extract_lane(low, 1) + (f64x2.extract_lane(high, 0) + f64x2.extract_lane(high, 1))) / <f64>SAMPLES;
}

/** squaresAbout of correlation.ts: Σ (v − mean)² over the SAMPLES at `values`. */
export function squaresAbout(values: usize, mean: f64): f64 {
  const centre = f64x2.splat(mean);
  let low = f64x2.splat(0);
  let high = f64x2.splat(0);
  for (let i: usize = 0; i < SAMPLES << 3; i += 32) {
    const c0 = f64x2.sub(v128.load(values + i), centre);
    const c1 = f64x2.sub(v128.load(values + i + 16), centre);
    low = f64x2.add(low, f64x2.mul(c0, c0));
    high = f64x2.add(high, f64x2.mul(c1, c1));
  }
  return f64x2.extract_lane(low, 0) + f64x2.extract_lane(low, 1) + (f64x2.extract_lane(high, 0) + f64x2.extract_lane(high, 1));
}

/** centredProduct of correlation.ts: Σ (a − meanA)(b − meanB) over the SAMPLES at `a` and `b`. */
export function centredProduct(a: usize, meanA: f64, b: usize, meanB: f64): f64 {
  const centreA = f64x2.splat(meanA);
  const centreB = f64x2.splat(meanB);
  let low = f64x2.splat(0);
  let high = f64x2.splat(0);
  for (let i: usize = 0; i < SAMPLES << 3; i += 32) {
    low = f64x2.add(low, f64x2.mul(f64x2.sub(v128.load(a + i), centreA), f64x2.sub(v128.load(b + i), centreB)));
    high = f64x2.add(high, f64x2.mul(f64x2.sub(v128.load(a + i + 16), centreA), f64x2.sub(v128.load(b + i + 16), centreB)));
  }
  return f64x2.extract_lane(low, 0) + f64x2.extract_lane(low, 1) + (f64x2.extract_lane(high, 0) + f64x2.extract_lane(high, 1));
}

let turnTables: usize = 0;

/** Names the tables of the 8 turns of a thumbnail (SAMPLES i32 each: where each byte comes from), laid out by the caller. */
export function initTurns(tables: usize): void {
  turnTables = tables;
}

/** The thumbnail at `from` under dihedral transform `transform` (dihedral.ts), into `into`. */
export function turn(from: usize, transform: i32, into: usize): void {
  const table = turnTables + ((<usize>transform * SAMPLES) << 2);
  for (let k: usize = 0; k < SAMPLES; k++) store<u8>(into + k, load<u8>(from + <usize>load<i32>(table + (k << 2))));
}

/**
 * The column and row sums of the thumbnail at `thumbnail` (the profiles the axis search compares;
 * sums of whole numbers, exact in any order), written as the samples of the profiles at `columns`
 * and `rows`.
 */
export function profiles(thumbnail: usize, columns: usize, rows: usize): void {
  memory.fill(columns, 0, SIDE << 3);
  for (let y: usize = 0; y < SIDE; y++) {
    let row: f64 = 0;
    for (let x: usize = 0; x < SIDE; x++) {
      const value = <f64>load<u8>(thumbnail + y * SIDE + x);
      store<f64>(columns + (x << 3), load<f64>(columns + (x << 3)) + value);
      row += value;
    }
    store<f64>(rows + (y << 3), row);
  }
}
