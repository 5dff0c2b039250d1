/**
 * The 1-D half of crop alignment: which overlaps of two thumbnails along one axis make their row
 * (or column) profiles agree best. Every overlap tried cuts up to MAX_CROP_STEPS from each end of
 * one image or the other; 553 of them keep enough of both, and every one is scored, as the
 * correlation of the two profiles each resampled from its crop back to AXIS samples.
 *
 * Scoring is most of what an alignment costs, so no work is done twice: a crop that appears in many
 * trials (none, or a cut at one end) is resampled and centred once per side, and such a trial is
 * one dot product; a crop cutting both ends appears in one trial only and is scored there in two
 * passes. The arithmetic is the plain correlation's, term by term, so every score is the same
 * number it would be if each trial were computed on its own.
 */

import { centreInPlace, centredCorrelation, dot } from './correlation.js';
import { AXIS, axisWeights, MAX_CROP_STEPS, resampleProfile, type AxisWeights } from './resample.js';

/** Crop steps (1.25 % each) in a whole axis. */
export const STEPS_PER_AXIS = Math.round(1 / 0.0125);
/** An overlap must keep at least this many steps of each image on each axis. */
const MIN_KEPT_STEPS = Math.round(0.8 / 0.0125);
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

/**
 * Crops of one side that take part in many trials: none, or a cut at one end only (a trial cuts a
 * given end of one image, never of both). A crop cutting both ends of one side meets only the
 * other side uncut, in a single trial.
 */
const SHARED: { start: number; end: number; weights: AxisWeights }[] = [];
for (let start = 0; start <= MAX_CROP_STEPS; start++) {
  for (let end = 0; end <= MAX_CROP_STEPS; end++) if (start === 0 || end === 0) SHARED.push({ start, end, weights: axisWeights(start, end) });
}
const sharedSlot = (start: number, end: number) => SHARED.findIndex((crop) => crop.start === start && crop.end === end);
const UNCUT = sharedSlot(0, 0);

/** One overlap tried. */
interface Trial {
  readonly aStart: number;
  readonly aEnd: number;
  readonly bStart: number;
  readonly bEnd: number;
}

/** The overlaps tried, in the order that settles ties between equal scores: start, then end, from −MAX to MAX. */
const TRIALS: Trial[] = [];
/** Trials by how they are scored: both crops shared [trial, a slot, b slot] …, or one crop two-ended. */
const sharedTrials: number[] = [];
const twoEndedOfA: { trial: number; weights: AxisWeights }[] = [];
const twoEndedOfB: { trial: number; weights: AxisWeights }[] = [];
let IDENTITY = -1;
for (let start = -MAX_CROP_STEPS; start <= MAX_CROP_STEPS; start++) {
  for (let end = -MAX_CROP_STEPS; end <= MAX_CROP_STEPS; end++) {
    const aStart = Math.max(0, start);
    const bStart = Math.max(0, -start);
    const aEnd = Math.max(0, end);
    const bEnd = Math.max(0, -end);
    if (STEPS_PER_AXIS - aStart - aEnd < MIN_KEPT_STEPS || STEPS_PER_AXIS - bStart - bEnd < MIN_KEPT_STEPS) continue;
    const trial = TRIALS.push({ aStart, aEnd, bStart, bEnd }) - 1;
    if (start === 0 && end === 0) IDENTITY = trial;
    const aSlot = sharedSlot(aStart, aEnd);
    const bSlot = sharedSlot(bStart, bEnd);
    if (aSlot < 0) twoEndedOfA.push({ trial, weights: axisWeights(aStart, aEnd) });
    else if (bSlot < 0) twoEndedOfB.push({ trial, weights: axisWeights(bStart, bEnd) });
    else sharedTrials.push(trial, aSlot, bSlot);
  }
}
const SHARED_TRIALS = Int32Array.from(sharedTrials);
const scores = new Float64Array(TRIALS.length);

