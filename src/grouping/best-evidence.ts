/**
 * Evidence from the group itself: what the photos of one group tell about each other once they are
 * lined up (pair-alignment.ts). Each function answers whether `loser` is a worse copy than `other`
 * in one respect, and why, in words; none of them guesses when its data is missing.
 */

import type { Photo } from '../core/photo.js';
import type { Fingerprint } from '../hashing/fingerprint-types.js';
import { alignPair, PreparedThumbnails, reversed, type PairAlignment } from '../hashing/pair-alignment.js';
import type { PhotoLook } from '../thumbnails/photo-look.js';

/** A photo of a group with what the pipeline read back for it (thumbnail and look from the store). */
export interface Contestant {
  photo: Photo;
  fingerprint?: Fingerprint;
  thumbnail?: Uint8Array;
  look?: PhotoLook;
}

/** Why a photo lost to another: `item` describes the loser, `other` completes "the other …" for the winner's reason. */
export interface Evidence {
  item: string;
  other: string;
}

const SIDE = 32;
/** An alignment this poorly correlated says nothing about crops or local differences. */
const MIN_ALIGNED_CORRELATION = 0.9;
/** Crop steps (1.25 % each): one step is rounding; a crop of the other shows from this many on. */
const NOISE_STEPS = 1;
const MIN_EXTRA_STEPS = 3;
/** A margin this even (grey levels, standard deviation) is a frame or letterbox, not more of the scene. */
const FLAT_MARGIN = 6;
/** … on each of two opposite sides, at least this many steps. */
const MIN_FRAME_STEPS = 2;
/** A local difference: a 3×3 patch of the aligned thumbnails at least this far apart after matching tones … */
const MIN_PATCH_DIFFERENCE = 10;
/** … standing out this much from the typical difference between the two … */
const PATCH_OVER_NOISE = 4;
/** … and covering at most this share of the picture (more is a different edit, not something added). */
const MAX_CHANGED_SHARE = 0.2;
/** Tones: a copy whose levels map onto the other's with a gain or offset beyond these was re-toned. */
const TONE_GAIN = 0.08;
const TONE_OFFSET = 6;
/** Clipping: at least this share of the picture more at pure black or white, and twice the other's. */
const MORE_CLIPPED = 0.01;
/** Greyscale: chroma below this (0–255) while the other has at least COLOURFUL. */
const GREY_CHROMA = 1.5;
const COLOURFUL = 6;
/** Detail: below this share of the other's fine detail at the same scale. */
const LESS_DETAIL = 0.75;
/** JPEG quality: at or below LOW_QUALITY and at least QUALITY_GAP below the other's. */
const LOW_QUALITY = 80;
const QUALITY_GAP = 10;

/** Pair alignments of one group's photos, each made once, on first use. */
export class GroupAlignments {
  /** By a, then by b (by object: a key string per lookup cost more than the lookups). */
  private readonly known = new Map<Contestant, Map<Contestant, JudgedAlignment | null>>();
  private readonly prepared = new PreparedThumbnails();

  /** b lined up onto a (a in its own frame), or undefined when either lacks a thumbnail or they do not line up. */
  of(a: Contestant, b: Contestant): JudgedAlignment | undefined {
    let ontoA = this.known.get(a);
    if (!ontoA) this.known.set(a, (ontoA = new Map<Contestant, JudgedAlignment | null>()));
    let known = ontoA.get(b);
    if (known === undefined) {
      // b onto a is a onto b seen from the other side: one alignment per pair, turned or not.
      const other = this.known.get(b)?.get(a);
      known = other === undefined ? this.align(a, b) : other && reversed(other, this.prepared);
      ontoA.set(b, known);
    }
    return known ?? undefined;
  }

  /** The group is judged: the thumbnails prepared for its alignments, and the alignments' parts, are given back for the next group's. */
  release(): void {
    this.known.clear();
    this.prepared.release();
  }

  private align(a: Contestant, b: Contestant): PairAlignment | null {
    const [first, second] = [alignable(a), alignable(b)];
    const aligned = first && second ? alignPair(first, second, this.prepared) : undefined;
    return aligned && aligned.correlation >= MIN_ALIGNED_CORRELATION ? aligned : null;
  }
}

type Alignable = Parameters<typeof alignPair>[0];

function alignable(contestant: Contestant): Alignable | undefined {
  const { fingerprint, thumbnail, photo } = contestant;
  const width = fingerprint?.width ?? photo.meta.width;
  const height = fingerprint?.height ?? photo.meta.height;
  if (!fingerprint || !thumbnail || !width || !height) return undefined;
  return { fingerprint, thumbnail, width, height };
}

