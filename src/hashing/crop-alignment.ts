/**
 * Finds how two thumbnails of one photo may have been cropped relative to each other. Each axis is
 * solved on its own from row and column mean profiles (cheap, 1-D), the best few per axis are
 * combined, combinations whose aspect ratios disagree with the photos' real shapes are dropped, and
 * the rest are offered most promising first, each compared on its full 2-D overlap when asked.
 */

import { AxisSearch, keptLogRatio, prepareProfile, preparedProfileBuffers, type AxisOverlap, type PreparedProfile } from './axis-overlaps.js';
import { centredCorrelation, centredProduct, correlation, meanOf, squaresAbout } from './correlation.js';
import { gradients } from './gradients.js';
import { AXIS, axisWeights, MAX_CROP_STEPS, resampleColumns, resampleRows } from './resample.js';

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

export interface AlignedParts {
  /** Common part of a and of b, each resampled to 32×32. */
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly correlation: number;
  gradientCorrelation(): number;
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
  const first = a instanceof Uint8Array ? scratchA.prepared(a) : a;
  const second = b instanceof Uint8Array ? scratchB.prepared(b) : b;
  const xs = xSearch.start(first.columns, second.columns).best();
  const ys = ySearch.start(first.rows, second.rows).best();
  // The kept parts' shapes must agree: aspectA · keptWidthA / keptHeightA = aspectB · keptWidthB / keptHeightB.
  const logAspects = Math.log(aspectA / aspectB);
  const fits = (xLogRatio: number, yLogRatio: number) => Math.abs(logAspects + xLogRatio - yLogRatio) <= ASPECT_TOLERANCE;
  const combinations = new Map<number, { x: AxisOverlap; y: AxisOverlap; impliedByShape: boolean }>();
  const consider = (x: AxisOverlap | undefined, y: AxisOverlap | undefined, impliedByShape: boolean) => {
    if (!x || !y) return;
    const key = overlapKey(x) * CUT_KEYS + overlapKey(y);
    if (!combinations.has(key) && fits(keptLogRatio(x), keptLogRatio(y))) combinations.set(key, { x, y, impliedByShape });
  };
  for (const x of xs) for (const y of ys) consider(x, y, false);
  const [bestX, bestY] = [xs[0] as AxisOverlap, ys[0] as AxisOverlap];
  const [bestXRatio, bestYRatio] = [keptLogRatio(bestX), keptLogRatio(bestY)];
  consider(bestX, ySearch.bestWhere((yLogRatio) => fits(bestXRatio, yLogRatio)), true);
  consider(xSearch.bestWhere((xLogRatio) => fits(xLogRatio, bestYRatio)), bestY, true);

  const candidates = [...combinations.values()].map(({ x, y, impliedByShape }) => {
    let parts: AlignedParts | undefined;
    return {
      impliedByShape,
      x,
      y,
      promise: x.score + y.score,
      parts: () => (parts ??= alignedParts(first.regions.of(x.aStart, x.aEnd, y.aStart, y.aEnd), second.regions.of(x.bStart, x.bEnd, y.bStart, y.bEnd))),
    };
  });
  // A stable sort: equal promise keeps the order they were considered in.
  return candidates.sort((p, q) => q.promise - p.promise);
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
 * photo is chosen), for the next ones: each holds ~250 KB of profiles, and allocating them anew for
 * every photo of every group kept the garbage collector busy and the memory high.
 */
const spareBuffers: ProfileBuffers[] = [];
const MAX_SPARE_BUFFERS = 32;

/** A thumbnail prepared for any number of alignments (buffers of its own until `releasePrepared`). */
export function prepareThumbnail(raster: Uint8Array): PreparedThumbnail {
  return prepareInto(raster, spareBuffers.pop() ?? { columns: preparedProfileBuffers(), rows: preparedProfileBuffers() });
}

/** Gives a prepared thumbnail's buffers back for reuse: neither it nor the parts of alignments made from it may be read afterwards. */
export function releasePrepared(prepared: PreparedThumbnail): void {
  prepared.regions.release();
  if (spareBuffers.length < MAX_SPARE_BUFFERS) spareBuffers.push({ columns: prepared.columns, rows: prepared.rows });
}

/**
 * Lets go of the buffers kept for the next alignment (the spares, and the raw thumbnails last
 * prepared): once a grouping is over they would only hold memory until the next one, and a watch
 * groups batch after batch.
 */
