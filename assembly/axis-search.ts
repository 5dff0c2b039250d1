/**
 * The 1-D search of crop alignment (src/hashing/axis-overlaps.ts) in AssemblyScript compiled to
 * WebAssembly: choosing a group's best photo lines its photos up pair by pair, and this search was
 * nearly half of that time in JavaScript, most of it the overhead around ~500 short dot products
 * and profile crops per alignment.
 *
 * Same arithmetic, term by term: every sum runs in the four lanes of correlation.ts (term i to lane
 * i mod 4, total (lane 0 + lane 1) + (lane 2 + lane 3)), WebAssembly has no fused multiply-add, and
 * f64 arithmetic is IEEE in both, so every score is bit-identical to the JavaScript one and the
 * search visits the same trials in the same order.
 *
 * No allocation happens here: the caller (src/hashing/alignment-kernel.ts) lays out the tables,
 * the prepared profiles and the searches in the imported memory and passes byte offsets.
 */

const AXIS: i32 = 32;
const AXIS_BYTES: usize = 32 * 8;
const SEEDS: i32 = 16;
/** The best trials a search offers, and the climbs to their peaks (PER_AXIS in axis-overlaps.ts). */
const PER_AXIS: i32 = 4;

/** Kinds of trial: a shared crop each side, or a two-ended crop of a (or of b) against the other uncut. */
const TWO_ENDED_A: i32 = 1;
const TWO_ENDED_B: i32 = 2;

/** Which trials a ranking or a climb may use: all, or those whose shape fits with this axis as x, or as y. */
const EVERY: i32 = 0;
const FITS_AS_X: i32 = 1;

let trialCount: i32 = 0;
let identity: i32 = 0;
let trialKind: usize = 0;
let trialA: usize = 0;
let trialB: usize = 0;
let trialLogRatio: usize = 0;
let sharedFirst: usize = 0;
let sharedNear: usize = 0;
let sharedFar: usize = 0;
let twoEndedFirst: usize = 0;
let twoEndedNear: usize = 0;
let twoEndedFar: usize = 0;
let lattice: usize = 0;
let latticeCount: i32 = 0;
let halfLatticeAway: usize = 0;
let oneStepAway: usize = 0;

/** A prepared profile's parts, byte offsets within its block (profileBytes in all). */
let sharedCentredAt: usize = 0;
let sharedSquaresAt: usize = 0;
let sharedMadeAt: usize = 0;
let twoEndedCentredAt: usize = 0;
let twoEndedSquaresAt: usize = 0;
let twoEndedMadeAt: usize = 0;
let profileSize: usize = 0;

/** A search's parts, byte offsets within its block (searchBytes in all). */
const MADE_COUNT: usize = 0;
const PROFILE_A: usize = 4;
const PROFILE_B: usize = 8;
/**
 * What the list at TOP ranks, when it ranks every trial (EVERY): the first RANKED_UP_TO trials made,
 * asked for RANKED_ASKED of them and RANKED_FOUND found; RANKED_UP_TO is −1 when it ranks anything else.
 */
const RANKED_UP_TO: usize = 12;
const RANKED_ASKED: usize = 16;
const RANKED_FOUND: usize = 20;
const TOP: usize = 24;
/** The ranking at TOP, copied while the next one is written there. */
const EARLIER_TOP: usize = TOP + 4 * <usize>SEEDS;
const BEST_TRIALS: usize = EARLIER_TOP + 4 * <usize>SEEDS;
const BEST_SCORES: usize = BEST_TRIALS + 8 * 4;
const SCORES: usize = BEST_SCORES + 8 * 8;
let madeAt: usize = 0;
let scoredAt: usize = 0;
let searchSize: usize = 0;

/** The shape a bestWhere asks for: |logAspects + x's log ratio − y's| ≤ tolerance. */
let fitLogAspects: f64 = 0;
let fitOther: f64 = 0;
let fitTolerance: f64 = 0;

