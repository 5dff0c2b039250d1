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
  /** The distinct keys present, ascending, and where each one's run starts (plus a final end). */
  readonly keys: Uint32Array;
  readonly keyStarts: Uint32Array;
}

export function buildChunkTable(hi: Uint32Array, lo: Uint32Array, start: number, width: number): ChunkTable {
  const n = hi.length;
  const slots = 2 ** width;
  const offsets = new Uint32Array(slots + 1);
  const itemKeys = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const key = chunkKey(hi[i]!, lo[i]!, start, width);
    itemKeys[i] = key;
    offsets[key + 1]!++;
  }
  let distinct = 0;
  for (let k = 0; k < slots; k++) {
    if (offsets[k + 1]! > 0) distinct++;
    offsets[k + 1]! += offsets[k]!;
  }
  const keys = new Uint32Array(distinct);
  const keyStarts = new Uint32Array(distinct + 1);
  let d = 0;
  for (let k = 0; k < slots; k++) {
    if (offsets[k + 1]! > offsets[k]!) {
      keys[d] = k;
      keyStarts[d] = offsets[k]!;
      d++;
    }
  }
  keyStarts[distinct] = n;

  const ids = new Uint32Array(n);
  const sortedHi = new Uint32Array(n);
  const sortedLo = new Uint32Array(n);
  // Scatter with a moving cursor per bucket; iterating i upwards keeps ids ascending inside a bucket.
  const cursor = offsets.slice(0, slots);
  for (let i = 0; i < n; i++) {
    const at = cursor[itemKeys[i]!]!++;
    ids[at] = i;
    sortedHi[at] = hi[i]!;
    sortedLo[at] = lo[i]!;
  }
  return { start, width, offsets, ids, hi: sortedHi, lo: sortedLo, keys, keyStarts };
}
