/**
 * How two photos of one group line up: the orientation that turns b onto a, and the crop alignment
 * of their thumbnails that correlates best. The best-photo rules read from it which photo sees more
 * of the scene, where the two differ, and how their tones map onto each other.
 */

import type { AxisOverlap } from './axis-overlaps.js';
import type { AlignmentKernel } from './alignment-kernel.js';
import { alignCrops, prepareThumbnail, releasePrepared, type AlignedParts, type CandidateAlignment, type PreparedThumbnail } from './crop-alignment.js';
import { inverseTransform, TRANSFORMS, turnSquare } from './dihedral.js';
import { AXIS } from './resample.js';
import { giveBackSamples, spareSamples } from './thumbnail-regions.js';
import type { Fingerprint } from './fingerprint-types.js';
import { bigintToPair, popcount32 } from './phash.js';

export interface PairAlignment {
  /** The orientation of b turned onto a (dihedral transform). */
  readonly transform: number;
  /** Crop steps (1.25 % each) each photo loses on each axis to reach the common part. */
  readonly x: AxisOverlap;
  readonly y: AxisOverlap;
  /** The common part of a and of b (b turned onto a), each resampled to 32×32, row-major: copied out of the kernel (and turned) when read. */
  readonly a: Float64Array;
  readonly b: Float64Array;
  /**
   * The same parts where the kernel keeps them: a's samples at `aAt`, b's at `bAt`, each read
   * through the turn table at `turn` (0: none; alignment-kernel.ts turnTableAt). The best-photo
   * rules read them there (assembly/evidence.ts), most without a copy ever made.
   */
  readonly kernel: AlignmentKernel;
  readonly aAt: number;
  readonly bAt: number;
  readonly turn: number;
  readonly correlation: number;
}

export interface AlignablePhoto {
  fingerprint: Fingerprint;
  thumbnail: Uint8Array;
  width: number;
  height: number;
}

/**
 * Thumbnails prepared for alignment, by thumbnail and orientation, each made once: the photos of a
 * group are each aligned with all the others, and preparing a photo costs about as much as scoring
 * a pair. It also lends the buffers of alignments seen from the other side (`reversed`).
 */
export class PreparedThumbnails {
  private readonly known = new Map<Uint8Array, Map<number, PreparedThumbnail>>();
  private readonly parts: Float64Array[] = [];

  of(thumbnail: Uint8Array, transform: number): PreparedThumbnail {
    let orientations = this.known.get(thumbnail);
    if (!orientations) {
      orientations = new Map();
      this.known.set(thumbnail, orientations);
    }
    let prepared = orientations.get(transform);
    if (!prepared) {
      prepared = prepareThumbnail(thumbnail, { transform });
      orientations.set(transform, prepared);
    }
    return prepared;
  }

  /**
   * A buffer for a turned part, this group's until `release` (from the spares of the regions'
   * samples, dropped with them when grouping is over): fresh 8 KB arrays for every reversed
   * alignment were allocated outside the heap, and their count set off collections.
   */
  part(): Float64Array {
    const buffer = spareSamples();
    this.parts.push(buffer);
    return buffer;
  }

  /** Gives every prepared thumbnail's buffers back for reuse (crop-alignment.ts): the parts of alignments made from them may not be read afterwards. */
  release(): void {
    for (const orientations of this.known.values()) for (const prepared of orientations.values()) releasePrepared(prepared);
    this.known.clear();
    giveBackSamples(this.parts);
    this.parts.length = 0;
  }
}

/** The best-correlating crop alignment of b (in its closest orientation) onto a. */
export function alignPair(a: AlignablePhoto, b: AlignablePhoto, prepared = new PreparedThumbnails()): PairAlignment | undefined {
  const transform = closestOrientation(a.fingerprint, b.fingerprint);
  const aspectB = transform >= 4 ? b.height / b.width : b.width / b.height;
  let best: CandidateAlignment | undefined;
  let bestParts: AlignedParts | undefined;
  for (const candidate of alignCrops(prepared.of(a.thumbnail, 0), prepared.of(b.thumbnail, transform), a.width / a.height, aspectB)) {
    const parts = candidate.parts();
    if (!bestParts || parts.correlation > bestParts.correlation) [best, bestParts] = [candidate, parts];
  }
  return best && bestParts && new KeptAlignment(transform, best.x, best.y, bestParts);
}

/** The candidate an alignment keeps: its parts are where the crop alignment made them, copied out (by the regions) only when read. */
class KeptAlignment implements PairAlignment {
  readonly turn = 0;
  readonly kernel: AlignmentKernel;
  readonly aAt: number;
  readonly bAt: number;
  readonly correlation: number;

