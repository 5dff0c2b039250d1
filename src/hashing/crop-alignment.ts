/**
 * Finds how two thumbnails of one photo may have been cropped relative to each other. Each axis is
 * solved on its own from row and column mean profiles (cheap, 1-D), the best few per axis are
 * combined, combinations whose aspect ratios disagree with the photos' real shapes are dropped, and
 * the rest are offered most promising first, each compared on its full 2-D overlap when asked.
 */

import {
  AxisSearch,
  dropAxisKernel,
  inCurrentKernel,
  keptLogRatio,
  preparedProfileBuffers,
  prepareProfilesOf,
  releaseProfile,
  type AxisOverlap,
  type PreparedProfile,
} from './axis-overlaps.js';
import { MAX_CROP_STEPS } from './resample.js';
import { alignedParts, dropSpareCopies, Regions, type AlignedParts } from './thumbnail-regions.js';

export type { AlignedParts } from './thumbnail-regions.js';

/** A crop alignment worth checking: how the two thumbnails overlap on each axis. */
export interface CandidateAlignment {
  /** Tried because the other axis's cut and the photos' shapes demand it, not because its profiles agree best. */
  readonly impliedByShape: boolean;
  /** How much each photo loses on each axis to reach the common part (crop steps of 1.25 %). */
  readonly x: AxisOverlap;
  readonly y: AxisOverlap;
  /** The two common parts, made on first use: a check usually settles on the first candidate or two. */
  parts(): AlignedParts;
}

/** Allowed disagreement of aspect ratios (log scale): resizing rounds sizes to whole pixels. */
const ASPECT_TOLERANCE = 0.05;

/**
 * Candidate alignments, the most promising first (by the two axes' profile scores): the best few
 * overlaps of each axis paired with each other, and each axis's best with the best overlap of the
 * other axis that keeps the photos' shapes. On a smooth picture the profiles of one axis barely
 * tell a 5 % cut from an 8 % one, and the right cut may rank below the best few; the shape of the
 * other axis's cut pins it down. (Doing so for every one of the best few, not only the best, found
 * no more of the grouping benchmark's copies and cost a third more confirmation time.)
 */
export function alignCrops(a: Uint8Array | PreparedThumbnail, b: Uint8Array | PreparedThumbnail, aspectA: number, aspectB: number): CandidateAlignment[] {
  // The pixel check passes raw thumbnails, prepared into scratch (ScratchSide); a group's photos come prepared.
  const { xSearch, ySearch, scratchA, scratchB } = workspace();
  const first = a instanceof Uint8Array ? scratchA.prepared(a) : a;
  const second = b instanceof Uint8Array ? scratchB.prepared(b) : b;
  const xs = xSearch.start(first.columns, second.columns).best();
  const ys = ySearch.start(first.rows, second.rows).best();
  const logAspects = Math.log(aspectA / aspectB);
  const candidates = new Candidates(first, second, logAspects);
  for (const x of xs) for (const y of ys) candidates.consider(x, y, false);
  const [bestX, bestY] = [xs[0] as AxisOverlap, ys[0] as AxisOverlap];
  const [bestXRatio, bestYRatio] = [keptLogRatio(bestX), keptLogRatio(bestY)];
  candidates.consider(bestX, ySearch.bestWhere({ axis: 'y', logAspects, otherLogRatio: bestXRatio, tolerance: ASPECT_TOLERANCE }), true);
  candidates.consider(xSearch.bestWhere({ axis: 'x', logAspects, otherLogRatio: bestYRatio, tolerance: ASPECT_TOLERANCE }), bestY, true);
  return candidates.mostPromisingFirst();
}

/**
 * The candidates of one alignCrops, each combination of cuts once. (Alignments run by the tens of
 * thousands, in the pixel check and for every pair of a group's photos: a map, closures and a
 * sort's scratch per alignment were most of what choosing a group's best photo allocated.)
 */
class Candidates {
  private readonly list: Candidate[] = [];
  private readonly keys: number[] = [];

  constructor(
    private readonly first: PreparedThumbnail,
    private readonly second: PreparedThumbnail,
    private readonly logAspects: number,
  ) {}

  /** Keeps x with y, unless either is missing, their shapes disagree, or they were considered before. */
  consider(x: AxisOverlap | undefined, y: AxisOverlap | undefined, impliedByShape: boolean): void {
    if (!x || !y) return;
    const key = overlapKey(x) * CUT_KEYS + overlapKey(y);
    if (this.keys.includes(key)) return;
    // The kept parts' shapes must agree: aspectA · keptWidthA / keptHeightA = aspectB · keptWidthB / keptHeightB.
    if (Math.abs(this.logAspects + keptLogRatio(x) - keptLogRatio(y)) > ASPECT_TOLERANCE) return;
    this.keys.push(key);
    this.list.push(new Candidate(impliedByShape, x, y, this.first, this.second));
  }

  /** By the two axes' profile scores, high to low; equal promise keeps the order they were considered in. */
  mostPromisingFirst(): Candidate[] {
    const list = this.list;
    // An insertion sort, stable: a list this short needs no more.
    for (let k = 1; k < list.length; k++) {
      const next = list[k] as Candidate;
      let at = k;
      for (; at > 0 && (list[at - 1] as Candidate).promise < next.promise; at--) list[at] = list[at - 1] as Candidate;
      list[at] = next;
    }
    return list;
  }
}