/** Names the tables (laid out by the caller) and sizes the blocks of profiles and searches. */
export function init(
  trials: i32,
  identityTrial: i32,
  kinds: usize,
  aCrops: usize,
  bCrops: usize,
  logRatios: usize,
  sharedCrops: i32,
  sharedFirstAt: usize,
  sharedNearAt: usize,
  sharedFarAt: usize,
  twoEndedCrops: i32,
  twoEndedFirstAt: usize,
  twoEndedNearAt: usize,
  twoEndedFarAt: usize,
  latticeAt: usize,
  latticeTrials: i32,
  halfLatticeAwayAt: usize,
  oneStepAwayAt: usize,
): void {
  trialCount = trials;
  identity = identityTrial;
  trialKind = kinds;
  trialA = aCrops;
  trialB = bCrops;
  trialLogRatio = logRatios;
  sharedFirst = sharedFirstAt;
  sharedNear = sharedNearAt;
  sharedFar = sharedFarAt;
  twoEndedFirst = twoEndedFirstAt;
  twoEndedNear = twoEndedNearAt;
  twoEndedFar = twoEndedFarAt;
  lattice = latticeAt;
  latticeCount = latticeTrials;
  halfLatticeAway = halfLatticeAwayAt;
  oneStepAway = oneStepAwayAt;

  sharedCentredAt = AXIS_BYTES;
  sharedSquaresAt = sharedCentredAt + <usize>sharedCrops * AXIS_BYTES;
  twoEndedCentredAt = sharedSquaresAt + <usize>sharedCrops * 8;
  twoEndedSquaresAt = twoEndedCentredAt + <usize>twoEndedCrops * AXIS_BYTES;
  sharedMadeAt = twoEndedSquaresAt + <usize>twoEndedCrops * 8;
  twoEndedMadeAt = sharedMadeAt + <usize>sharedCrops;
  profileSize = (twoEndedMadeAt + <usize>twoEndedCrops + 7) & ~7;

  madeAt = SCORES + <usize>trials * 8;
  scoredAt = madeAt + <usize>trials * 4;
  searchSize = (scoredAt + <usize>trials + 7) & ~7;
}

export function profileBytes(): usize {
  return profileSize;
}

export function searchBytes(): usize {
  return searchSize;
}

/** Where in a search's block `best` writes its trials (i32) and their scores (f64). */
export function bestTrialsOffset(): usize {
  return BEST_TRIALS;
}

export function bestScoresOffset(): usize {
  return BEST_SCORES;
}

/** Forgets every crop made of the profile at `profile` (its AXIS samples are new). */
export function resetProfile(profile: usize): void {
  memory.fill(profile + sharedMadeAt, 0, profileSize - sharedMadeAt);
}

/** Begins the search of profile a against profile b: the lattice is scored, then the trials around its SEEDS best. */
export function start(search: usize, a: usize, b: usize): void {
  const made = load<i32>(search + MADE_COUNT);
  for (let k = 0; k < made; k++) store<u8>(search + scoredAt + <usize>load<i32>(search + madeAt + (<usize>k << 2)), 0);
  store<i32>(search + MADE_COUNT, 0);
  store<i32>(search + RANKED_UP_TO, -1);
  store<u32>(search + PROFILE_A, <u32>a);
  store<u32>(search + PROFILE_B, <u32>b);
  for (let k = 0; k < latticeCount; k++) score(search, load<i32>(lattice + (<usize>k << 2)));
  const seeds = top(search, EVERY, SEEDS);
  for (let k = 0; k < seeds; k++) {
    const seed = load<i32>(search + TOP + (<usize>k << 2));
    for (let n = 0; n < 8; n++) {
      const neighbour = load<i32>(halfLatticeAway + ((<usize>seed * 8 + <usize>n) << 2));
      if (neighbour >= 0) score(search, neighbour);
    }
  }
}

/**
 * The PER_AXIS best trials, each of the best so far climbed to its peak first, plus "no crop" when
 * it is not among them: their trials at BEST_TRIALS and scores at BEST_SCORES. Returns how many.
 */