/** Field of view: `loser` shows only part of what `other` shows (it is a crop of it). */
export function croppedFrom(loser: Contestant, other: Contestant, alignments: GroupAlignments): Evidence | undefined {
  const aligned = alignments.of(other, loser);
  if (!aligned || !other.thumbnail) return undefined;
  const { x, y } = aligned;
  const loserCuts = [x.bStart, x.bEnd, y.bStart, y.bEnd];
  const otherCuts = [x.aStart, x.aEnd, y.aStart, y.aEnd];
  if (loserCuts.some((steps) => steps > NOISE_STEPS)) return undefined;
  if (otherCuts.reduce((sum, steps) => sum + steps, 0) < MIN_EXTRA_STEPS) return undefined;
  // A plain frame around the picture is not more of the scene: added-content judges it.
  if (isFrame(otherCuts) && marginIsFlat(other.thumbnail, otherCuts)) return undefined;
  if (insideBars(other) && !insideBars(loser)) return undefined;
  return { item: 'a crop: shows less of the scene than another copy', other: 'is a crop of this one' };
}

/** Added content: a frame or letterbox around the picture that `other` shows without. */
export function framed(loser: Contestant, other: Contestant, alignments: GroupAlignments): Evidence | undefined {
  if (insideBars(loser) && !insideBars(other)) return { item: 'has a frame or bars added around the picture', other: 'has a frame or bars added around the picture' };
  const aligned = alignments.of(loser, other);
  if (!aligned || !loser.thumbnail) return undefined;
  const { x, y } = aligned;
  const loserCuts = [x.aStart, x.aEnd, y.aStart, y.aEnd];
  if ([x.bStart, x.bEnd, y.bStart, y.bEnd].some((steps) => steps > NOISE_STEPS)) return undefined;
  if (!isFrame(loserCuts) || !marginIsFlat(loser.thumbnail, loserCuts)) return undefined;
  return { item: 'has a frame or bars added around the picture', other: 'has a frame or bars added around the picture' };
}

/**
 * The hash stage found bars around the picture (a letterbox, a frame, a screenshot's system bars:
 * content-region.ts), too wide for a crop alignment to line the copies up.
 */
function insideBars(contestant: Contestant): boolean {
  return contestant.fingerprint?.content !== undefined;
}

/**
 * A frame, letterbox or phone-screen bars surround the picture on two opposite sides at least; an
 * even band on one side only is as likely sky or a wall that a crop took away.
 */
function isFrame([left, right, top, bottom]: number[]): boolean {
  const cut = (steps: number | undefined) => (steps ?? 0) >= MIN_FRAME_STEPS;
  return (cut(left) && cut(right)) || (cut(top) && cut(bottom));
}

/** The even-ness of the bands a crop of [left, right, top, bottom] steps cuts off a thumbnail. */
function marginIsFlat(thumbnail: Uint8Array, [left, right, top, bottom]: number[]): boolean {
  // Whole thumbnail pixels well inside the band only: the alignment's steps may overshoot the frame
  // by a step, and a pixel it covers partly mixes in the picture.
  const band = (steps: number) => (steps > 0 ? Math.max(1, Math.floor(0.75 * steps * 0.0125 * SIDE)) : 0);
  const inMargin = (px: number, py: number) => px < band(left ?? 0) || px >= SIDE - band(right ?? 0) || py < band(top ?? 0) || py >= SIDE - band(bottom ?? 0);
  let sum = 0;
  let squares = 0;
  let count = 0;
  for (let py = 0; py < SIDE; py++) {
    for (let px = 0; px < SIDE; px++) {
      if (!inMargin(px, py)) continue;
      const value = thumbnail[py * SIDE + px] ?? 0;
      sum += value;
      squares += value * value;
      count++;
    }
  }
  if (count === 0) return false;
  const mean = sum / count;
  return Math.sqrt(Math.max(0, squares / count - mean * mean)) < FLAT_MARGIN;
}

/** How a's levels map onto b's (b ≈ gain · a + offset, least squares), with the mean of a. */
export interface ToneMap {
  gain: number;
  offset: number;
  meanA: number;
}

/** A pair alignment as the rules judge it: with its tone map once made. */
export interface JudgedAlignment extends PairAlignment {
  tones?: ToneMap;
}

/** Sample count of an aligned part (32×32). */
const SAMPLES = SIDE * SIDE;

/**
 * The tone map of an alignment's two parts, made once and kept on the alignment: the tone and
 * added-content rules each read it for every ordered pair of a group. Its sums are made in the
 * alignment kernel, where the parts are (assembly/evidence.ts).
 */
export function alignedToneMap(aligned: JudgedAlignment): ToneMap {
  if (!aligned.tones) {
    const { kernel } = aligned;
    kernel.exports.toneSums(aligned.aAt, aligned.bAt, aligned.turn);
    const sums = kernel.float64s();
    const at = kernel.exports.toneSumsOffset() / Float64Array.BYTES_PER_ELEMENT;
    const [sa, sb, saa, sab] = [sums[at] ?? 0, sums[at + 1] ?? 0, sums[at + 2] ?? 0, sums[at + 3] ?? 0];
    const variance = saa - (sa * sa) / SAMPLES;
    const gain = variance > 1e-9 ? (sab - (sa * sb) / SAMPLES) / variance : 1;
    aligned.tones = { gain, offset: (sb - gain * sa) / SAMPLES, meanA: sa / SAMPLES };
  }
  return aligned.tones;
}