class Candidate implements CandidateAlignment {
  readonly promise: number;
  private made: AlignedParts | undefined;

  constructor(
    readonly impliedByShape: boolean,
    readonly x: AxisOverlap,
    readonly y: AxisOverlap,
    private readonly first: PreparedThumbnail,
    private readonly second: PreparedThumbnail,
  ) {
    this.promise = x.score + y.score;
  }

  parts(): AlignedParts {
    const { x, y, first, second } = this;
    this.made ??= alignedParts(first.regions, first.regions.of(x.aStart, x.aEnd, y.aStart, y.aEnd), second.regions, second.regions.of(x.bStart, x.bEnd, y.bStart, y.bEnd));
    return this.made;
  }
}

/** An overlap's four cuts (0 to MAX_CROP_STEPS each) as one number, below CUT_KEYS: a key built as a string cost more than the rest of combining. */
const CUT_BASE = MAX_CROP_STEPS + 1;
const CUT_KEYS = CUT_BASE ** 4;
function overlapKey({ aStart, aEnd, bStart, bEnd }: AxisOverlap): number {
  return ((aStart * CUT_BASE + aEnd) * CUT_BASE + bStart) * CUT_BASE + bEnd;
}

/**
 * A thumbnail made ready for alignment: its profiles under every crop scored, and its regions as
 * they are asked for, each made once. A group aligns each of its photos with every other one, so
 * it prepares each photo once; the pixel check of a single pair prepares into scratch instead.
 */
export interface PreparedThumbnail {
  readonly columns: PreparedProfile;
  readonly rows: PreparedProfile;
  readonly regions: Regions;
}

type ProfileBuffers = Pick<PreparedThumbnail, 'columns' | 'rows'>;

/**
 * Buffers of prepared thumbnails given back once their alignments are made (a group's, when its best
 * photo is chosen), for the next ones: each holds ~240 KB of profiles (in the axis search's kernel),
 * and preparing them afresh for every photo of every group kept the memory high.
 */
const spareBuffers: ProfileBuffers[] = [];
const MAX_SPARE_BUFFERS = 32;

/**
 * A thumbnail prepared for any number of alignments (buffers of its own until `releasePrepared`),
 * turned by dihedral transform `transform` first (dihedral.ts) when one is given.
 */
export function prepareThumbnail(raster: Uint8Array, { transform = 0 }: { transform?: number } = {}): PreparedThumbnail {
  return prepareInto(raster, spareBuffers.pop() ?? { columns: preparedProfileBuffers(), rows: preparedProfileBuffers() }, transform);
}

/** Gives a prepared thumbnail's buffers back for reuse: neither it nor the parts of alignments made from it may be read afterwards. */
export function releasePrepared(prepared: PreparedThumbnail): void {
  prepared.regions.release();
  const { columns, rows } = prepared;
  // Profiles of a kernel dropped since (dropSpareBuffers) are let go with it.
  if (!inCurrentKernel(columns)) return;
  if (spareBuffers.length < MAX_SPARE_BUFFERS) spareBuffers.push({ columns, rows });
  else {
    releaseProfile(columns);
    releaseProfile(rows);
  }
}

/**
 * Lets go of the buffers kept for the next alignment (the spares, the searches and the raw
 * thumbnails last prepared, and the axis search's kernel with its memory): once a grouping is over
 * they would only hold memory until the next one, and a watch groups batch after batch.
 */
export function dropSpareBuffers(): void {
  spareBuffers.length = 0;
  dropSpareCopies();
  searches = undefined;
  dropAxisKernel();
}

/**
 * The two axes' searches and the two sides of raw thumbnails, used by one alignCrops at a time
 * (nothing here is asynchronous): made on first use, in the axis search's kernel, and dropped with it.
 */
let searches: { xSearch: AxisSearch; ySearch: AxisSearch; scratchA: ScratchSide; scratchB: ScratchSide } | undefined;

function workspace(): NonNullable<typeof searches> {
  searches ??= { xSearch: new AxisSearch(), ySearch: new AxisSearch(), scratchA: new ScratchSide(), scratchB: new ScratchSide() };
  return searches;
}

/**
 * One side of alignCrops on raw thumbnails (nothing here is asynchronous). The raster last prepared
 * here stays prepared while the next alignment brings the same one: the pixel check aligns b in up
 * to three orientations, and again for its second looks, against the same a, whose crops are then
 * made once. A raster is never changed in place. The parts of its alignments are read only until
 * another raster is prepared on this side; their buffers then go back to the spares.
 */
class ScratchSide {
  private readonly buffers: ProfileBuffers = { columns: preparedProfileBuffers(), rows: preparedProfileBuffers() };
  private last: { raster: Uint8Array; prepared: PreparedThumbnail } | undefined;

  prepared(raster: Uint8Array): PreparedThumbnail {
    if (this.last?.raster === raster) return this.last.prepared;
    this.last?.prepared.regions.release();
    this.last = { raster, prepared: prepareInto(raster, this.buffers) };
    return this.last.prepared;
  }
}

/** `raster` (turned by `transform`) into the kernel, its regions and its two profiles. */
function prepareInto(raster: Uint8Array, into: ProfileBuffers, transform = 0): PreparedThumbnail {
  const regions = new Regions(into.columns.kernel, raster, transform);
  prepareProfilesOf(regions.thumbnailAt, into.columns, into.rows);
  return { columns: into.columns, rows: into.rows, regions };
}