export function best(search: usize): i32 {
  // The starts stay at TOP while they are climbed (a climb scores trials but ranks none).
  const starts = top(search, EVERY, PER_AXIS);
  for (let k = 0; k < starts; k++) climb(search, load<i32>(search + TOP + (<usize>k << 2)), EVERY);
  let count = top(search, EVERY, PER_AXIS);
  let uncut = false;
  for (let k = 0; k < count; k++) {
    const trial = load<i32>(search + TOP + (<usize>k << 2));
    if (trial == identity) uncut = true;
    store<i32>(search + BEST_TRIALS + (<usize>k << 2), trial);
    store<f64>(search + BEST_SCORES + (<usize>k << 3), scoreOf(search, trial));
  }
  if (!uncut) {
    store<i32>(search + BEST_TRIALS + (<usize>count << 2), identity);
    store<f64>(search + BEST_SCORES + (<usize>count << 3), score(search, identity));
    count++;
  }
  return count;
}

/**
 * The best trial whose shape fits (first in trial order on ties), climbed to its peak among those
 * that fit; when none scored so far fits, every one that does is scored first. −1 when none fits.
 * `asX`: this search is the x axis (its log ratio is added), else the y axis (subtracted).
 */
export function bestWhere(search: usize, logAspects: f64, otherLogRatio: f64, tolerance: f64, asX: bool): i32 {
  fitLogAspects = logAspects;
  fitOther = otherLogRatio;
  fitTolerance = tolerance;
  const mode = asX ? FITS_AS_X : FITS_AS_X + 1;
  if (top(search, mode, 1) == 0) {
    for (let trial = 0; trial < trialCount; trial++) if (eligible(mode, trial)) score(search, trial);
    if (top(search, mode, 1) == 0) return -1;
  }
  return climb(search, load<i32>(search + TOP), mode);
}

/** The score a trial got in this search (it must have been scored). */
export function scoreOf(search: usize, trial: i32): f64 {
  return load<f64>(search + SCORES + (<usize>trial << 3));
}

function eligible(mode: i32, trial: i32): bool {
  if (mode == EVERY) return true;
  const ratio = load<f64>(trialLogRatio + (<usize>trial << 3));
  // As axis-overlaps.ts writes it: (logAspects + x) − y, with this axis's ratio as x or as y.
  const disagreement = mode == FITS_AS_X ? fitLogAspects + ratio - fitOther : fitLogAspects + fitOther - ratio;
  return abs<f64>(disagreement) <= fitTolerance;
}

function score(search: usize, trial: i32): f64 {
  const at = search + scoredAt + <usize>trial;
  if (load<u8>(at)) return scoreOf(search, trial);
  const a = <usize>load<u32>(search + PROFILE_A);
  const b = <usize>load<u32>(search + PROFILE_B);
  const kind = load<i32>(trialKind + (<usize>trial << 2));
  const aCrop = load<i32>(trialA + (<usize>trial << 2));
  const bCrop = load<i32>(trialB + (<usize>trial << 2));
  // Products and sums of squares commute exactly: which side is two-ended changes no bit.
  const aTwoEnded = kind == TWO_ENDED_A;
  const bTwoEnded = kind == TWO_ENDED_B;
  const value = centredCorrelation(dot(crop(a, aCrop, aTwoEnded), crop(b, bCrop, bTwoEnded)), squaresOf(a, aCrop, aTwoEnded), squaresOf(b, bCrop, bTwoEnded));
  store<f64>(search + SCORES + (<usize>trial << 3), value);
  store<u8>(at, 1);
  const made = load<i32>(search + MADE_COUNT);
  store<i32>(search + madeAt + (<usize>made << 2), trial);
  store<i32>(search + MADE_COUNT, made + 1);
  return value;
}

/** From `trial`, step to the best-scoring neighbour one step away that `mode` allows while it scores higher; the peak reached. */
function climb(search: usize, trial: i32, mode: i32): i32 {
  let at = trial;
  let next = trial;
  do {
    at = next;
    for (let n = 0; n < 8; n++) {
      const neighbour = load<i32>(oneStepAway + ((<usize>at * 8 + <usize>n) << 2));
      if (neighbour >= 0 && eligible(mode, neighbour) && score(search, neighbour) > scoreOf(search, next)) next = neighbour;
    }
  } while (next != at);
  return at;
}

