/**
 * Where the join's arrays live in the kernel's memory, the kernel calls for one chunk, and what the
 * main thread and the join worker share: plain data and functions both threads use.
 */

import { planChunks, type Chunk } from './chunking.js';
import { masksWithin } from './masks.js';
import type { MessagePort } from 'node:worker_threads';
import type { JoinKernel } from './wasm-kernel.js';

/** 2^12 offsets = 16 KB: an inner block stays in L1 cache while all its low masks are tried. */
const LOW_BITS = 12;
/** Room kept free at the start of the kernel's memory (the compiled module has no static data today). */
const RESERVED_BYTES = 65536;
const EARLIER_RECORD_BYTES = 12;
const OWNED_RECORD_BYTES = 12;
/** Key bits of bucketing's first radix pass (see `bucket` in the kernel); 10 was fastest at 13 million hashes. */
const FIRST_PASS_BITS = 10;

/**
 * One side's arrays: offsets (2^width + 1 u32), ids (u32) and hashes (u64). The hashes are written
 * at `sorted` with ids 0..n-1 and bucketed there in place, chunk after chunk (see `bucket` in the kernel).
 */
export interface SideLayout {
  readonly offsets: number;
  readonly ids: number;
  readonly sorted: number;
}

export interface ChunkMasks {
  readonly high: Uint32Array;
  /** Low masks by popcount; lowCounts[b] = how many have popcount <= b. */
  readonly low: Uint32Array;
  readonly lowCounts: Uint32Array;
}

/** Indexed entries start + stride·q .. start + stride·q + stride - 1 belong to query q and are not paired with it. */
export interface OwnedEntries {
  readonly start: number;
  readonly stride: number;
}

export interface JoinLayout {
  readonly radius: number;
  readonly owned: readonly OwnedEntries[];
  readonly queryCount: number;
  readonly indexCount: number;
  /** Probed chunks only (t >= 0), in join order. */
  readonly chunks: readonly Chunk[];
  readonly masks: readonly ChunkMasks[];
  readonly querySide: SideLayout;
  readonly indexSide: SideLayout;
  readonly maskArea: number;
  readonly earlierArea: number;
  readonly ownedArea: number;
  /** Bucketing's working memory (one side is bucketed at a time). */
  readonly bucketScratch: number;
  /** The smaller side walks its entries (probes cost per walked entry and per mask). */
  readonly walkQueries: boolean;
  readonly bytes: number;
}

/** What the join worker is started with. */
export interface JoinWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  layout: JoinLayout;
  /** Int32 slots indexed by `Control`, shared by both threads. */
  control: Int32Array;
  /** The current chunk's tasks: task k joins outer blocks tasks[k] .. tasks[k + 1] - 1 (JOIN_TASKS + 1 slots, shared). */
  tasks: Int32Array;
  port: MessagePort;
}

/**
 * Slots of the control array: chunks bucketed by the main thread, chunks joined by the worker, the
 * next task of the current chunk not yet taken, failure, whether the worker's code is running at
 * all, how many tasks the current chunk has, and whether the worker has written both sides' ids.
 */
export const Control = { prepared: 0, joined: 1, nextTask: 2, failed: 3, started: 4, taskCount: 5, idsWritten: 6 } as const;

/**
 * A chunk's walked entries are joined in up to this many tasks of about equal size, which either
 * thread takes from a shared counter: split in two fixed halves, one thread often waited for the
 * other, up to a fifth of the chunk's time (the two halves' costs differ, and so do the cores of a
 * shared machine from moment to moment).
 */
export const JOIN_TASKS = 256;

