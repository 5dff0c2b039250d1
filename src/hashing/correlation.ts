/**
 * Pearson correlation in parts, so that a vector compared with many others is prepared once (its
 * mean and the sum of squares about it), and each comparison is one pass.
 *
 * Every sum here runs in four lanes: term i (counted from the first) goes to lane i mod 4, each
 * lane adds its terms in order, and the total is (lane 0 + lane 1) + (lane 2 + lane 3). One chain
 * of additions waits ~4 cycles per term for the one before; four chains run side by side, and the
 * 1,024-term products of an alignment's candidates took half the time (measured). All sums follow
 * the same rule over the same terms, so a correlation put together from parts is still
 * bit-identical to `correlation` of the whole vectors: thresholds that read it see the same number
 * whichever way it was made. The alignment kernel (assembly/axis-search.ts, assembly/regions.ts)
 * adds the same way, so its correlations are these numbers too. The lanes are written out in each
 * function rather than shared through a helper that takes the term as a function: that version
 * measured no faster than one chain (1,015 against 1,058 ns per product).
 */

/** Mean of the values. */
export function meanOf(values: ArrayLike<number>): number {
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  const end = values.length;
  const whole = end - (end % 4);
  let i = 0;
  for (; i < whole; i += 4) {
    l0 += values[i] ?? 0;
    l1 += values[i + 1] ?? 0;
    l2 += values[i + 2] ?? 0;
    l3 += values[i + 3] ?? 0;
  }
  for (let lane = 0; i < end; i++, lane++) {
    if (lane === 0) l0 += values[i] ?? 0;
    else if (lane === 1) l1 += values[i] ?? 0;
    else l2 += values[i] ?? 0;
  }
  return (l0 + l1 + (l2 + l3)) / end;
}

/** Sum of squared differences of the values from `mean`. */
export function squaresAbout(values: ArrayLike<number>, mean: number): number {
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  const end = values.length;
  const whole = end - (end % 4);
  let i = 0;
  for (; i < whole; i += 4) {
    const c0 = (values[i] ?? 0) - mean;
    const c1 = (values[i + 1] ?? 0) - mean;
    const c2 = (values[i + 2] ?? 0) - mean;
    const c3 = (values[i + 3] ?? 0) - mean;
    l0 += c0 * c0;
    l1 += c1 * c1;
    l2 += c2 * c2;
    l3 += c3 * c3;
  }
  for (let lane = 0; i < end; i++, lane++) {
    const centred = (values[i] ?? 0) - mean;
    if (lane === 0) l0 += centred * centred;
    else if (lane === 1) l1 += centred * centred;
    else l2 += centred * centred;
  }
  return l0 + l1 + (l2 + l3);
}

/** Σ (a[i] − meanA)(b[i] − meanB): the dot product of the two centred vectors, without making them. */
export function centredProduct(a: ArrayLike<number>, meanA: number, b: ArrayLike<number>, meanB: number): number {
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  const end = a.length;
  const whole = end - (end % 4);
  let i = 0;
  for (; i < whole; i += 4) {
    l0 += ((a[i] ?? 0) - meanA) * ((b[i] ?? 0) - meanB);
    l1 += ((a[i + 1] ?? 0) - meanA) * ((b[i + 1] ?? 0) - meanB);
    l2 += ((a[i + 2] ?? 0) - meanA) * ((b[i + 2] ?? 0) - meanB);
    l3 += ((a[i + 3] ?? 0) - meanA) * ((b[i + 3] ?? 0) - meanB);
  }
  for (let lane = 0; i < end; i++, lane++) {
    const term = ((a[i] ?? 0) - meanA) * ((b[i] ?? 0) - meanB);
    if (lane === 0) l0 += term;
    else if (lane === 1) l1 += term;
    else l2 += term;
  }
  return l0 + l1 + (l2 + l3);
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
