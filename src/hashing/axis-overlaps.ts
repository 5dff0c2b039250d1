/**
 * The 1-D half of crop alignment: which overlaps of two thumbnails along one axis make their row
 * (or column) profiles agree best. Every overlap tried cuts up to MAX_CROP_STEPS from each end of
 * one image or the other; 553 of them keep enough of both, and every one is scored, as the
 * correlation of the two profiles each resampled from its crop back to AXIS samples.
 *
 * Scoring is most of what an alignment costs, so no work is done twice. A trial cuts a given end of
 * one image, never of both, so a crop with a cut at one end or none appears in many trials: it is
 * resampled and centred once per side, and such a trial is one dot product. A crop cutting both
 * ends of one side meets only the other side uncut, in one trial: it too is resampled and centred
 * once (prepareProfile), and scored by one dot product. A profile prepared once serves every
 * alignment of its photo with another (a group aligns each of its photos with all the others).
 * The arithmetic is the plain correlation's, term by term, so every score is the number it would
 * be if each trial were computed on its own.
 */

import { centreInPlace, centredCorrelation, dot } from './correlation.js';
import { AXIS, axisWeights, MAX_CROP_STEPS, resampleProfile, weightsTable } from './resample.js';

/** Crop steps (1.25 % each) in a whole axis. */
const STEPS_PER_AXIS = Math.round(1 / 0.0125);
/**
 * An overlap must keep at least this many steps of each image on each axis: half, so that the square
 * crop of a 16:9 photo (56 % of its width) is still one. Two halves of one photo share nothing, and
 * the pixel check, not this limit, is what tells them apart.
 */
const MIN_KEPT_STEPS = Math.round(0.5 / 0.0125);
const PER_AXIS = 4;

/** Overlap on one axis: cut steps at the start and end of a, and of b (one of each pair is 0). */
export interface AxisOverlap {
  readonly aStart: number;
  readonly aEnd: number;
  readonly bStart: number;
  readonly bEnd: number;
  /** Correlation of the two profiles over the overlap. */
  readonly score: number;
}

type Cut = Omit<AxisOverlap, 'score'>;

/** Steps of a and of b an overlap keeps on its axis. */
function keptSteps(cut: Cut): [number, number] {
  return [STEPS_PER_AXIS - cut.aStart - cut.aEnd, STEPS_PER_AXIS - cut.bStart - cut.bEnd];
}

const LOG_OF_STEPS = Float64Array.from({ length: STEPS_PER_AXIS + 1 }, (_, steps) => Math.log(steps));

/**
 * log(kept steps of a / kept steps of b): how much an overlap changes the ratio of the two photos'
 * sides along its axis, in logs so that a shape check is a sum (from a table: it runs ~1,100 times
 * per alignment).
 */
export function keptLogRatio(cut: Cut): number {
  const [keptA, keptB] = keptSteps(cut);
  return (LOG_OF_STEPS[keptA] ?? 0) - (LOG_OF_STEPS[keptB] ?? 0);
}

/** Crops with a cut at one end or none, by slot. */
const SHARED: { start: number; end: number }[] = [];
for (let start = 0; start <= MAX_CROP_STEPS; start++) {
  for (let end = 0; end <= MAX_CROP_STEPS; end++) if (start === 0 || end === 0) SHARED.push({ start, end });
}
const SHARED_WEIGHTS = weightsTable(SHARED.map(({ start, end }) => axisWeights(start, end)));
const sharedSlot = (start: number, end: number) => SHARED.findIndex((crop) => crop.start === start && crop.end === end);
const UNCUT = sharedSlot(0, 0);

