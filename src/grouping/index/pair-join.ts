/**
 * Many queries at once (the grouping engine's case: every photo, 8 variants each).
 *
 * Probing query by query costs a cache miss per mask (the bucket offsets of a 21-bit table are 8 MB).
 * Instead the queries are bucketed like the hashes, and the work is done block by block: a chunk key
 * is split into a high part and a low part of LOW_BITS bits. For a block of hash keys sharing a high
 * part h, and each high mask mH, the query block h ^ mH has its 2^LOW_BITS offsets in L1 cache; all
 * low masks mL (with popcount(mH) + popcount(mL) <= t) are then tried against that one block. Every
 * (hash key, query key) pair within t is thus visited exactly once, and from cache.
 *
 * The join is symmetric, so the side with fewer items walks its entries and the other side is probed:
 * probes cost per walked entry and per mask, and the grouping engine asks 1 upright hash per photo of
 * an index holding 8 orientations (measured: 2.6x fewer probes at 100k photos than walking the index).
 */

import { buildChunkTable, type ChunkTable } from './chunk-table.js';
import { masksWithin } from './masks.js';
import { chunkKey } from './chunking.js';
import { popcount32 } from './popcount.js';
import { seenInEarlierTable, type ProbePlan } from './probe-plan.js';

export type PairVisitor = (queryIndex: number, index: number, distance: number) => void;

/** 2^12 offsets = 16 KB: a query block stays in L1 while all its low masks are tried. */
const LOW_BITS = 12;

export function joinAll(plan: ProbePlan, queryHi: Uint32Array, queryLo: Uint32Array, radius: number, visit: PairVisitor): void {
  for (let c = 0; c < plan.tables.length; c++) {
    if (plan.radii[c]! >= 0) joinTable(plan, c, queryHi, queryLo, radius, visit);
  }
}

function joinTable(plan: ProbePlan, c: number, queryHi: Uint32Array, queryLo: Uint32Array, radius: number, visit: PairVisitor): void {
  const table = plan.tables[c]!;
  const t = plan.radii[c]!;
  const lowBits = Math.min(LOW_BITS, table.width);
  const highBits = table.width - lowBits;
  const queries = buildChunkTable(queryHi, queryLo, table.start, table.width);
  const walkQueries = queries.ids.length < table.ids.length;
  const outer = walkQueries ? queries : table;
  const inner = walkQueries ? table : queries;
  const highMasks = masksWithin(highBits, t);
  const lowMasksByBudget: Uint32Array[] = [];
  for (let budget = 0; budget <= t; budget++) lowMasksByBudget.push(masksWithin(lowBits, budget));
  const kernel: BlockKernel = {
    plan,
    c,
    outer,
    inner,
    walkQueries,
    lowBits,
    // The half holding less of this chunk differs most between unrelated hashes: test it first.
    hiFirst: table.start + table.width / 2 < 32,
    radius,
    visit,
  };
  const { offsets } = outer;
  for (let h = 0; h < 1 << highBits; h++) {
    const first = offsets[h << lowBits]!;
    const end = offsets[(h + 1) << lowBits]!;
    if (first === end) continue;
    for (let m = 0; m < highMasks.length; m++) {
      const highMask = highMasks[m]!;
      const innerBase = (h ^ highMask) << lowBits;
      if (inner.offsets[innerBase] === inner.offsets[innerBase + (1 << lowBits)]) continue;
      joinBlock(kernel, first, end, innerBase, lowMasksByBudget[t - popcount32(highMask)]!);
    }
  }
}

interface BlockKernel {
  readonly plan: ProbePlan;
  readonly c: number;
  /** The side whose entries are walked, and the side whose buckets are probed. */
  readonly outer: ChunkTable;
  readonly inner: ChunkTable;
  /** True when the queries are walked (outer), so reported ids are swapped back. */
  readonly walkQueries: boolean;
  readonly lowBits: number;
  readonly hiFirst: boolean;
  readonly radius: number;
  readonly visit: PairVisitor;
}

/** Outer entries at positions first..end-1 (one block) against the inner block at innerBase, every low mask. */
function joinBlock(kernel: BlockKernel, first: number, end: number, innerBase: number, lowMasks: Uint32Array): void {
  const { outer, inner, lowBits, hiFirst, radius } = kernel;
  const { start: chunkStart } = outer;
  const dA = hiFirst ? outer.hi : outer.lo;
  const dB = hiFirst ? outer.lo : outer.hi;
  const qA = hiFirst ? inner.hi : inner.lo;
  const qB = hiFirst ? inner.lo : inner.hi;
  const qOffsets = inner.offsets;
  const maskCount = lowMasks.length;
  for (let p = first; p < end; p++) {
    const a = dA[p]!;
    const b = dB[p]!;
    const low = hiFirst ? chunkKey(a, b, chunkStart, lowBits) : chunkKey(b, a, chunkStart, lowBits);
    for (let m = 0; m < maskCount; m++) {
      const at = innerBase + (low ^ lowMasks[m]!);
      const qEnd = qOffsets[at + 1]!;
      for (let s = qOffsets[at]!; s < qEnd; s++) {
        const xA = qA[s]! ^ a;
        // Most candidates are unrelated hashes: one half already exceeds the radius.
        const partial = popcount32(xA);
        if (partial > radius) continue;
        const xB = qB[s]! ^ b;
        const distance = partial + popcount32(xB);
        if (distance <= radius) report(kernel, p, s, hiFirst ? xA : xB, hiFirst ? xB : xA, distance);
      }
    }
  }
}

function report(kernel: BlockKernel, p: number, s: number, xHi: number, xLo: number, distance: number): void {
  if (seenInEarlierTable(kernel.plan, kernel.c, xHi, xLo)) return;
  const outerId = kernel.outer.ids[p]!;
  const innerId = kernel.inner.ids[s]!;
  if (kernel.walkQueries) kernel.visit(outerId, innerId, distance);
  else kernel.visit(innerId, outerId, distance);
}
