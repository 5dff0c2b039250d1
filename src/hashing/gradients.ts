/** Horizontal and vertical forward differences of an AXIS × AXIS raster: what the pixel check compares to see detail, not just light. */

import { AXIS } from './resample.js';

/** Horizontal then vertical forward differences, as one vector. */
export function gradients(raster: Float64Array): Float64Array {
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