export function planJoin(queryCount: number, indexCount: number, radius: number, owned: readonly OwnedEntries[] = []): JoinLayout {
  const chunks = planChunks(queryCount, indexCount, radius).filter((chunk) => chunk.t >= 0);
  const masks = chunks.map(chunkMasks);
  const widest = Math.max(...chunks.map((chunk) => chunk.width));
  const maskWords = Math.max(...masks.map((m) => m.high.length + m.low.length + m.lowCounts.length));
  let end = RESERVED_BYTES;
  // 8-byte aligned, one after the other.
  const take = (bytes: number) => {
    const at = end;
    end += Math.ceil(bytes / 8) * 8;
    return at;
  };
  const side = (count: number): SideLayout => ({ offsets: take(4 * (2 ** widest + 1)), ids: take(4 * count), sorted: take(8 * count) });
  return {
    radius,
    owned,
    queryCount,
    indexCount,
    chunks,
    masks,
    querySide: side(queryCount),
    indexSide: side(indexCount),
    maskArea: take(4 * maskWords),
    earlierArea: take(EARLIER_RECORD_BYTES * chunks.length),
    ownedArea: take(OWNED_RECORD_BYTES * owned.length),
    bucketScratch: take(4 * bucketScratchWords(widest)),
    walkQueries: queryCount < indexCount,
    bytes: end,
  };
}

/** Number of outer blocks (high parts of the chunk key) of chunk c. */
export function blockCount(layout: JoinLayout, c: number): number {
  const chunk = layout.chunks[c] as Chunk;
  return 2 ** (chunk.width - lowBitsOf(chunk));
}

/**
 * Cuts chunk c's outer blocks into tasks of about equal walked entries, read from the bucketed
 * offsets: task k is blocks into[k] .. into[k + 1] - 1. Returns the number of tasks (none empty
 * of blocks; at most JOIN_TASKS).
 */
