/**
 * Loads the compiled crop alignment (assembly/axis-search.ts and assembly/regions.ts, with
 * assembly/evidence.ts, what the best-photo rules read of aligned parts; built to
 * dist/alignment.wasm by `npm run build`) and keeps its memory: the tables axis-overlaps.ts makes
 * and the weights of every crop, then blocks for prepared profiles, searches, thumbnails and
 * regions, handed out by byte offset. Each thread that aligns photos (the main one, grouping's
 * helper) has its own instance and memory, made on first use.
 *
 * The memory grows when blocks run out; a block given back is reused, and the whole memory goes
 * with the kernel (axis-overlaps.ts drops it when a grouping is over). Growing replaces the
 * memory's buffer, so views of it are made afresh after every allocation (`float64s`, `int32s`,
 * `bytes`), never kept across one.
 */

import { readFileSync } from 'node:fs';
import { TRANSFORMS, turnTable } from './dihedral.js';
import { AXIS, axisWeights, MAX_CROP_STEPS, weightsTable } from './resample.js';

/** The built files: two levels up from src/hashing (tests) and from dist/hashing (the CLI) is the package root. */
const WASM_FILE = new URL('../../dist/alignment.wasm', import.meta.url);
const PAGE_BYTES = 65536;
/** The first page stays unused: offset 0 is nobody's block. */
const FIRST_FREE = PAGE_BYTES;

interface AlignmentExports {
  init(...tables: number[]): void;
  profileBytes(): number;
  searchBytes(): number;
  bestTrialsOffset(): number;
  bestScoresOffset(): number;
  resetProfile(profile: number): void;
  start(search: number, a: number, b: number): void;
  best(search: number): number;
  bestWhere(search: number, logAspects: number, otherLogRatio: number, tolerance: number, asX: number): number;
  scoreOf(search: number, trial: number): number;
  initRegions(first: number, near: number, far: number): void;
  widen(thumbnail: number, into: number): void;
  resampleColumns(thumbnail: number, start: number, end: number, into: number): void;
  resampleRows(columns: number, start: number, end: number, into: number): void;
  meanOf(values: number): number;
  squaresAbout(values: number, mean: number): number;
  centredProduct(a: number, meanA: number, b: number, meanB: number): number;
  initTurns(tables: number): void;
  turn(from: number, transform: number, into: number): void;
  profiles(thumbnail: number, columns: number, rows: number): void;
  evidenceScratchBytes(): number;
  initEvidence(scratch: number): void;
  toneSumsOffset(): number;
  toneSums(a: number, b: number, turn: number): void;
  localDifference(a: number, b: number, turn: number, gain: number, offset: number, minPatch: number, overNoise: number, maxChangedShare: number): number;
}

/** A region's block: AXIS × AXIS samples. */
export const REGION_BYTES = AXIS * AXIS * Float64Array.BYTES_PER_ELEMENT;

/** The tables of the 1-D search (axis-overlaps.ts), laid out in order into the memory. */
export interface AxisSearchTables {
  trialKind: Int32Array;
  trialA: Int32Array;
  trialB: Int32Array;
  trialLogRatio: Float64Array;
  identity: number;
  shared: { first: Int32Array; near: Float64Array; far: Float64Array };
  twoEnded: { first: Int32Array; near: Float64Array; far: Float64Array };
  lattice: Int32Array;
  halfLatticeAway: Int32Array;
  oneStepAway: Int32Array;
}

/** The weights of every crop of an axis, start · (MAX_CROP_STEPS + 1) + end, as assembly/regions.ts reads them. */
function everyCrop(): ReturnType<typeof weightsTable> {
  return weightsTable(Array.from({ length: (MAX_CROP_STEPS + 1) ** 2 }, (_, k) => axisWeights(Math.floor(k / (MAX_CROP_STEPS + 1)), k % (MAX_CROP_STEPS + 1))));
}

/** Where each byte of a thumbnail comes from under each of the 8 turns, back to back. */
function turns(): Int32Array {
  const tables = new Int32Array(TRANSFORMS * AXIS * AXIS);
  for (let transform = 0; transform < TRANSFORMS; transform++) tables.set(turnTable(AXIS, transform), transform * AXIS * AXIS);
  return tables;
}

