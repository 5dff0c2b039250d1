/**
 * The 1-D half of crop alignment: which overlaps of two thumbnails along one axis make their row
 * (or column) profiles agree best. An overlap cuts up to MAX_CROP_STEPS from each end of one image
 * or the other (1,681 of them keep enough of both), and is scored as the correlation of the two
 * profiles each resampled from its crop back to AXIS samples.
 *
 * Not every overlap is scored (AxisSearch): a lattice of every fourth step, a finer one around its
 * best trials, then a climb from the best to the peak each leads to, one step at a time; about 215
 * of the 1,681 in all. A score moves smoothly with a one-step cut, so the peaks are found: on the
 * dev and dev-hard sets every group, best photo and reason came out as they did when all 1,681
 * were scored. (A ridge, more cut at one end and less at the other, can hold a second peak a hair
 * lower, where a climb stops: 3 of 400 random smooth profiles, 0.0006 below the best.)
 *
 * No work is done twice. A trial cuts a given end of one image, never of both, so a crop with a cut
 * at one end or none appears in many trials: it is resampled and centred once per side, and such a
 * trial is one dot product. A crop cutting both ends of one side meets only the other side uncut,
 * in one trial: it too is resampled and centred once, and scored by one dot product. A profile
 * prepared once serves every alignment of its photo with another (a group aligns each of its
 * photos with all the others), each crop made the first time a trial needs it. The arithmetic is
 * the plain correlation's, term by term, so every score is the number it would be if each trial
 * were computed on its own.
 *
 * The tables of trials are made here; the search itself runs in WebAssembly (assembly/axis-search.ts,
 * through alignment-kernel.ts), where it costs about two fifths of what it did in JavaScript: a
 * group's best photo makes some 500 short dot products and profile crops per alignment.
 */

import { AlignmentKernel } from './alignment-kernel.js';
import { axisWeights, MAX_CROP_STEPS, weightsTable } from './resample.js';

/** Crop steps (1.25 % each) in a whole axis. */
const STEPS_PER_AXIS = Math.round(1 / 0.0125);
/**
 * An overlap must keep at least this many steps of each image on each axis: half, so that the square
 * crop of a 16:9 photo (56 % of its width) is still one. Two halves of one photo share nothing, and
 * the pixel check, not this limit, is what tells them apart.
 */
const MIN_KEPT_STEPS = Math.round(0.5 / 0.0125);

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
/** Slots by `start * CROP_KEY + end` (the tables below are made at start-up, in every thread: lookups, not searches). */
const CROP_KEY = 64;
const SHARED_SLOTS = new Map(SHARED.map(({ start, end }, slot) => [start * CROP_KEY + end, slot]));
const sharedSlot = (start: number, end: number) => SHARED_SLOTS.get(start * CROP_KEY + end) ?? -1;
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
/** A trial's signed cuts: positive cuts a, negative cuts b. */
const startOf = (trial: number) => (TRIALS[trial]?.aStart ?? 0) - (TRIALS[trial]?.bStart ?? 0);
const endOf = (trial: number) => (TRIALS[trial]?.aEnd ?? 0) - (TRIALS[trial]?.bEnd ?? 0);
const GRID_SIDE = 2 * MAX_CROP_STEPS + 1;
const TRIAL_GRID = new Int32Array(GRID_SIDE * GRID_SIDE).fill(-1);
TRIALS.forEach((_, trial) => (TRIAL_GRID[(startOf(trial) + MAX_CROP_STEPS) * GRID_SIDE + endOf(trial) + MAX_CROP_STEPS] = trial));
/** The trial cutting `start` and `end` steps, or −1 when there is none. */
function trialAt(start: number, end: number): number {
  if (Math.abs(start) > MAX_CROP_STEPS || Math.abs(end) > MAX_CROP_STEPS) return -1;
  return TRIAL_GRID[(start + MAX_CROP_STEPS) * GRID_SIDE + end + MAX_CROP_STEPS] ?? -1;
}
const IDENTITY = TRIALS.findIndex(isUncut);
const TRIAL_LOG_RATIOS = Float64Array.from(TRIALS, keptLogRatio);