/**
 * Where the two aligned parts differ locally (something added to one), as a patch centre, or
 * undefined: the 3×3 patch whose differences after matching tones stand out most, at least
 * MIN_PATCH_DIFFERENCE and PATCH_OVER_NOISE times the typical difference, unless more than
 * MAX_CHANGED_SHARE of the picture differs that much (assembly/evidence.ts).
 */
export function localDifference(aligned: JudgedAlignment): { x: number; y: number } | undefined {
  const { gain, offset } = alignedToneMap(aligned);
  const at = aligned.kernel.exports.localDifference(aligned.aAt, aligned.bAt, aligned.turn, gain, offset, MIN_PATCH_DIFFERENCE, PATCH_OVER_NOISE, MAX_CHANGED_SHARE);
  return at < 0 ? undefined : { x: at % SIDE, y: Math.floor(at / SIDE) };
}

/** "lower right", "top centre", … for a point of a 32×32 raster. */
export function placeName(x: number, y: number): string {
  const row = y < SIDE / 3 ? 'top' : y >= (2 * SIDE) / 3 ? 'lower' : 'middle';
  const column = x < SIDE / 3 ? 'left' : x >= (2 * SIDE) / 3 ? 'right' : 'centre';
  return row === 'middle' && column === 'centre' ? 'centre' : `${row} ${column}`;
}

/** Gradient energy of a 32×32 part in the 5×5 patch around (x, y): added text or a logo brings edges. */
export function edgesAround(part: Float64Array, x: number, y: number): number {
  let sum = 0;
  for (let py = Math.max(0, y - 2); py <= Math.min(SIDE - 2, y + 2); py++) {
    for (let px = Math.max(0, x - 2); px <= Math.min(SIDE - 2, x + 2); px++) {
      const here = part[py * SIDE + px] ?? 0;
      sum += Math.abs((part[py * SIDE + px + 1] ?? 0) - here) + Math.abs((part[(py + 1) * SIDE + px] ?? 0) - here);
    }
  }
  return sum;
}

/** True when the two photos' tones differ by more than re-encoding or resizing would (a brightness or contrast edit). */
export function tonesDiffer(aligned: JudgedAlignment): boolean {
  const { gain, offset, meanA } = alignedToneMap(aligned);
  const shift = gain * meanA + offset - meanA;
  return Math.abs(gain - 1) > TONE_GAIN || Math.abs(shift) > TONE_OFFSET;
}

/**
 * Tonal range: `loser` was re-toned (its levels do not map one to one onto the other's) and has
 * clipped highlights or shadows where `other` keeps detail. Re-encoding alone moves pure black and
 * white a little without changing the tones, and is not taken for clipping.
 */
export function moreClipped(loser: Contestant, other: Contestant, alignments: GroupAlignments): Evidence | undefined {
  const [mine, theirs] = [loser.look, other.look];
  if (!mine || !theirs) return undefined;
  const aligned = alignments.of(other, loser);
  if (!aligned || !tonesDiffer(aligned)) return undefined;
  const clipped = (a: number, b: number) => a - b >= MORE_CLIPPED && a >= 2 * b;
  if (clipped(mine.clipHigh, theirs.clipHigh)) return { item: 'has clipped highlights (brightened or contrast raised)', other: 'has clipped highlights' };
  if (clipped(mine.clipLow, theirs.clipLow)) return { item: 'has clipped shadows (darkened or contrast raised)', other: 'has clipped shadows' };
  return undefined;
}

/** Colour: `loser` is a greyscale copy of a colour photo (a stored colour photo whose chroma was not measured counts as colour). */
export function greyscaleOf(loser: Contestant, other: Contestant): Evidence | undefined {
  const [mine, theirs] = [loser.look, other.look];
  if (!mine || !theirs || Number.isNaN(mine.chroma)) return undefined;
  const colourful = Number.isNaN(theirs.chroma) || theirs.chroma >= COLOURFUL;
  const greyAtMost = Number.isNaN(theirs.chroma) ? GREY_CHROMA : Math.max(GREY_CHROMA, 0.1 * theirs.chroma);
  if (!colourful || mine.chroma > greyAtMost) return undefined;
  return { item: 'is greyscale', other: 'is greyscale' };
}

/** Detail at a common scale: `loser` is blurred (or was scaled down and up again). */
export function lessDetail(loser: Contestant, other: Contestant): Evidence | undefined {
  const [mine, theirs] = [loser.look, other.look];
  if (!mine || !theirs || theirs.detail <= 0) return undefined;
  if (mine.detail >= LESS_DETAIL * theirs.detail) return undefined;
  return { item: 'has less fine detail (blurred)', other: 'is blurred' };
}

/** Compression: `loser` is a JPEG saved at a clearly lower quality. */
export function lowerQuality(loser: Contestant, other: Contestant): Evidence | undefined {
  const mine = loser.photo.meta.jpegQuality;
  const theirs = other.photo.meta.jpegQuality;
  if (mine === undefined || theirs === undefined || mine > LOW_QUALITY || theirs < mine + QUALITY_GAP) return undefined;
  return { item: `a JPEG re-save at quality ${mine}`, other: `is a JPEG re-save at quality ${mine}` };
}