  constructor(
    readonly transform: number,
    readonly x: AxisOverlap,
    readonly y: AxisOverlap,
    private readonly parts: AlignedParts,
  ) {
    this.kernel = parts.kernel;
    this.aAt = parts.aAt;
    this.bAt = parts.bAt;
    this.correlation = parts.correlation;
  }

  get a(): Float64Array {
    return this.parts.a;
  }

  get b(): Float64Array {
    return this.parts.b;
  }
}

/**
 * a lined up onto b, from b lined up onto a: the same common part seen from b. With b turned by t
 * onto a, a is turned by t's inverse onto b; each of b's axes is one of a's (the other one when t
 * swaps axes), running the other way when t mirrors it, and the two parts turn back with it.
 */
export function reversed(alignment: PairAlignment, prepared?: PreparedThumbnails): PairAlignment {
  const { transform } = alignment;
  if (alignment.turn !== 0) throw new Error('an alignment seen from its other side is not reversed again: align the pair afresh');
  const swap = transform >= 4;
  const seenFromB = ({ aStart, aEnd, bStart, bEnd, score }: AxisOverlap, mirrored: boolean): AxisOverlap =>
    mirrored ? { aStart: bEnd, aEnd: bStart, bStart: aEnd, bEnd: aStart, score } : { aStart: bStart, aEnd: bEnd, bStart: aStart, bEnd: aEnd, score };
  return new ReversedAlignment(
    alignment,
    inverseTransform(transform),
    seenFromB(swap ? alignment.y : alignment.x, (transform & 1) !== 0),
    seenFromB(swap ? alignment.x : alignment.y, (transform & 2) !== 0),
    prepared,
  );
}

/**
 * An alignment seen from its other side: its parts swapped and turned by the inverse turn, read
 * through the turn's table in the kernel, and turned in JavaScript only when read there (most never are).
 */
class ReversedAlignment implements PairAlignment {
  readonly kernel: AlignmentKernel;
  readonly aAt: number;
  readonly bAt: number;
  readonly turn: number;
  readonly correlation: number;
  private turnedA: Float64Array | undefined;
  private turnedB: Float64Array | undefined;

  constructor(
    private readonly original: PairAlignment,
    readonly transform: number,
    readonly x: AxisOverlap,
    readonly y: AxisOverlap,
    private readonly prepared: PreparedThumbnails | undefined,
  ) {
    this.kernel = original.kernel;
    // Seen from b, a's part is b's and b's is a's.
    this.aAt = original.bAt;
    this.bAt = original.aAt;
    this.turn = original.kernel.turnTableAt(transform);
    this.correlation = original.correlation;
  }

  get a(): Float64Array {
    this.turnedA ??= this.turned(this.original.b);
    return this.turnedA;
  }

  get b(): Float64Array {
    this.turnedB ??= this.turned(this.original.a);
    return this.turnedB;
  }

  private turned(part: Float64Array): Float64Array {
    return this.transform === 0 ? part : turnSquare(part, AXIS, this.transform, this.prepared?.part());
  }
}

/** The orientation of b whose hash is closest to a's upright hash (the lower transform on ties). */
function closestOrientation(a: Fingerprint, b: Fingerprint): number {
  const [uprightHigh = 0, uprightLow = 0] = halvesOf(a);
  const turns = halvesOf(b);
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let transform = 0; transform < Math.min(TRANSFORMS, b.variants.length); transform++) {
    const distance = popcount32((uprightHigh ^ (turns[2 * transform] ?? 0)) >>> 0) + popcount32((uprightLow ^ (turns[2 * transform + 1] ?? 0)) >>> 0);
    if (distance < bestDistance) [best, bestDistance] = [transform, distance];
  }
  return best;
}

/**
 * A fingerprint's orientation hashes as 32-bit halves (bigintToPair), made once: each photo of a
 * group is aligned with every other one, and splitting 9 bigints per alignment was a tenth of what
 * choosing a group's best photo allocated.
 */
const halves = new WeakMap<Fingerprint, Uint32Array>();

function halvesOf(fingerprint: Fingerprint): Uint32Array {
  let made = halves.get(fingerprint);
  if (!made) {
    const split = new Uint32Array(2 * fingerprint.variants.length);
    fingerprint.variants.forEach((variant, transform) => split.set(bigintToPair(variant), 2 * transform));
    halves.set(fingerprint, split);
    made = split;
  }
  return made;
}
