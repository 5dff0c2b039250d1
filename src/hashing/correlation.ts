/**
 * Pearson correlation in parts, so that a vector compared with many others is prepared once (its
 * mean and the sum of squares about it), and each comparison is one pass. Every sum runs in index
 * order over the same terms as the one-shot formula, so a correlation put together from parts is
 * bit-identical to `correlation` of the whole vectors: thresholds that read it see the same number
 * whichever way it was made.
 */

/** Mean of values[at, at + length), summed in index order. */
export function meanOf(values: ArrayLike<number>, at = 0, length = values.length - at): number {
  let sum = 0;
  for (let i = at; i < at + length; i++) sum += values[i] ?? 0;
  return sum / length;
}

/** Sum of squared differences of values[at, at + length) from `mean`. */
export function squaresAbout(values: ArrayLike<number>, mean: number, at = 0, length = values.length - at): number {
  let squares = 0;
  for (let i = at; i < at + length; i++) {
    const centred = (values[i] ?? 0) - mean;
    squares += centred * centred;
  }
  return squares;
}

/** Σ (a[i] − meanA)(b[i] − meanB): the dot product of the two centred vectors, without making them. */
export function centredProduct(a: ArrayLike<number>, meanA: number, b: ArrayLike<number>, meanB: number): number {
  let product = 0;
  for (let i = 0; i < a.length; i++) product += ((a[i] ?? 0) - meanA) * ((b[i] ?? 0) - meanB);
  return product;
}

/**
 * Subtracts `mean` (that of values[at, at + length), summed in index order) from each of them;
 * returns their sum of squares after. For vectors compared many times, where subtracting the mean
 * on every pass would cost more.
 */
export function centreInPlace(values: Float64Array, at: number, length: number, mean: number): number {
  let squares = 0;
  for (let i = at; i < at + length; i++) {
    const centred = (values[i] ?? 0) - mean;
    values[i] = centred;
    squares += centred * centred;
  }
  return squares;
}

/**
 * Dot product of a[aAt, aAt + length) and b[bAt, bAt + length), `length` a multiple of 4. Unrolled
 * (the terms still added one by one, in order): on 32 samples the loop's own overhead was a good
 * part of the 1-D search's time.
 */
export function dot(a: Float64Array, aAt: number, b: Float64Array, bAt: number, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i += 4) {
    sum += (a[aAt + i] ?? 0) * (b[bAt + i] ?? 0);
    sum += (a[aAt + i + 1] ?? 0) * (b[bAt + i + 1] ?? 0);
    sum += (a[aAt + i + 2] ?? 0) * (b[bAt + i + 2] ?? 0);
    sum += (a[aAt + i + 3] ?? 0) * (b[bAt + i + 3] ?? 0);
  }
  return sum;
}

/** Correlation from the dot product of two centred vectors and their sums of squares; 0 when either is flat. */
export function centredCorrelation(product: number, squaresA: number, squaresB: number): number {
  return squaresA > 0 && squaresB > 0 ? product / Math.sqrt(squaresA * squaresB) : 0;
}

/** Pearson correlation of two equal-length vectors; 0 when either is flat. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const meanA = meanOf(a);
  const meanB = meanOf(b);
  return centredCorrelation(centredProduct(a, meanA, b, meanB), squaresAbout(a, meanA), squaresAbout(b, meanB));
}