/** Each trial's two sides: a shared crop of each, or a two-ended crop of one against the other uncut … */
const SHARED_PAIR = 0;
const TWO_ENDED_A = 1;
const TWO_ENDED_B = 2;
/** … the two-ended crops being the same either side, so one table of weights. */
const TWO_ENDED: { start: number; end: number }[] = [];
for (const cut of TRIALS) if (cut.aStart > 0 && cut.aEnd > 0) TWO_ENDED.push({ start: cut.aStart, end: cut.aEnd });
const TWO_ENDED_WEIGHTS = weightsTable(TWO_ENDED.map(({ start, end }) => axisWeights(start, end)));
const TWO_ENDED_INDEX = new Map(TWO_ENDED.map(({ start, end }, index) => [start * CROP_KEY + end, index]));
const twoEndedIndex = (start: number, end: number) => TWO_ENDED_INDEX.get(start * CROP_KEY + end) ?? -1;
const TRIAL_KIND = new Int32Array(TRIALS.length);
const TRIAL_A = new Int32Array(TRIALS.length);
const TRIAL_B = new Int32Array(TRIALS.length);
TRIALS.forEach((cut, trial) => {
  if (cut.aStart > 0 && cut.aEnd > 0) [TRIAL_KIND[trial], TRIAL_A[trial], TRIAL_B[trial]] = [TWO_ENDED_A, twoEndedIndex(cut.aStart, cut.aEnd), UNCUT];
  else if (cut.bStart > 0 && cut.bEnd > 0) [TRIAL_KIND[trial], TRIAL_A[trial], TRIAL_B[trial]] = [TWO_ENDED_B, UNCUT, twoEndedIndex(cut.bStart, cut.bEnd)];
  else [TRIAL_KIND[trial], TRIAL_A[trial], TRIAL_B[trial]] = [SHARED_PAIR, sharedSlot(cut.aStart, cut.aEnd), sharedSlot(cut.bStart, cut.bEnd)];
});

/**
 * The search narrows in three steps. It scores the lattice of trials whose start and end are both
 * multiples of LATTICE_STEPS (the largest cut too), then every trial LATTICE_STEPS / 2 away from
 * the SEEDS best of them, then climbs one step at a time from the best few to the peaks they lead
 * to. A profile's score moves smoothly with a one-step cut (0.4 of a profile sample), so a peak
 * shows in the lattice around it. (Fewer seeds changed one best-photo reason of dev-hard; 12 or
 * more, none.) SEEDS (16), and the PER_AXIS (4) best trials offered, each climbed to its peak, are
 * the kernel's constants.
 */
const LATTICE_STEPS = 4;
const onLattice = (steps: number) => (steps + MAX_CROP_STEPS) % LATTICE_STEPS === 0 || steps === MAX_CROP_STEPS;
const LATTICE = Int32Array.from(TRIALS.flatMap((_, trial) => (onLattice(startOf(trial)) && onLattice(endOf(trial)) ? [trial] : [])));
/** Trials of the 8 cuts `steps` away (start and end each −steps, 0 or +steps), −1 where off the grid, 8 per trial. */
function neighbours(steps: number): Int32Array {
  const table = new Int32Array(TRIALS.length * 8);
  let at = 0;
  for (let trial = 0; trial < TRIALS.length; trial++) {
    for (const ds of [-steps, 0, steps]) for (const de of [-steps, 0, steps]) if (ds !== 0 || de !== 0) table[at++] = trialAt(startOf(trial) + ds, endOf(trial) + de);
  }
  return table;
}
const HALF_LATTICE_AWAY = neighbours(LATTICE_STEPS / 2);
const ONE_STEP_AWAY = neighbours(1);

/**
 * One side's profile prepared for scoring, in the alignment kernel's memory: its AXIS samples, and
 * under each shared crop and each two-ended crop its centred samples and their sum of squares, each
 * made the first time a trial needs it. Prepared once per photo, it serves every alignment of that
 * photo with another (a group aligns each of its photos with all the others).
 */
export interface PreparedProfile {
  readonly kernel: AlignmentKernel;
  /** Byte offset of its block in the kernel's memory. */
  readonly at: number;
}

/** The kernel of this thread, made on first use; `dropAxisKernel` lets it go with its memory. */
let current: AlignmentKernel | undefined;

function kernel(): AlignmentKernel {
  current ??= new AlignmentKernel({
    trialKind: TRIAL_KIND,
    trialA: TRIAL_A,
    trialB: TRIAL_B,
    trialLogRatio: TRIAL_LOG_RATIOS,
    identity: IDENTITY,
    shared: SHARED_WEIGHTS,
    twoEnded: TWO_ENDED_WEIGHTS,
    lattice: LATTICE,
    halfLatticeAway: HALF_LATTICE_AWAY,
    oneStepAway: ONE_STEP_AWAY,
  });
  return current;
}

/**
 * Lets the kernel's memory go (grouping is over: a large group's prepared profiles, ~120 KB each,
 * would otherwise stay reserved in it until the process ends). Profiles and searches made before
 * keep working on the old kernel; the next ones get a new kernel.
 */