export class AlignmentKernel {
  readonly exports: AlignmentExports;
  /** A thumbnail's bytes before they are turned into their own block (nothing here is asynchronous). */
  readonly scratchThumbnail: number;
  /** The 8 turn tables (AXIS × AXIS i32 each: where each sample comes from), back to back. */
  private readonly turnTables: number;
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private end = FIRST_FREE;
  private readonly free = new Map<number, number[]>();
  private buffer: ArrayBuffer | undefined;
  private f64: Float64Array | undefined;
  private i32: Int32Array | undefined;
  private u8: Uint8Array | undefined;

  constructor(tables: AxisSearchTables) {
    const instance = new WebAssembly.Instance(alignmentModule(), { env: { memory: this.memory, abort: () => undefined } });
    this.exports = instance.exports as unknown as AlignmentExports;
    const { shared, twoEnded } = tables;
    this.exports.init(
      tables.trialKind.length,
      tables.identity,
      this.place(tables.trialKind),
      this.place(tables.trialA),
      this.place(tables.trialB),
      this.place(tables.trialLogRatio),
      shared.near.length / AXIS,
      this.place(shared.first),
      this.place(shared.near),
      this.place(shared.far),
      twoEnded.near.length / AXIS,
      this.place(twoEnded.first),
      this.place(twoEnded.near),
      this.place(twoEnded.far),
      this.place(tables.lattice),
      tables.lattice.length,
      this.place(tables.halfLatticeAway),
      this.place(tables.oneStepAway),
    );
    // Made here, not at start-up: a kernel is made once per grouping and thread, and most runs of the CLI never align.
    const crops = everyCrop();
    this.exports.initRegions(this.place(crops.first), this.place(crops.near), this.place(crops.far));
    this.turnTables = this.place(turns());
    this.exports.initTurns(this.turnTables);
    this.exports.initEvidence(this.allocate(this.exports.evidenceScratchBytes()));
    this.scratchThumbnail = this.allocate(AXIS * AXIS);
  }

  /** The byte offset of the table of turn `transform` (dihedral.ts's turnTable of AXIS), for a part read turned; 0 for none. */
  turnTableAt(transform: number): number {
    return transform === 0 ? 0 : this.turnTables + transform * AXIS * AXIS * Int32Array.BYTES_PER_ELEMENT;
  }

  /** A block of at least `size` bytes (see blockBytes), reused from those given back when one of that size is. */
  allocate(size: number): number {
    const bytes = blockBytes(size);
    const reused = this.free.get(bytes)?.pop();
    if (reused !== undefined) return reused;
    const at = this.end;
    this.end += bytes;
    const missing = this.end - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / PAGE_BYTES));
    return at;
  }

  /** Gives a block of `size` bytes back for reuse. */
  release(at: number, size: number): void {
    const bytes = blockBytes(size);
    let blocks = this.free.get(bytes);
    if (!blocks) this.free.set(bytes, (blocks = []));
    blocks.push(at);
  }

  float64s(): Float64Array {
    this.refresh();
    return this.f64 as Float64Array;
  }

  int32s(): Int32Array {
    this.refresh();
    return this.i32 as Int32Array;
  }

  bytes(): Uint8Array {
    this.refresh();
    return this.u8 as Uint8Array;
  }

  /** A table copied into a block of its own, for good. */
  private place(values: Int32Array | Float64Array): number {
    const at = this.allocate(values.byteLength);
    (values instanceof Int32Array ? this.int32s() : this.float64s()).set(values, at / values.BYTES_PER_ELEMENT);
    return at;
  }

  private refresh(): void {
    if (this.buffer === this.memory.buffer) return;
    this.buffer = this.memory.buffer;
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.u8 = new Uint8Array(this.buffer);
  }
}

/** A block's size for `size` bytes: rounded up to 8, so any array fits at its start. */
function blockBytes(size: number): number {
  return Math.ceil(size / 8) * 8;
}

let compiled: WebAssembly.Module | undefined;

function alignmentModule(): WebAssembly.Module {
  if (!compiled) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(WASM_FILE);
    } catch (error) {
      throw new Error(`the alignment kernel ${WASM_FILE.pathname} is missing: run \`npm run build\` (${(error as Error).message})`);
    }
    compiled = new WebAssembly.Module(new Uint8Array(bytes));
  }
  return compiled;
}