/**
 * The `count` best trials scored so far that `mode` allows, high to low, ties in trial order,
 * written at TOP; returns how many there are. Scores never change, so when TOP already ranks every
 * trial up to some point for at least `count`, the best `count` are among those it holds and the
 * trials made since: only they are ranked again (a search ranks 4 times, mostly the same trials).
 */
function top(search: usize, mode: i32, count: i32): i32 {
  const made = load<i32>(search + MADE_COUNT);
  const rankedUpTo = load<i32>(search + RANKED_UP_TO);
  let from = 0;
  let earlier = 0;
  if (mode == EVERY && rankedUpTo >= 0 && count <= load<i32>(search + RANKED_ASKED)) {
    from = rankedUpTo;
    earlier = load<i32>(search + RANKED_FOUND);
    memory.copy(search + EARLIER_TOP, search + TOP, <usize>earlier << 2);
  }
  let found = 0;
  for (let k = 0; k < earlier; k++) found = rank(search, mode, count, found, load<i32>(search + EARLIER_TOP + (<usize>k << 2)));
  for (let k = from; k < made; k++) found = rank(search, mode, count, found, load<i32>(search + madeAt + (<usize>k << 2)));
  store<i32>(search + RANKED_UP_TO, mode == EVERY ? made : -1);
  store<i32>(search + RANKED_ASKED, count);
  store<i32>(search + RANKED_FOUND, found);
  return found;
}

/**
 * Places `trial` in the ranking at TOP (`found` of at most `count` so far) if `mode` allows it and it
 * ranks high enough; returns how many the ranking holds after. The order is total (ties go by trial),
 * so the ranking does not depend on the order trials come in.
 */
@inline
function rank(search: usize, mode: i32, count: i32, found: i32, trial: i32): i32 {
  if (!eligible(mode, trial)) return found;
  const out = search + TOP;
  const value = scoreOf(search, trial);
  if (found == count) {
    // Full: most trials rank below the last, and are let go after one comparison.
    const last = load<i32>(out + (<usize>(count - 1) << 2));
    const lastValue = scoreOf(search, last);
    if (!(value > lastValue || (value == lastValue && trial < last))) return found;
  }
  let at = found;
  for (; at > 0; at--) {
    const above = load<i32>(out + (<usize>(at - 1) << 2));
    const valueAbove = scoreOf(search, above);
    if (valueAbove > value || (valueAbove == value && above < trial)) break;
  }
  if (at >= count) return found;
  const last = found < count ? found : count - 1;
  for (let k = last; k > at; k--) store<i32>(out + (<usize>k << 2), load<i32>(out + (<usize>(k - 1) << 2)));
  store<i32>(out + (<usize>at << 2), trial);
  return found < count ? found + 1 : found;
}

/** The centred samples of a profile under one of its shared or two-ended crops, made on first use. */
function crop(profile: usize, index: i32, twoEnded: bool): usize {
  const made = profile + (twoEnded ? twoEndedMadeAt : sharedMadeAt) + <usize>index;
  const into = profile + (twoEnded ? twoEndedCentredAt : sharedCentredAt) + <usize>index * AXIS_BYTES;
  if (load<u8>(made)) return into;
  const sum = twoEnded
    ? resample(profile, twoEndedFirst, twoEndedNear, twoEndedFar, index, into)
    : resample(profile, sharedFirst, sharedNear, sharedFar, index, into);
  store<f64>(profile + (twoEnded ? twoEndedSquaresAt : sharedSquaresAt) + (<usize>index << 3), centre(into, sum / <f64>AXIS));
  store<u8>(made, 1);
  return into;
}

/** The sum of squares of a crop `crop` has made. */
function squaresOf(profile: usize, index: i32, twoEnded: bool): f64 {
  return load<f64>(profile + (twoEnded ? twoEndedSquaresAt : sharedSquaresAt) + (<usize>index << 3));
}