/** One side's profile under each shared crop, slot by slot: AXIS centred samples each, and their sum of squares. */
interface PreparedProfile {
  readonly centred: Float64Array;
  readonly squares: Float64Array;
}

const preparedProfile = (): PreparedProfile => ({ centred: new Float64Array(SHARED.length * AXIS), squares: new Float64Array(SHARED.length) });
/** Reused by every call (nothing here is asynchronous), not allocated four times per alignment. */
const sideA = preparedProfile();
const sideB = preparedProfile();

function prepare(profile: Float64Array, into: PreparedProfile): PreparedProfile {
  const { centred, squares } = into;
  SHARED.forEach(({ weights }, slot) => {
    const sum = resampleProfile(profile, weights, centred, slot * AXIS);
    squares[slot] = centreInPlace(centred, slot * AXIS, AXIS, sum / AXIS);
  });
  return into;
}

/**
 * The PER_AXIS overlaps of two profiles that correlate best (equal scores in trial order), plus
 * "no crop" when it is not among them, so plain copies are always tried.
 */
export function bestOverlaps(profileA: Float64Array, profileB: Float64Array): AxisOverlap[] {
  const a = prepare(profileA, sideA);
  const b = prepare(profileB, sideB);
  for (let i = 0; i < SHARED_TRIALS.length; i += 3) {
    const aSlot = SHARED_TRIALS[i + 1] ?? 0;
    const bSlot = SHARED_TRIALS[i + 2] ?? 0;
    const product = dot(a.centred, aSlot * AXIS, b.centred, bSlot * AXIS, AXIS);
    scores[SHARED_TRIALS[i] ?? 0] = centredCorrelation(product, a.squares[aSlot] ?? 0, b.squares[bSlot] ?? 0);
  }
  for (const { trial, weights } of twoEndedOfA) scores[trial] = twoEndedScore(profileA, weights, b);
  for (const { trial, weights } of twoEndedOfB) scores[trial] = twoEndedScore(profileB, weights, a);
  return ranked(scores);
}

/** Trial order settles ties, as a stable sort of all trials by score would. */
function ranked(scores: Float64Array): AxisOverlap[] {
  const best: AxisOverlap[] = [];
  for (let trial = 0; trial < TRIALS.length; trial++) {
    const score = scores[trial] ?? 0;
    const rank = rankAmong(best, score);
    if (rank < PER_AXIS) {
      best.splice(rank, 0, overlapOf(trial, score));
      if (best.length > PER_AXIS) best.pop();
    }
  }
  if (!best.some((overlap) => overlap.aStart + overlap.aEnd + overlap.bStart + overlap.bEnd === 0)) best.push(overlapOf(IDENTITY, scores[IDENTITY] ?? 0));
  return best;
}

function overlapOf(trial: number, score: number): AxisOverlap {
  const cut = TRIALS[trial];
  if (!cut) throw new RangeError(`no trial ${trial}`);
  return { ...cut, score };
}

const cropped = new Float64Array(AXIS);

/**
 * Correlation of `profile` under a two-ended crop with the other side uncut: resampled, centred and
 * compared in two passes, the sums in the order centreInPlace and dot run them (so the same number).
 */
function twoEndedScore(profile: Float64Array, weights: AxisWeights, other: PreparedProfile): number {
  const mean = resampleProfile(profile, weights, cropped, 0) / AXIS;
  let squares = 0;
  let product = 0;
  const at = UNCUT * AXIS;
  for (let o = 0; o < AXIS; o++) {
    const centred = (cropped[o] ?? 0) - mean;
    squares += centred * centred;
    product += centred * (other.centred[at + o] ?? 0);
  }
  return centredCorrelation(product, squares, other.squares[UNCUT] ?? 0);
}

/** Where a score goes in `best` (high to low, after equal scores already there); PER_AXIS when it misses the cut. */
function rankAmong(best: readonly AxisOverlap[], score: number): number {
  let rank = best.length;
  while (rank > 0 && (best[rank - 1]?.score ?? 0) < score) rank--;
  return Math.min(rank, PER_AXIS);
}