export function cutTasks(layout: JoinLayout, c: number, memory: WebAssembly.Memory, into: Int32Array): number {
  const chunk = layout.chunks[c] as Chunk;
  const lowBits = lowBitsOf(chunk);
  const outer = layout.walkQueries ? layout.querySide : layout.indexSide;
  const offsets = new Uint32Array(memory.buffer, outer.offsets, 2 ** chunk.width + 1);
  const total = offsets[2 ** chunk.width] as number;
  const blocks = blockCount(layout, c);
  // The first block whose entries start at or after `entries`.
  const blockAt = (entries: number) => {
    let low = 0;
    let high = blocks;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((offsets[mid << lowBits] as number) < entries) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  let count = 0;
  into[0] = 0;
  for (let k = 1; k <= JOIN_TASKS; k++) {
    const boundary = k === JOIN_TASKS ? blocks : blockAt((total * k) / JOIN_TASKS);
    if (boundary > (into[count] as number)) into[++count] = boundary;
  }
  return count;
}

/** Buckets both sides by chunk c and writes its masks and its record for later chunks (main thread only). */
export function prepareChunk(kernel: JoinKernel, layout: JoinLayout, c: number): void {
  const chunk = layout.chunks[c] as Chunk;
  const { querySide: q, indexSide: i } = layout;
  kernel.bucket(layout.queryCount, chunk.start, chunk.width, q.offsets, q.ids, q.sorted, FIRST_PASS_BITS, layout.bucketScratch);
  kernel.bucket(layout.indexCount, chunk.start, chunk.width, i.offsets, i.ids, i.sorted, FIRST_PASS_BITS, layout.bucketScratch);
  const { high, low, lowCounts } = layout.masks[c] as ChunkMasks;
  const words = new Uint32Array(kernel.memory.buffer, layout.maskArea, high.length + low.length + lowCounts.length);
  words.set(high, 0);
  words.set(low, high.length);
  words.set(lowCounts, high.length + low.length);
  // Chunks before c are read by the kernel as "earlier": records 0..c-1 are written by then.
  new Int32Array(kernel.memory.buffer, layout.earlierArea + EARLIER_RECORD_BYTES * c, 3).set([chunk.start, chunk.width, chunk.t]);
}

/** Joins chunk c's outer blocks blockFrom .. blockTo - 1. */
export function joinBlocks(kernel: JoinKernel, layout: JoinLayout, c: number, blockFrom: number, blockTo: number): void {
  const chunk = layout.chunks[c] as Chunk;
  const { high, low } = layout.masks[c] as ChunkMasks;
  const outer = layout.walkQueries ? layout.querySide : layout.indexSide;
  const inner = layout.walkQueries ? layout.indexSide : layout.querySide;
  kernel.join(
    outer.offsets,
    outer.ids,
    outer.sorted,
    inner.offsets,
    inner.ids,
    inner.sorted,
    chunk.start,
    chunk.width,
    lowBitsOf(chunk),
    layout.maskArea,
    high.length,
    layout.maskArea + 4 * high.length,
    layout.maskArea + 4 * (high.length + low.length),
    chunk.t,
    layout.radius,
    layout.earlierArea,
    c,
    layout.walkQueries ? 1 : 0,
    blockFrom,
    blockTo,
    layout.ownedArea,
    layout.owned.length,
  );
}

/** The kernel's memory is fresh: each 4 KB page costs a fault (the system zeroes it) when first written. */
const PAGE_BYTES = 4096;

/**
 * With two threads, the worker's part while the main thread writes the hashes: it first touches
 * every page of both sides' hash regions, ahead of the main thread's writing (~170 MB and ~0.4 s of
 * page faults at a million photos, which the main thread would otherwise take in turn). A touch is
 * an atomic compare-and-exchange of a byte with 0 for 0: a write to the page that leaves every byte
 * as it is, whether the main thread has already written there or not.
 */
export function touchHashPages(memory: WebAssembly.Memory, layout: JoinLayout): void {
  const bytes = new Uint8Array(memory.buffer);
  for (const [side, count] of [[layout.querySide, layout.queryCount], [layout.indexSide, layout.indexCount]] as const) {
    const end = side.sorted + 8 * count;
    for (let at = side.sorted; at < end; at += PAGE_BYTES) Atomics.compareExchange(bytes, at, 0, 0);
  }
}

/**
 * Gives every entry of both sides its own index as id, before the first chunk is bucketed. With two
 * threads the worker does it while the main thread writes the hashes: at a million photos that is
 * 22 million ids, ~0.25 s, most of it the first touch of their fresh pages.
 */
export function writeIds(memory: WebAssembly.Memory, layout: JoinLayout): void {
  for (const [side, count] of [[layout.querySide, layout.queryCount], [layout.indexSide, layout.indexCount]] as const) {
    const ids = new Uint32Array(memory.buffer, side.ids, count);
    for (let i = 0; i < count; i++) ids[i] = i;
  }
}

/** Writes the owned-entry records the kernel reads (main thread, once). */
export function writeOwned(memory: WebAssembly.Memory, layout: JoinLayout): void {
  const records = new Uint32Array(memory.buffer, layout.ownedArea, 3 * layout.owned.length);
  layout.owned.forEach(({ start, stride }, r) => records.set([start, stride, start + stride * layout.queryCount], 3 * r));
}

/** What the kernel's `bucket` needs for keys of `width` bits: part starts and cursors, and one part's bucket ends. */
function bucketScratchWords(width: number): number {
  const firstPass = Math.min(FIRST_PASS_BITS, width);
  return 2 ** (firstPass + 1) + 1 + 2 ** (width - firstPass);
}

function lowBitsOf(chunk: Chunk): number {
  return Math.min(LOW_BITS, chunk.width);
}

function chunkMasks(chunk: Chunk): ChunkMasks {
  const lowBits = lowBitsOf(chunk);
  const lowCounts = new Uint32Array(chunk.t + 1);
  for (let budget = 0; budget <= chunk.t; budget++) lowCounts[budget] = masksWithin(lowBits, budget).length;
  return { high: masksWithin(chunk.width - lowBits, chunk.t), low: masksWithin(lowBits, chunk.t), lowCounts };
}