export function dropAxisKernel(): void {
  current = undefined;
}

/** An empty block for one prepared profile. */
export function preparedProfileBuffers(): PreparedProfile {
  const owner = kernel();
  return { kernel: owner, at: owner.allocate(owner.exports.profileBytes()) };
}

/** Gives a prepared profile's block back for reuse: it may not be read afterwards. */
export function releaseProfile(prepared: PreparedProfile): void {
  prepared.kernel.release(prepared.at, prepared.kernel.exports.profileBytes());
}

/** Whether a profile's block is in the kernel new searches use (not one dropped since). */
export function inCurrentKernel(prepared: PreparedProfile): boolean {
  return prepared.kernel === current;
}

/**
 * The column and row profiles of a thumbnail already in the kernel's memory (AXIS × AXIS bytes at
 * `thumbnailAt`), prepared into `columns` and `rows`: summed in the kernel, nothing resampled yet.
 */
export function prepareProfilesOf(thumbnailAt: number, columns: PreparedProfile, rows: PreparedProfile): void {
  if (rows.kernel !== columns.kernel) throw new Error('the two profiles of a thumbnail must share one kernel');
  const { exports } = columns.kernel;
  exports.profiles(thumbnailAt, columns.at, rows.at);
  exports.resetProfile(columns.at);
  exports.resetProfile(rows.at);
}

/**
 * The shape the other axis's overlap and the photos' shapes demand of this axis's:
 * |logAspects + x's keptLogRatio − y's keptLogRatio| ≤ tolerance, with this axis as x or as y and
 * the other axis's ratio fixed.
 */
export interface ShapeFit {
  axis: 'x' | 'y';
  logAspects: number;
  otherLogRatio: number;
  tolerance: number;
}

/**
 * The overlaps of two prepared profiles along one axis, scored as the search asks: the lattice and
 * the finer trials around its best when it starts, the climbs when its best overlaps are asked for
 * (LATTICE_STEPS above). The search runs in the kernel (assembly/axis-search.ts); a score, once
 * made, is the same number an exhaustive search would have made for that trial. One search serves
 * alignment after alignment (`start` clears what the last one scored).
 */
export class AxisSearch {
  private readonly kernel = kernel();
  private readonly at = this.kernel.allocate(this.kernel.exports.searchBytes());

  /** Begins the search of a against b: the lattice is scored. */
  start(a: PreparedProfile, b: PreparedProfile): this {
    if (a.kernel !== this.kernel || b.kernel !== this.kernel) throw new Error('an axis search and its profiles must share one kernel');
    this.kernel.exports.start(this.at, a.at, b.at);
    return this;
  }

  /**
   * The PER_AXIS overlaps that correlate best (ties in trial order), plus "no crop" when it is not
   * among them, so plain copies are always tried: the best of the lattice, each climbed to its peak.
   */
  best(): AxisOverlap[] {
    const count = this.kernel.exports.best(this.at);
    const trials = this.kernel.int32s();
    const scores = this.kernel.float64s();
    const trialsAt = (this.at + this.kernel.exports.bestTrialsOffset()) / Int32Array.BYTES_PER_ELEMENT;
    const scoresAt = (this.at + this.kernel.exports.bestScoresOffset()) / Float64Array.BYTES_PER_ELEMENT;
    const best: AxisOverlap[] = [];
    for (let k = 0; k < count; k++) best.push(overlapOf(trials[trialsAt + k] ?? 0, scores[scoresAt + k] ?? 0));
    return best;
  }

  /**
   * The best-scoring overlap (first in trial order on ties) whose shape fits: what the other axis's
   * crop and the photos' shapes demand of this one. Climbed to its peak among the overlaps that
   * fit; when no overlap scored so far fits, every one that does is scored.
   */
  bestWhere(fit: ShapeFit): AxisOverlap | undefined {
    const { exports } = this.kernel;
    const peak = exports.bestWhere(this.at, fit.logAspects, fit.otherLogRatio, fit.tolerance, fit.axis === 'x' ? 1 : 0);
    return peak < 0 ? undefined : overlapOf(peak, exports.scoreOf(this.at, peak));
  }
}

function overlapOf(trial: number, score: number): AxisOverlap {
  const cut = TRIALS[trial];
  if (!cut) throw new RangeError(`no trial ${trial}`);
  // Not { ...cut, score }: a spread here cost more than the dot products (profiled).
  return { aStart: cut.aStart, aEnd: cut.aEnd, bStart: cut.bStart, bEnd: cut.bEnd, score };
}
