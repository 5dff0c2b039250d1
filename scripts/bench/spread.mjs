/**
 * What every bench case reports of its rounds: the smallest, the median and the largest. The median
 * of an even count is the mean of the two middle rounds; each case used to take one of the two,
 * which leant every even-round figure one way (the evidence case's overhead of 4 or 6 paired
 * rounds, the lower of the two middle ratios, to the favourable side).
 *
 * @param {number[]} values
 * @param {number} [digits] decimals kept; all when absent
 * @returns {{ min: number, median: number, max: number }}
 */
export function spread(values, digits) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const round = (value) => (digits === undefined ? value : Math.round(value * 10 ** digits) / 10 ** digits);
  return { min: round(sorted[0]), median: round(median), max: round(sorted.at(-1)) };
}