/** The overlaps tried, in the order that settles ties between equal scores: start, then end, from −MAX to MAX. */
const TRIALS: Cut[] = [];
for (let start = -MAX_CROP_STEPS; start <= MAX_CROP_STEPS; start++) {
  for (let end = -MAX_CROP_STEPS; end <= MAX_CROP_STEPS; end++) {
    const cut = { aStart: Math.max(0, start), aEnd: Math.max(0, end), bStart: Math.max(0, -start), bEnd: Math.max(0, -end) };
    if (keptSteps(cut).every((kept) => kept >= MIN_KEPT_STEPS)) TRIALS.push(cut);
  }
}
const isUncut = (cut: Cut) => cut.aStart + cut.aEnd + cut.bStart + cut.bEnd === 0;
const IDENTITY = TRIALS.findIndex(isUncut);
const TRIAL_LOG_RATIOS = Float64Array.from(TRIALS, keptLogRatio);

/** How each trial is scored: [trial, a slot, b slot] triples of shared crops … */
const SHARED_TRIALS = Int32Array.from(
  TRIALS.flatMap((cut, trial) => {
    const aSlot = sharedSlot(cut.aStart, cut.aEnd);
    const bSlot = sharedSlot(cut.bStart, cut.bEnd);
    return aSlot >= 0 && bSlot >= 0 ? [trial, aSlot, bSlot] : [];
  }),
);
/** … or a crop cutting both ends of a, or of b: the same crops either side, so one table of weights. */
const TWO_ENDED = TRIALS.filter((cut) => cut.aStart > 0 && cut.aEnd > 0).map((cut) => ({ start: cut.aStart, end: cut.aEnd }));
const TWO_ENDED_WEIGHTS = weightsTable(TWO_ENDED.map(({ start, end }) => axisWeights(start, end)));
/** The trial each two-ended crop is scored for, as a crop of a and as a crop of b. */
const trialsOfTwoEnded = (side: 'a' | 'b') =>
  Int32Array.from(TWO_ENDED, ({ start, end }) =>
    TRIALS.findIndex((cut) => (side === 'a' ? cut.aStart === start && cut.aEnd === end : cut.bStart === start && cut.bEnd === end)),
  );
const TWO_ENDED_OF_A = trialsOfTwoEnded('a');
const TWO_ENDED_OF_B = trialsOfTwoEnded('b');

/**
 * One side's profile prepared for scoring: under each shared crop (slot by slot) and each two-ended
 * crop, AXIS centred samples and their sum of squares. Prepared once per photo, it serves every
 * alignment of that photo with another (a group aligns each of its photos with all the others).
 */
export interface PreparedProfile {
  readonly centred: Float64Array;
  readonly squares: Float64Array;
  readonly twoEndedCentred: Float64Array;
  readonly twoEndedSquares: Float64Array;
}

/** Empty buffers for one prepared profile. */
export function preparedProfileBuffers(): PreparedProfile {
  return {
    centred: new Float64Array(SHARED.length * AXIS),
    squares: new Float64Array(SHARED.length),
    twoEndedCentred: new Float64Array(TWO_ENDED.length * AXIS),
    twoEndedSquares: new Float64Array(TWO_ENDED.length),
  };
}

/** Scratch for overlapScores (nothing here is asynchronous), not allocated anew per alignment. */
const sideA = preparedProfileBuffers();
const sideB = preparedProfileBuffers();
const trialScores = new Float64Array(TRIALS.length);

/** Every overlap's score, by trial (a fresh array: the scratch is reused by the next call). */
export function overlapScores(profileA: Float64Array, profileB: Float64Array): Float64Array {
  return preparedOverlapScores(prepareProfile(profileA, sideA), prepareProfile(profileB, sideB));
}

/** overlapScores of two prepared profiles: the same numbers. */
export function preparedOverlapScores(a: PreparedProfile, b: PreparedProfile): Float64Array {
  for (let i = 0; i < SHARED_TRIALS.length; i += 3) {
    const aSlot = SHARED_TRIALS[i + 1] ?? 0;
    const bSlot = SHARED_TRIALS[i + 2] ?? 0;
    const product = dot(a.centred, aSlot * AXIS, b.centred, bSlot * AXIS, AXIS);
    trialScores[SHARED_TRIALS[i] ?? 0] = centredCorrelation(product, a.squares[aSlot] ?? 0, b.squares[bSlot] ?? 0);
  }
  scoreTwoEnded(TWO_ENDED_OF_A, a, b);
  scoreTwoEnded(TWO_ENDED_OF_B, b, a);
  return trialScores.slice();
}

