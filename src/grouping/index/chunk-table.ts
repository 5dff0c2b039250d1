/**
 * One multi-index table: every hash bucketed by the bits of one chunk (a counting sort, so the
 * buckets are contiguous runs and a probe is two offset reads). The hashes themselves are copied in
 * bucket order so the distance checks stream through memory instead of jumping to random indices.
 */

import { chunkKey } from './chunking.js';

export interface ChunkTable {
  readonly start: number;
  readonly width: number;
  /** Bucket k holds positions offsets[k] .. offsets[k + 1] - 1; length 2^width + 1. */
  readonly offsets: Uint32Array;
  /** Original index of the hash at each position. */
  readonly ids: Uint32Array;
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
}

/** Above this many hashes, scatter in two cache-friendly passes instead of one random one. */
const TWO_PASS_FROM = 1 << 18;
/** Bits of the key sorted by the second pass: a first-pass block then fits in L2 cache. */
const SECOND_PASS_BITS = 12;

export function buildChunkTable(hi: Uint32Array, lo: Uint32Array, start: number, width: number): ChunkTable {
  const n = hi.length;
  const table = { start, width, offsets: new Uint32Array((1 << width) + 1), ids: new Uint32Array(n), hi: new Uint32Array(n), lo: new Uint32Array(n) };
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = chunkKey(hi[i]!, lo[i]!, start, width);
  if (n < TWO_PASS_FROM || width < SECOND_PASS_BITS + 4) {
    countAndScatter(table, keys, null, hi, lo, 0, n, 0, 1 << width);
    return table;
  }
  // A random scatter of millions of items misses the cache on every write (and so does counting
  // into 2^width counters). First group by the high key bits (few write streams, each sequential),
  // then count and scatter each group within its own small range.
  const shift = SECOND_PASS_BITS;
  const groups = 1 << (width - shift);
  const groupStart = new Uint32Array(groups + 1);
  for (let i = 0; i < n; i++) groupStart[(keys[i]! >>> shift) + 1]!++;
  for (let g = 0; g < groups; g++) groupStart[g + 1]! += groupStart[g]!;
  const cursor = groupStart.slice(0, groups);
  const tmpKeys = new Uint32Array(n);
  const tmpIds = new Uint32Array(n);
  const tmpHi = new Uint32Array(n);
  const tmpLo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    const at = cursor[key >>> shift]!++;
    tmpKeys[at] = key;
    tmpIds[at] = i;
    tmpHi[at] = hi[i]!;
    tmpLo[at] = lo[i]!;
  }
  for (let g = 0; g < groups; g++) {
    countAndScatter(table, tmpKeys, tmpIds, tmpHi, tmpLo, groupStart[g]!, groupStart[g + 1]!, g << shift, (g + 1) << shift);
  }
  return table;
}

/**
 * Counting sort of items from..end-1, whose keys all lie in firstKey..endKey-1, into positions
 * from..end-1; fills offsets[firstKey + 1 .. endKey]. `ids` null means item i is original index i.
 * Iterating upwards keeps original indices ascending inside a bucket, so results are deterministic.
 */
function countAndScatter(
  table: ChunkTable,
  keys: Uint32Array,
  ids: Uint32Array | null,
  hi: Uint32Array,
  lo: Uint32Array,
  from: number,
  end: number,
  firstKey: number,
  endKey: number,
): void {
  const { offsets, ids: outIds, hi: outHi, lo: outLo } = table;
  for (let i = from; i < end; i++) offsets[keys[i]! + 1]!++;
  offsets[firstKey] = from;
  for (let k = firstKey; k < endKey; k++) offsets[k + 1]! += offsets[k]!;
  const cursor = offsets.slice(firstKey, endKey);
  for (let i = from; i < end; i++) {
    const at = cursor[keys[i]! - firstKey]!++;
    outIds[at] = ids === null ? i : ids[i]!;
    outHi[at] = hi[i]!;
    outLo[at] = lo[i]!;
  }
}
