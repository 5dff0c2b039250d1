/**
 * The batch join: every (query, indexed hash) pair within a radius, by multi-index hashing.
 *
 * Per probed chunk (see chunking.ts) both sides are bucketed by the chunk's bits and the kernel pairs
 * the buckets within t_c of each other (assembly/hamming-join.ts). Chunks are done one after the
 * other, so only one chunk's buckets are in memory at a time; a pair a later chunk finds again is
 * dropped by the kernel (it checks the earlier chunks' radii on the pair's difference).
 *
 * The join is symmetric, so the side with fewer items walks its entries and the other side is probed:
 * probes cost per walked entry and per mask.
 */

import { planChunks, type Chunk } from './chunking.js';
import { masksWithin } from './masks.js';
import { instantiateKernel, type PairVisitor } from './wasm-kernel.js';

/** 2^12 offsets = 16 KB: an inner block stays in L1 cache while all its low masks are tried. */
const LOW_BITS = 12;
/** Room kept free at the start of the kernel's memory (the compiled module has no static data today). */
const RESERVED_BYTES = 65536;
const EARLIER_RECORD_BYTES = 12;

export function joinPairs(queries: BigUint64Array, indexed: BigUint64Array, radius: number, visit: PairVisitor): void {
  const probed = planChunks(queries.length, indexed.length, radius).filter((chunk) => chunk.t >= 0);
  const masks = probed.map((chunk) => chunkMasks(chunk));
  const widest = Math.max(...probed.map((chunk) => chunk.width));
  const maskWords = Math.max(...masks.map((m) => m.high.length + m.low.length + m.lowCounts.length));

  const layout = new Layout(RESERVED_BYTES);
  const queryHashes = layout.take(8 * queries.length);
  const indexHashes = layout.take(8 * indexed.length);
  const side = (count: number) => ({ offsets: layout.take(4 * (2 ** widest + 2)), ids: layout.take(4 * count), sorted: layout.take(8 * count) });
  const querySide = side(queries.length);
  const indexSide = side(indexed.length);
  const maskArea = layout.take(4 * maskWords);
  const earlierArea = layout.take(EARLIER_RECORD_BYTES * probed.length);

  const kernel = instantiateKernel(layout.end, visit);
  const { buffer } = kernel.memory;
  new BigUint64Array(buffer, queryHashes, queries.length).set(queries);
  new BigUint64Array(buffer, indexHashes, indexed.length).set(indexed);
  const walkQueries = queries.length < indexed.length;
  const outer = walkQueries ? querySide : indexSide;
  const inner = walkQueries ? indexSide : querySide;

  probed.forEach((chunk, c) => {
    kernel.bucket(queryHashes, queries.length, chunk.start, chunk.width, querySide.offsets, querySide.ids, querySide.sorted);
    kernel.bucket(indexHashes, indexed.length, chunk.start, chunk.width, indexSide.offsets, indexSide.ids, indexSide.sorted);
    const { high, low, lowCounts } = masks[c] as ChunkMasks;
    const words = new Uint32Array(buffer, maskArea, high.length + low.length + lowCounts.length);
    words.set(high, 0);
    words.set(low, high.length);
    words.set(lowCounts, high.length + low.length);
    const earlier = new Int32Array(buffer, earlierArea + EARLIER_RECORD_BYTES * c, 3);
    kernel.join(
      outer.offsets,
      outer.ids,
      outer.sorted,
      inner.offsets,
      inner.ids,
      inner.sorted,
      chunk.start,
      chunk.width,
      Math.min(LOW_BITS, chunk.width),
      maskArea,
      high.length,
      maskArea + 4 * high.length,
      maskArea + 4 * (high.length + low.length),
      chunk.t,
      radius,
      earlierArea,
      c,
      walkQueries ? 1 : 0,
    );
    // This chunk is an earlier one for the chunks after it.
    earlier.set([chunk.start, chunk.width, chunk.t]);
  });
}

interface ChunkMasks {
  high: Uint32Array;
  /** Low masks by popcount; lowCounts[b] = how many have popcount <= b. */
  low: Uint32Array;
  lowCounts: Uint32Array;
}

function chunkMasks(chunk: Chunk): ChunkMasks {
  const lowBits = Math.min(LOW_BITS, chunk.width);
  const lowCounts = new Uint32Array(chunk.t + 1);
  for (let budget = 0; budget <= chunk.t; budget++) lowCounts[budget] = masksWithin(lowBits, budget).length;
  return { high: masksWithin(chunk.width - lowBits, chunk.t), low: masksWithin(lowBits, chunk.t), lowCounts };
}

/** Byte offsets of the arrays in the kernel's memory, 8-byte aligned, one after the other. */
class Layout {
  constructor(public end: number) {}

  take(bytes: number): number {
    const at = this.end;
    this.end += Math.ceil(bytes / 8) * 8;
    return at;
  }
}