export function dropSpareBuffers(): void {
  spareBuffers.length = 0;
  spareRasters.length = 0;
  scratchA.forget();
  scratchB.forget();
}

/** The two axes' searches, used by one alignCrops at a time (nothing here is asynchronous). */
const xSearch = new AxisSearch();
const ySearch = new AxisSearch();

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

  /** The last raster is let go with its regions (their buffers are not kept either). */
  forget(): void {
    this.last = undefined;
  }
}

const scratchA = new ScratchSide();
const scratchB = new ScratchSide();

function prepareInto(raster: Uint8Array, into: ProfileBuffers): PreparedThumbnail {
  const { columns, rows } = profiles(raster);
  return { columns: prepareProfile(columns, into.columns), rows: prepareProfile(rows, into.rows), regions: new Regions(raster) };
}

function alignedParts(partA: Region, partB: Region): AlignedParts {
  return {
    a: partA.pixels,
    b: partB.pixels,
    correlation: centredCorrelation(centredProduct(partA.pixels, partA.mean, partB.pixels, partB.mean), partA.squares, partB.squares),
    gradientCorrelation: () => correlation(gradients(partA.pixels), gradients(partB.pixels)),
  };
}

/** Column and row sums of a raster. */
function profiles(raster: Uint8Array): { columns: Float64Array; rows: Float64Array } {
  const columns = new Float64Array(AXIS);
  const rows = new Float64Array(AXIS);
  for (let y = 0; y < AXIS; y++) {
    let row = 0;
    for (let x = 0; x < AXIS; x++) {
      const value = raster[y * AXIS + x] ?? 0;
      columns[x] = (columns[x] ?? 0) + value;
      row += value;
    }
    rows[y] = row;
  }
  return { columns, rows };
}

interface Region {
  /** The region resampled to AXIS × AXIS. */
  pixels: Float64Array;
  /** Its side of a correlation. */
  mean: number;
  squares: number;
}

/** Region buffers (AXIS × AXIS samples each) of released thumbnails, for the next group's. */
const spareRasters: Float64Array[] = [];
const MAX_SPARE_RASTERS = 512;

/**
 * Regions of one raster by crop steps [xStart, xEnd, yStart, yEnd], each made once: the candidate
 * overlaps often share one side's crop (the uncropped side of each overlap is 0, 0), and those that
 * share its horizontal crop share the columns pass of the resampling. An uncut axis needs no pass:
 * its weights are 1 and 0, which give back each sample exactly. Buffers come from the spares and
 * go back when the thumbnail is released (8 KB each, a few dozen per alignment): the pixel check
 * and the best photo make tens of thousands of regions, and fresh ones kept the collector busy.
 */
class Regions {
  private readonly columns = new Map<number, Float64Array>();
  private readonly made = new Map<number, Region>();
  private readonly owned: Float64Array[] = [];

  constructor(private readonly raster: Uint8Array) {}

  of(xStart: number, xEnd: number, yStart: number, yEnd: number): Region {
    const xKey = xStart * 100 + xEnd;
    const key = xKey * 10_000 + yStart * 100 + yEnd;
    const known = this.made.get(key);
    if (known) return known;
    let resampled = this.columns.get(xKey);
    if (!resampled) {
      const into = this.buffer();
      if (xStart + xEnd === 0) into.set(this.raster);
      resampled = xStart + xEnd === 0 ? into : resampleColumns(this.raster, axisWeights(xStart, xEnd), into);
      this.columns.set(xKey, resampled);
    }
    const pixels = yStart + yEnd === 0 ? resampled : resampleRows(resampled, axisWeights(yStart, yEnd), this.buffer());
    const mean = meanOf(pixels);
    const region = { pixels, mean, squares: squaresAbout(pixels, mean) };
    this.made.set(key, region);
    return region;
  }

  /** Gives the buffers back: no region made here may be read afterwards. */
  release(): void {
    for (const buffer of this.owned) if (spareRasters.length < MAX_SPARE_RASTERS) spareRasters.push(buffer);
    this.owned.length = 0;
    this.columns.clear();
    this.made.clear();
  }

  private buffer(): Float64Array {
    const buffer = spareRasters.pop() ?? new Float64Array(AXIS * AXIS);
    this.owned.push(buffer);
    return buffer;
  }
}
