/**
 * A typical app vignette on the 32×32 thumbnail: a gain of 1 at the centre falling linearly with
 * the distance to 55 % in the corners (the dev-hard `filter`: `radial-gradient:white-gray55`). The
 * crop queries hash a photo under it, so a vignetted copy is found; the pixel check takes it off a
 * thumbnail, so the copy's 1-D profiles line up with its original's again.
 */

import { AXIS } from './resample.js';

const CORNER_GAIN = 0.55;

/** Gain by thumbnail sample, row-major. */
const GAIN = Float64Array.from({ length: AXIS * AXIS }, (_, i) => {
  const x = ((i % AXIS) * 2 + 1) / AXIS - 1;
  const y = (Math.floor(i / AXIS) * 2 + 1) / AXIS - 1;
  return 1 - ((1 - CORNER_GAIN) * Math.hypot(x, y)) / Math.SQRT2;
});

/** The thumbnail under the vignette. (Plain loops: `Float64Array.from` with a mapping function cost a third of every photo's crop queries.) */
export function vignetted(thumbnail: ArrayLike<number>): Float64Array {
  const out = new Float64Array(AXIS * AXIS);
  for (let i = 0; i < out.length; i++) out[i] = (thumbnail[i] as number) * (GAIN[i] as number);
  return out;
}

/** The thumbnail with the vignette taken off (grey levels clamped to 255). */
export function devignetted(thumbnail: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(AXIS * AXIS);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(255, Math.round((thumbnail[i] as number) / (GAIN[i] as number)));
  return out;
}

/** Rows (or columns) at each edge a band check reads, and how far from their mean its samples may be. */
const BAND = 2;
const FLAT = 6;

/**
 * True when both ends of one axis are flat bands: a letterboxed or framed picture. Its bars, not
 * its picture, decide any correlation, so the pixel check gives it no tone fit and no second look.
 */
export function hasFlatBands(thumbnail: ArrayLike<number>): boolean {
  const flat = (at: (k: number, i: number) => number) => {
    let sum = 0;
    for (let k = 0; k < BAND; k++) for (let i = 0; i < AXIS; i++) sum += at(k, i);
    const mean = sum / (BAND * AXIS);
    for (let k = 0; k < BAND; k++) for (let i = 0; i < AXIS; i++) if (Math.abs(at(k, i) - mean) > FLAT) return false;
    return true;
  };
  const pixel = (x: number, y: number) => thumbnail[y * AXIS + x] as number;
  const rows = flat((k, i) => pixel(i, k)) && flat((k, i) => pixel(i, AXIS - 1 - k));
  const columns = flat((k, i) => pixel(k, i)) && flat((k, i) => pixel(AXIS - 1 - k, i));
  return rows || columns;
}