/**
 * The best-scoring overlap (first in trial order on ties) whose keptLogRatio satisfies `fits`: what
 * the other axis's crop and the photos' shapes demand of this one.
 */
export function bestOverlapWhere(scores: Float64Array, fits: (logRatio: number) => boolean): AxisOverlap | undefined {
  let bestTrial = -1;
  for (let trial = 0; trial < TRIALS.length; trial++) {
    if (!fits(TRIAL_LOG_RATIOS[trial] ?? 0)) continue;
    if (bestTrial < 0 || (scores[trial] ?? 0) > (scores[bestTrial] ?? 0)) bestTrial = trial;
  }
  return bestTrial < 0 ? undefined : overlapOf(bestTrial, scores[bestTrial] ?? 0);
}

/** A profile under every crop an alignment scores, into `into` (fresh buffers when none are given). */
export function prepareProfile(profile: Float64Array, into: PreparedProfile = preparedProfileBuffers()): PreparedProfile {
  const { centred, squares, twoEndedCentred, twoEndedSquares } = into;
  for (let slot = 0; slot < SHARED.length; slot++) {
    const sum = resampleProfile(profile, SHARED_WEIGHTS, centred, slot * AXIS, slot);
    squares[slot] = centreInPlace(centred, slot * AXIS, AXIS, sum / AXIS);
  }
  for (let crop = 0; crop < TWO_ENDED.length; crop++) {
    const sum = resampleProfile(profile, TWO_ENDED_WEIGHTS, twoEndedCentred, crop * AXIS, crop);
    twoEndedSquares[crop] = centreInPlace(twoEndedCentred, crop * AXIS, AXIS, sum / AXIS);
  }
  return into;
}

/** Scores of `own`'s two-ended crops against the other side uncut, into the trials given. */
function scoreTwoEnded(trials: Int32Array, own: PreparedProfile, other: PreparedProfile): void {
  const uncut = UNCUT * AXIS;
  const uncutSquares = other.squares[UNCUT] ?? 0;
  for (let crop = 0; crop < trials.length; crop++) {
    const product = dot(own.twoEndedCentred, crop * AXIS, other.centred, uncut, AXIS);
    trialScores[trials[crop] ?? 0] = centredCorrelation(product, own.twoEndedSquares[crop] ?? 0, uncutSquares);
  }
}

/**
 * The PER_AXIS overlaps that correlate best (ties in trial order, as a stable sort of all trials by
 * score would leave them), plus "no crop" when it is not among them, so plain copies are always tried.
 */
export function bestOverlaps(scores: Float64Array): AxisOverlap[] {
  const best: AxisOverlap[] = [];
  for (let trial = 0; trial < TRIALS.length; trial++) {
    const score = scores[trial] ?? 0;
    const rank = rankAmong(best, score);
    if (rank < PER_AXIS) {
      best.splice(rank, 0, overlapOf(trial, score));
      if (best.length > PER_AXIS) best.pop();
    }
  }
  if (!best.some(isUncut)) best.push(overlapOf(IDENTITY, scores[IDENTITY] ?? 0));
  return best;
}

/** Where a score goes in `best` (high to low, after equal scores already there); PER_AXIS when it misses the cut. */
function rankAmong(best: readonly AxisOverlap[], score: number): number {
  let rank = best.length;
  while (rank > 0 && (best[rank - 1]?.score ?? 0) < score) rank--;
  return Math.min(rank, PER_AXIS);
}

function overlapOf(trial: number, score: number): AxisOverlap {
  const cut = TRIALS[trial];
  if (!cut) throw new RangeError(`no trial ${trial}`);
  // Not { ...cut, score }: a spread here cost more than the dot products (profiled).
  return { aStart: cut.aStart, aEnd: cut.aEnd, bStart: cut.bStart, bEnd: cut.bEnd, score };
}
