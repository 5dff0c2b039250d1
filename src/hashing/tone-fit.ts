/**
 * An app filter changes a photo's tones everywhere in the same way and darkens its corners: a tone
 * curve (contrast, a tint or less saturation seen in grey) and a vignette, a gain that falls off
 * from the centre. Neither moves anything, yet both lower the plain pixel correlation and move the
 * low frequencies pHash reads (a sepia, sigmoid-contrast, 55 %-corner copy of the dev-hard split
 * sits 8-10 bits away and correlates at 0.84). Mapping one part onto the other's tones and gain
 * first lets the pixel check see through them:
 *
 *   b ≈ c0 + c1·a + c2·a² + c3·a·x² + c4·a·y²
 *
 * with x, y the position in [-1, 1] across the part: a quadratic tone curve and a separable radial
 * gain, five numbers fitted by least squares over 1,024 pixels. Five degrees of freedom cannot make
 * two different pictures alike, and the fitted part still has to pass every test of the pixel check
 * (correlation, aligned pHash distance, gradients).
 */

import { AXIS } from './resample.js';

const TERMS = 5;

/** Position across the axis in [-1, 1], squared, by sample. */
const SQUARED_POSITION = Float64Array.from({ length: AXIS }, (_, i) => ((2 * i + 1) / AXIS - 1) ** 2);

/** `a` mapped onto `b`'s tone curve and vignette (both AXIS × AXIS, row-major); `a` itself when the fit is singular. */
export function fitToneAndVignette(a: Float64Array, b: Float64Array): Float64Array {
  // Normal equations M·c = v of the least-squares fit. Grey levels are scaled to [0, 1] so the
  // squared terms stay of the same order as the others.
  const normal = new Float64Array(TERMS * TERMS);
  const right = new Float64Array(TERMS);
  const term = new Float64Array(TERMS);
  for (let y = 0; y < AXIS; y++) {
    const yy = SQUARED_POSITION[y] as number;
    for (let x = 0; x < AXIS; x++) {
      const value = (a[y * AXIS + x] as number) / 255;
      fillTerms(term, value, SQUARED_POSITION[x] as number, yy);
      const target = (b[y * AXIS + x] as number) / 255;
      for (let i = 0; i < TERMS; i++) {
        const ti = term[i] as number;
        right[i] = (right[i] as number) + ti * target;
        for (let j = i; j < TERMS; j++) normal[i * TERMS + j] = (normal[i * TERMS + j] as number) + ti * (term[j] as number);
      }
    }
  }
  for (let i = 0; i < TERMS; i++) for (let j = 0; j < i; j++) normal[i * TERMS + j] = normal[j * TERMS + i] as number;
  const coefficients = solve(normal, right);
  if (!coefficients) return a;
  const fitted = new Float64Array(AXIS * AXIS);
  for (let y = 0; y < AXIS; y++) {
    const yy = SQUARED_POSITION[y] as number;
    for (let x = 0; x < AXIS; x++) {
      fillTerms(term, (a[y * AXIS + x] as number) / 255, SQUARED_POSITION[x] as number, yy);
      let sum = 0;
      for (let i = 0; i < TERMS; i++) sum += (coefficients[i] as number) * (term[i] as number);
      fitted[y * AXIS + x] = sum * 255;
    }
  }
  return fitted;
}

function fillTerms(term: Float64Array, value: number, xx: number, yy: number): void {
  term[0] = 1;
  term[1] = value;
  term[2] = value * value;
  term[3] = value * xx;
  term[4] = value * yy;
}

/** Gaussian elimination with partial pivoting of a small dense system; undefined when it is (near) singular. */
function solve(matrix: Float64Array, vector: Float64Array): Float64Array | undefined {
  const n = vector.length;
  const m = Float64Array.from(matrix);
  const v = Float64Array.from(vector);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(m[row * n + col] as number) > Math.abs(m[pivot * n + col] as number)) pivot = row;
    if (Math.abs(m[pivot * n + col] as number) < 1e-9) return undefined;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) [m[col * n + k], m[pivot * n + k]] = [m[pivot * n + k] as number, m[col * n + k] as number];
      [v[col], v[pivot]] = [v[pivot] as number, v[col] as number];
    }
    for (let row = col + 1; row < n; row++) {
      const factor = (m[row * n + col] as number) / (m[col * n + col] as number);
      for (let k = col; k < n; k++) m[row * n + k] = (m[row * n + k] as number) - factor * (m[col * n + k] as number);
      v[row] = (v[row] as number) - factor * (v[col] as number);
    }
  }
  const out = new Float64Array(n);
  for (let row = n - 1; row >= 0; row--) {
    let sum = v[row] as number;
    for (let k = row + 1; k < n; k++) sum -= (m[row * n + k] as number) * (out[k] as number);
    out[row] = sum / (m[row * n + row] as number);
  }
  return out;
}