/** The profile (AXIS samples at `profile`) under one crop of a weights table (resample.ts's weights, near · s + far · s'), into `into`; returns the sum. */
function resample(profile: usize, first: usize, near: usize, far: usize, crop: i32, into: usize): f64 {
  let l0: f64 = 0;
  let l1: f64 = 0;
  let l2: f64 = 0;
  let l3: f64 = 0;
  const from = <usize>crop * <usize>AXIS;
  for (let o: usize = 0; o < <usize>AXIS; o += 4) {
    const k = from + o;
    const f0 = <usize>load<i32>(first + (k << 2));
    const f1 = <usize>load<i32>(first + ((k + 1) << 2));
    const f2 = <usize>load<i32>(first + ((k + 2) << 2));
    const f3 = <usize>load<i32>(first + ((k + 3) << 2));
    const s0 = load<f64>(near + (k << 3)) * load<f64>(profile + (f0 << 3)) + load<f64>(far + (k << 3)) * load<f64>(profile + ((f0 + 1) << 3));
    const s1 = load<f64>(near + ((k + 1) << 3)) * load<f64>(profile + (f1 << 3)) + load<f64>(far + ((k + 1) << 3)) * load<f64>(profile + ((f1 + 1) << 3));
    const s2 = load<f64>(near + ((k + 2) << 3)) * load<f64>(profile + (f2 << 3)) + load<f64>(far + ((k + 2) << 3)) * load<f64>(profile + ((f2 + 1) << 3));
    const s3 = load<f64>(near + ((k + 3) << 3)) * load<f64>(profile + (f3 << 3)) + load<f64>(far + ((k + 3) << 3)) * load<f64>(profile + ((f3 + 1) << 3));
    store<f64>(into + (o << 3), s0);
    store<f64>(into + ((o + 1) << 3), s1);
    store<f64>(into + ((o + 2) << 3), s2);
    store<f64>(into + ((o + 3) << 3), s3);
    l0 += s0;
    l1 += s1;
    l2 += s2;
    l3 += s3;
  }
  return l0 + l1 + (l2 + l3);
}

/** Subtracts `mean` from the AXIS samples at `values`; returns their sum of squares after (squaresAbout of correlation.ts, about 0). */
function centre(values: usize, mean: f64): f64 {
  let l0: f64 = 0;
  let l1: f64 = 0;
  let l2: f64 = 0;
  let l3: f64 = 0;
  for (let i: usize = 0; i < <usize>AXIS; i += 4) {
    const c0 = load<f64>(values + (i << 3)) - mean;
    const c1 = load<f64>(values + ((i + 1) << 3)) - mean;
    const c2 = load<f64>(values + ((i + 2) << 3)) - mean;
    const c3 = load<f64>(values + ((i + 3) << 3)) - mean;
    store<f64>(values + (i << 3), c0);
    store<f64>(values + ((i + 1) << 3), c1);
    store<f64>(values + ((i + 2) << 3), c2);
    store<f64>(values + ((i + 3) << 3), c3);
    l0 += c0 * c0;
    l1 += c1 * c1;
    l2 += c2 * c2;
    l3 += c3 * c3;
  }
  return l0 + l1 + (l2 + l3);
}

/** The dot product of AXIS samples at `a` and `b`, in the four lanes of correlation.ts: lanes 0 and 1 in one f64x2, lanes 2 and 3 in another. */
function dot(a: usize, b: usize): f64 {
  let low = f64x2.splat(0);
  let high = f64x2.splat(0);
  for (let i: usize = 0; i < AXIS_BYTES; i += 32) {
    low = f64x2.add(low, f64x2.mul(v128.load(a + i), v128.load(b + i)));
    high = f64x2.add(high, f64x2.mul(v128.load(a + i + 16), v128.load(b + i + 16)));
  }
  return f64x2.extract_lane(low, 0) + f64x2.extract_lane(low, 1) + (f64x2.extract_lane(high, 0) + f64x2.extract_lane(high, 1));
}

function centredCorrelation(product: f64, squaresA: f64, squaresB: f64): f64 {
  return squaresA > 0 && squaresB > 0 ? product / sqrt<f64>(squaresA * squaresB) : 0;
}
