/**
 * Every crop of one axis an alignment may try, applied to a row or column profile and prepared
 * once: resampled back to AXIS samples and centred. The 1-D search of crop-alignment.ts scores
 * ~550 crop pairs per axis and every crop of a side takes part in many of them; prepared, a score
 * is one dot product, where resampling and centring both sides for each pair cost ten times that.
 */

import { centreInPlace, centredCorrelation, dot } from './correlation.js';
import { AXIS, axisWeights, MAX_CROP_STEPS, resampleProfile } from './resample.js';

/** Crop steps (1.25 % each) in a whole axis. */
export const STEPS_PER_AXIS = Math.round(1 / 0.0125);
/** An overlap must keep at least this many steps of each image on each axis. */
const MIN_KEPT_STEPS = Math.round(0.8 / 0.0125);
const CUTS_PER_SIDE = MAX_CROP_STEPS + 1;

/** True when cutting `start` steps from one end of the axis and `end` from the other keeps enough of it. */
export function keepsEnough(start: number, end: number): boolean {
  return STEPS_PER_AXIS - start - end >= MIN_KEPT_STEPS;
}

/** Slot of crop (start, end) at SLOTS[start * CUTS_PER_SIDE + end]; -1 for a crop that cuts too much. */
const SLOTS = new Int32Array(CUTS_PER_SIDE * CUTS_PER_SIDE).fill(-1);
let slotCount = 0;
for (let start = 0; start < CUTS_PER_SIDE; start++) {
  for (let end = 0; end < CUTS_PER_SIDE; end++) if (keepsEnough(start, end)) SLOTS[start * CUTS_PER_SIDE + end] = slotCount++;
}

export interface CroppedProfiles {
  /** Slot by slot, AXIS samples each: the crop resampled to the whole axis, minus its mean. */
  readonly centred: Float64Array;
  /** Sum of squares of each slot's centred samples. */
  readonly squares: Float64Array;
}

export function cropProfiles(profile: Float64Array): CroppedProfiles {
  const centred = new Float64Array(slotCount * AXIS);
  const squares = new Float64Array(slotCount);
  for (let start = 0; start < CUTS_PER_SIDE; start++) {
    for (let end = 0; end < CUTS_PER_SIDE; end++) {
      const slot = SLOTS[start * CUTS_PER_SIDE + end] ?? -1;
      if (slot < 0) continue;
      resampleProfile(profile, axisWeights(start, end), centred, slot * AXIS);
      squares[slot] = centreInPlace(centred, slot * AXIS, AXIS);
    }
  }
  return { centred, squares };
}

/**
 * Pearson correlation of crop (aStart, aEnd) of a with crop (bStart, bEnd) of b, both resampled to
 * the whole axis: the same number `correlation` gives for the two resampled profiles. Both crops
 * must keep enough of the axis.
 */
export function cropCorrelation(a: CroppedProfiles, aStart: number, aEnd: number, b: CroppedProfiles, bStart: number, bEnd: number): number {
  const slotA = SLOTS[aStart * CUTS_PER_SIDE + aEnd] ?? -1;
  const slotB = SLOTS[bStart * CUTS_PER_SIDE + bEnd] ?? -1;
  if (slotA < 0 || slotB < 0) throw new RangeError(`crop (${aStart}, ${aEnd}) or (${bStart}, ${bEnd}) cuts too much of the axis`);
  return centredCorrelation(dot(a.centred, slotA * AXIS, b.centred, slotB * AXIS, AXIS), a.squares[slotA] ?? 0, b.squares[slotB] ?? 0);
}
