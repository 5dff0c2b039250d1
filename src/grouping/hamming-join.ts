/**
 * Neighbour search over 64-bit hashes within a Hamming radius, without comparing all pairs.
 *
 * Method: multi-index hashing (Norouzi et al.), exact, as a batch join. The 64 bits are cut into m
 * chunks (3 chunks of 21-22 bits for millions of hashes); a radius r is shared among them so that
 * sum(t_c + 1) = r + 1: by pigeonhole any pair within r agrees within t_c bits on some chunk, so
 * pairing, chunk by chunk, the buckets within t_c of each other misses nothing, and each pair is
 * reported once. See `index/chunking.ts` for how m and t_c are chosen, `index/pair-join.ts` for the
 * join and `assembly/hamming-join.ts` for its WebAssembly kernel.
 *
 * `joinWithin(queries, indexed, radius, visit)` calls `visit(queryIndex, indexedIndex, distance)`
 * exactly once for every (query, indexed hash) pair within `radius` (0..64), in no particular but
 * deterministic order. Grouping puts the photos' upright hashes on one side and every orientation
 * and typical-crop hash of every photo on the other (see candidateEdges in group-engine.ts).
 */

import { joinPairs } from './index/pair-join.js';
import type { OwnedEntries } from './index/join-layout.js';
import type { PairVisitor } from './index/wasm-kernel.js';

export type { PairVisitor } from './index/wasm-kernel.js';

/**
 * Hashes for one side of a join: an array, or a writer that puts `length` hashes straight into the
 * join's memory (a million photos' 13 million hashes need not be held twice).
 */
export type HashSource = BigUint64Array | { readonly length: number; write(into: BigUint64Array): void };

export interface JoinOptions {
  /**
   * Indexed entries that belong to a query and are never paired with it: for each record, entries
   * start + stride·q .. start + stride·q + stride - 1 are query q's own (a photo's own orientations).
   */
  owned?: readonly OwnedEntries[];
}

export function joinWithin(queries: HashSource, indexed: HashSource, radius: number, visit: PairVisitor, options: JoinOptions = {}): void {
  if (!Number.isInteger(radius)) throw new RangeError(`radius must be an integer, got ${radius}`);
  // Negative radii find nothing.
  if (radius < 0 || queries.length === 0 || indexed.length === 0) return;
  joinPairs(queries, indexed, Math.min(radius, 64), visit, options.owned ?? []);
}
