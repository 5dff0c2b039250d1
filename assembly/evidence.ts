/**
 * What the best-photo rules read of two aligned parts (src/grouping/best-evidence.ts), in the
 * alignment kernel, on the parts where the crop alignment made them (assembly/regions.ts): how one
 * part's tones map onto the other's, and where they differ locally. A group's photos are compared
 * in every ordered pair, most of them seen from the other side (b onto a as a onto b, turned), and
 * in JavaScript each such pair was copied out of the kernel and turned before it was read.
 *
 * A part seen turned is read through a turn table (where each sample comes from: dihedral.ts's
 * turnTable), sample by sample in the order of the turned part, so every sum runs in the order the
 * JavaScript ran it over the turned copy: the numbers are bit-identical (no fused multiply-add here
 * or there).
 *
 * The caller (src/hashing/alignment-kernel.ts) lays out the scratch and passes byte offsets.
 */

const SIDE: usize = 32;
const SAMPLES: usize = SIDE * SIDE;
const LEVELS: usize = 256;

/** Scratch: the four tone sums, then the differences, their 3-sample row sums, and the count of each grey level. */
let sumsAt: usize = 0;
let residualAt: usize = 0;
let acrossAt: usize = 0;
let countsAt: usize = 0;

export function evidenceScratchBytes(): usize {
  return 4 * 8 + 2 * SAMPLES * 8 + LEVELS * 4;
}

export function initEvidence(scratch: usize): void {
  sumsAt = scratch;
  residualAt = sumsAt + 4 * 8;
  acrossAt = residualAt + SAMPLES * 8;
  countsAt = acrossAt + SAMPLES * 8;
}

/** Where toneSums writes Σa, Σb, Σa² and Σab (f64 each). */
export function toneSumsOffset(): usize {
  return sumsAt;
}

/** Sample k of a part read through `turn` (a table of SAMPLES i32, or 0 for none): its byte offset. */
@inline
function sampleAt(turn: usize, k: usize): usize {
  return (turn == 0 ? k : <usize>load<i32>(turn + (k << 2))) << 3;
}

/** toneMap's sums of the parts at a and b (each read through `turn`), in its order: Σa, Σb, Σa², Σab, at toneSumsOffset. */
export function toneSums(a: usize, b: usize, turn: usize): void {
  let sa: f64 = 0;
  let sb: f64 = 0;
  let saa: f64 = 0;
  let sab: f64 = 0;
  for (let k: usize = 0; k < SAMPLES; k++) {
    const at = sampleAt(turn, k);
    const va = load<f64>(a + at);
    const vb = load<f64>(b + at);
    sa += va;
    sb += vb;
    saa += va * va;
    sab += va * vb;
  }
  store<f64>(sumsAt, sa);
  store<f64>(sumsAt + 8, sb);
  store<f64>(sumsAt + 16, saa);
  store<f64>(sumsAt + 24, sab);
}

/**
 * localDifference of best-evidence.ts on the parts at a and b (each read through `turn`), b against
 * gain · a + offset: the centre of the 3×3 patch that differs most (its index, row-major), or −1
 * when none reaches the floor or too many samples differ. The differences are finite (samples are
 * grey levels, and the tone map's gain and offset finite).
 */
export function localDifference(a: usize, b: usize, turn: usize, gain: f64, offset: f64, minPatch: f64, overNoise: f64, maxChangedShare: f64): i32 {
  memory.fill(countsAt, 0, LEVELS * 4);
  let largest: f64 = 0;
  for (let k: usize = 0; k < SAMPLES; k++) {
    const at = sampleAt(turn, k);
    const difference = abs<f64>(load<f64>(b + at) - (gain * load<f64>(a + at) + offset));
    store<f64>(residualAt + (k << 3), difference);
    if (difference > largest) largest = difference;
    const level: usize = difference >= 255 ? 255 : <usize>floor<f64>(difference);
    const count = countsAt + (level << 2);
    store<u32>(count, load<u32>(count) + 1);
  }
  // The median, to a level.
  let typical: f64 = 255;
  let seen: u32 = 0;
  for (let level: usize = 0; level < LEVELS; level++) {
    seen += load<u32>(countsAt + (level << 2));
    if (<f64>seen > <f64>SAMPLES / 2) {
      typical = <f64>level + 0.5;
      break;
    }
  }
  const threshold = max<f64>(minPatch, overNoise * typical);
  if (largest < threshold * (1 - 1e-12)) return -1;
  let changed: f64 = 0;
  for (let k: usize = 0; k < SAMPLES; k++) if (load<f64>(residualAt + (k << 3)) > threshold) changed++;
  if (changed > maxChangedShare * <f64>SAMPLES) return -1;
  for (let py: usize = 0; py < SIDE; py++) {
    for (let px: usize = 1; px < SIDE - 1; px++) {
      const at = (py * SIDE + px) << 3;
      store<f64>(acrossAt + at, load<f64>(residualAt + at - 8) + load<f64>(residualAt + at) + load<f64>(residualAt + at + 8));
    }
  }
  let bestAt: i32 = -1;
  let bestMean: f64 = 0;
  for (let py: usize = 1; py < SIDE - 1; py++) {
    for (let px: usize = 1; px < SIDE - 1; px++) {
      const at = py * SIDE + px;
      const mean = (load<f64>(acrossAt + ((at - SIDE) << 3)) + load<f64>(acrossAt + (at << 3)) + load<f64>(acrossAt + ((at + SIDE) << 3))) / 9;
      if (mean >= threshold && (bestAt < 0 || mean > bestMean)) {
        bestAt = <i32>at;
        bestMean = mean;
      }
    }
  }
  return bestAt;
}
