/**
 * The regions of one thumbnail that crop alignment compares (crop-alignment.ts): the part a crop
 * keeps, resampled back to AXIS × AXIS, with its mean and sum of squares, and the correlation of two
 * such parts. The arithmetic runs in the alignment kernel (assembly/regions.ts), in the kernel's
 * memory; a part's samples are copied out to JavaScript only when something reads them (the
 * candidate an alignment keeps, or one the pixel check looks at more closely).
 */

import { REGION_BYTES, type AlignmentKernel } from './alignment-kernel.js';
import { centredCorrelation, correlation } from './correlation.js';
import { gradients } from './gradients.js';
import { AXIS } from './resample.js';

export interface Region {
  /** Byte offset of its samples in the kernel's memory. */
  readonly at: number;
  /** Its side of a correlation. */
  readonly mean: number;
  readonly squares: number;
}

export interface AlignedParts {
  /** Common part of a and of b, each resampled to 32×32. */
  readonly a: Float64Array;
  readonly b: Float64Array;
  /** The same two parts where they are, in the kernel's memory (byte offsets of AXIS × AXIS samples). */
  readonly kernel: AlignmentKernel;
  readonly aAt: number;
  readonly bAt: number;
  readonly correlation: number;
  gradientCorrelation(): number;
}

/** Copies of regions' samples (AXIS × AXIS each) of released thumbnails, for the next group's. */
const spareCopies: Float64Array[] = [];
const MAX_SPARE_COPIES = 512;

/** Lets go of the copies kept for the next regions (grouping is over). */
export function dropSpareCopies(): void {
  spareCopies.length = 0;
}

/** An AXIS × AXIS buffer from the spares (its contents are stale), for a part made in JavaScript. */
export function spareSamples(): Float64Array {
  return spareCopies.pop() ?? new Float64Array(AXIS * AXIS);
}

/** Gives buffers of AXIS × AXIS samples back to the spares: none may be read afterwards. */
export function giveBackSamples(buffers: readonly Float64Array[]): void {
  for (const buffer of buffers) if (spareCopies.length < MAX_SPARE_COPIES) spareCopies.push(buffer);
}

/**
 * Regions of one thumbnail by crop steps [xStart, xEnd, yStart, yEnd], each made once: the candidate
 * overlaps often share one side's crop (the uncropped side of each overlap is 0, 0), and those that
 * share its horizontal crop share the columns pass of the resampling. An uncut axis needs no pass:
 * its weights are 1 and 0, which give back each sample exactly. Blocks go back to the kernel, and
 * copies to the spares, when the thumbnail is released: the pixel check and the best photo make tens
 * of thousands of regions.
 */
export class Regions {
  /** Byte offset of the thumbnail (AXIS × AXIS bytes, turned as asked) in the kernel's memory. */
  readonly thumbnailAt: number;
  private readonly columns = new Map<number, number>();
  private readonly made = new Map<number, Region>();
  private readonly blocks: number[] = [];
  private readonly copies = new Map<number, Float64Array>();
  private released = false;

  /** Regions of `thumbnail` under dihedral transform `transform` (dihedral.ts). */
  constructor(
    readonly kernel: AlignmentKernel,
    thumbnail: Uint8Array,
    transform = 0,
  ) {
    if (thumbnail.length !== AXIS * AXIS) throw new RangeError(`a thumbnail has ${AXIS * AXIS} bytes, not ${thumbnail.length}`);
    this.thumbnailAt = kernel.allocate(AXIS * AXIS);
    if (transform === 0) kernel.bytes().set(thumbnail, this.thumbnailAt);
    else {
      kernel.bytes().set(thumbnail, kernel.scratchThumbnail);
      kernel.exports.turn(kernel.scratchThumbnail, transform, this.thumbnailAt);
    }
  }

  of(xStart: number, xEnd: number, yStart: number, yEnd: number): Region {
    const xKey = xStart * 100 + xEnd;
    const key = xKey * 10_000 + yStart * 100 + yEnd;
    const known = this.made.get(key);
    if (known) return known;
    const { exports } = this.kernel;
    let resampled = this.columns.get(xKey);
    if (resampled === undefined) {
      resampled = this.block();
      if (xStart + xEnd === 0) exports.widen(this.thumbnailAt, resampled);
      else exports.resampleColumns(this.thumbnailAt, xStart, xEnd, resampled);
      this.columns.set(xKey, resampled);
    }
    let at = resampled;
    if (yStart + yEnd !== 0) {
      at = this.block();
      exports.resampleRows(resampled, yStart, yEnd, at);
    }
    const mean = exports.meanOf(at);
    const region = { at, mean, squares: exports.squaresAbout(at, mean) };
    this.made.set(key, region);
    return region;
  }

  /** A region's samples, in JavaScript: valid until the thumbnail is released. */
  samples(region: Region): Float64Array {
    let copy = this.copies.get(region.at);
    if (!copy) {
      const from = region.at / Float64Array.BYTES_PER_ELEMENT;
      copy = spareSamples();
      copy.set(this.kernel.float64s().subarray(from, from + AXIS * AXIS));
      this.copies.set(region.at, copy);
    }
    return copy;
  }

  /** Gives the blocks and copies back: no region made here may be read afterwards. */
  release(): void {
    // Twice would hand the same blocks out twice.
    if (this.released) return;
    this.released = true;
    for (const at of this.blocks) this.kernel.release(at, REGION_BYTES);
    this.kernel.release(this.thumbnailAt, AXIS * AXIS);
    giveBackSamples([...this.copies.values()]);
    this.blocks.length = 0;
    this.columns.clear();
    this.made.clear();
    this.copies.clear();
  }

  private block(): number {
    const at = this.kernel.allocate(REGION_BYTES);
    this.blocks.push(at);
    return at;
  }
}

/**
 * Two regions lined up: their correlation now, their samples when read. (A class: an object literal
 * with getters, made for every candidate of every alignment, cost a quarter of the regions' arithmetic.)
 */
class LinedUpRegions implements AlignedParts {
  readonly correlation: number;

  constructor(
    private readonly sideA: Regions,
    private readonly partA: Region,
    private readonly sideB: Regions,
    private readonly partB: Region,
  ) {
    this.correlation = centredCorrelation(sideA.kernel.exports.centredProduct(partA.at, partA.mean, partB.at, partB.mean), partA.squares, partB.squares);
  }

  get kernel(): AlignmentKernel {
    return this.sideA.kernel;
  }

  get aAt(): number {
    return this.partA.at;
  }

  get bAt(): number {
    return this.partB.at;
  }

  get a(): Float64Array {
    return this.sideA.samples(this.partA);
  }

  get b(): Float64Array {
    return this.sideB.samples(this.partB);
  }

  gradientCorrelation(): number {
    return correlation(gradients(this.a), gradients(this.b));
  }
}

export function alignedParts(sideA: Regions, partA: Region, sideB: Regions, partB: Region): AlignedParts {
  return new LinedUpRegions(sideA, partA, sideB, partB);
}
