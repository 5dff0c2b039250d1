/**
 * Neighbour search over 64-bit hashes within a Hamming radius, without comparing all pairs.
 *
 * Method: multi-index hashing (Norouzi et al.), exact. The 64 bits are cut into m chunks (3 chunks of
 * 21-22 bits for a million hashes); each chunk has a table bucketing every hash by that chunk's bits.
 * A radius r is shared among the chunks so that sum(t_c + 1) = r + 1: by pigeonhole, any pair within
 * r has a chunk within t_c, so probing every bucket within t_c in every table misses nothing. Each
 * pair is reported once (a later table skips pairs an earlier table already covered). See
 * `index/chunking.ts` for how m and t_c are chosen, `index/pair-join.ts` for the batch search.
 *
 * API, fastest first:
 * - `index.forEachPairWithin(queryHi, queryLo, radius, visit)` — all queries at once (use this for
 *   grouping: put the 8 variant hashes of every photo in one pair of arrays, e.g. query 8 * photo + v).
 *   `visit(queryIndex, index, distance)` is called exactly once for every (query, indexed hash) pair
 *   within `radius`, in no particular (but deterministic) order. ~10x faster than querying one by one.
 * - `index.searchHiLo(hi, lo, radius, visit)` — one query, no BigInt, no allocation.
 * - `index.search(query, radius, visit)` — one query as a bigint (convenient, slower).
 * `splitHashes(bigints)` gives the uint32 halves: hi = bits 32..63, lo = bits 0..31.
 * Any radius 0..64 is exact; `maxRadius` at build time only tunes the chunk layout.
 */

import { chooseChunks, shareRadius } from './index/chunking.js';
import { buildChunkTable, type ChunkTable } from './index/chunk-table.js';
import { joinAll, type PairVisitor } from './index/pair-join.js';
import { splitHashes } from './index/popcount.js';
import type { ProbePlan } from './index/probe-plan.js';
import { searchOne } from './index/single-search.js';

export { splitHashes } from './index/popcount.js';
export type { PairVisitor } from './index/pair-join.js';

export interface HammingIndex {
  /** Number of indexed hashes. */
  readonly size: number;
  /** Calls `visit` once for every indexed hash within `radius` of `query` (index into the build array). */
  search(query: bigint, radius: number, visit: (index: number, distance: number) => void): void;
  /** Same as `search`, with the query as its uint32 halves (hi = bits 32..63, lo = bits 0..31). */
  searchHiLo(hi: number, lo: number, radius: number, visit: (index: number, distance: number) => void): void;
  /**
   * Batch search: for every query q (given as halves, queryHi[q], queryLo[q]) and every indexed hash i
   * with distance <= radius, calls `visit(q, i, distance)` exactly once.
   */
  forEachPairWithin(queryHi: Uint32Array, queryLo: Uint32Array, radius: number, visit: PairVisitor): void;
}

export function buildHammingIndex(hashes: BigUint64Array, maxRadius: number): HammingIndex {
  const { hi, lo } = splitHashes(hashes);
  return buildHammingIndexHiLo(hi, lo, maxRadius);
}

/** Like `buildHammingIndex`, from the uint32 halves (the arrays are read, not kept). */
export function buildHammingIndexHiLo(hi: Uint32Array, lo: Uint32Array, maxRadius: number): HammingIndex {
  if (hi.length !== lo.length) throw new RangeError(`hi and lo differ in length (${hi.length} vs ${lo.length})`);
  const size = hi.length;
  const tables: ChunkTable[] = chooseChunks(size, maxRadius).map((chunk) => buildChunkTable(hi, lo, chunk.start, chunk.width));
  // Radius splits for single queries, by radius: computing one costs more than a typical search.
  const singlePlans = new Map<number, ProbePlan>();
  const planFor = (radius: number, queries: number): ProbePlan => ({
    tables,
    radii: shareRadius(tables, radius, queries, size),
  });
  const singlePlan = (radius: number): ProbePlan => {
    let plan = singlePlans.get(radius);
    if (!plan) {
      plan = planFor(radius, 1);
      singlePlans.set(radius, plan);
    }
    return plan;
  };

  return {
    size,
    search(query, radius, visit) {
      if (!validRadius(radius)) return;
      const q = BigInt.asUintN(64, query);
      searchOne(singlePlan(radius), Number(q >> 32n), Number(q & 0xffffffffn), radius, visit);
    },
    searchHiLo(qHi, qLo, radius, visit) {
      if (!validRadius(radius)) return;
      searchOne(singlePlan(radius), qHi >>> 0, qLo >>> 0, radius, visit);
    },
    forEachPairWithin(queryHi, queryLo, radius, visit) {
      if (queryHi.length !== queryLo.length) {
        throw new RangeError(`queryHi and queryLo differ in length (${queryHi.length} vs ${queryLo.length})`);
      }
      if (!validRadius(radius) || queryHi.length === 0 || size === 0) return;
      joinAll(planFor(radius, queryHi.length), queryHi, queryLo, radius, visit);
    },
  };
}

/** Negative radii find nothing; non-integers are a caller bug worth hearing about. */
function validRadius(radius: number): boolean {
  if (!Number.isInteger(radius)) throw new RangeError(`radius must be an integer, got ${radius}`);
  return radius >= 0;
}
