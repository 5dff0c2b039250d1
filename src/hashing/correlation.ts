/**
 * Pearson correlation, split so that a vector compared with many others is prepared once: centre
 * it (subtract its mean, keep its sum of squares), then each comparison is one dot product. Every
 * sum runs in index order, term by term as the one-shot formula computes it, so a correlation made
 * from prepared vectors is bit-identical to `correlation` of the raw ones: the thresholds that read
 * it see the same number whichever way it was made.
 */

/** Subtracts the mean of values[at, at + length) from each of them; returns their sum of squares after. */
export function centreInPlace(values: Float64Array, at = 0, length = values.length - at): number {
  const stop = at + length;
  let sum = 0;
  for (let i = at; i < stop; i++) sum += values[i] ?? 0;
  const mean = sum / length;
  let squares = 0;
  for (let i = at; i < stop; i++) {
    const centred = (values[i] ?? 0) - mean;
    values[i] = centred;
    squares += centred * centred;
  }
  return squares;
}

/** Dot product of a[aAt, aAt + length) and b[bAt, bAt + length). */
export function dot(a: Float64Array, aAt: number, b: Float64Array, bAt: number, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += (a[aAt + i] ?? 0) * (b[bAt + i] ?? 0);
  return sum;
}

/** Correlation from the dot product of two centred vectors and their sums of squares; 0 when either is flat. */
export function centredCorrelation(product: number, squaresA: number, squaresB: number): number {
  return squaresA > 0 && squaresB > 0 ? product / Math.sqrt(squaresA * squaresB) : 0;
}

/** Pearson correlation of two equal-length vectors; 0 when either is flat. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const centredA = Float64Array.from(a);
  const centredB = Float64Array.from(b);
  const squaresA = centreInPlace(centredA);
  const squaresB = centreInPlace(centredB);
  return centredCorrelation(dot(centredA, 0, centredB, 0, centredA.length), squaresA, squaresB);
}
