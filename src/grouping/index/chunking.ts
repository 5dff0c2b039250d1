/**
 * How the 64 bits are cut into chunks, and how a search radius is shared among them.
 *
 * Pigeonhole: cut the hash into m chunks and give chunk c a radius t_c with sum(t_c + 1) >= r + 1.
 * If two hashes differ in at most r bits, some chunk c differs in at most t_c bits (otherwise the
 * total would be >= sum(t_c + 1) > r). So probing, in every chunk table, all keys within t_c of the
 * query's chunk finds every pair within r: the search is exact. t_c = -1 means "skip this table".
 *
 * Which m and which t_c are fastest depends on the sizes; a small cost model picks them:
 * probes (bucket look-ups) plus candidates (full 64-bit distance checks) plus table set-up.
 */

export interface Chunk {
  /** Lowest bit of the chunk in the 64-bit hash (bit 0 = least significant bit of `lo`). */
  readonly start: number;
  readonly width: number;
}

/** Widest chunk: its table has 2^width + 1 offsets (16 M entries = 64 MB at 24 bits). */
const MAX_WIDTH = 24;
const MAX_CHUNKS = 16;
/** Relative costs in nanoseconds, measured on the benchmark machine (see scripts/bench/grouping-case.mjs). */
const PROBE_NS = 2.5;
const CANDIDATE_NS = 1.5;
const TABLE_SLOT_NS = 1;
/** The engine asks with 8 dihedral variants of every photo. */
const EXPECTED_QUERIES_PER_ITEM = 8;

/** Chunk layout for `size` indexed hashes, tuned for searches up to `maxRadius`. */
export function chooseChunks(size: number, maxRadius: number): Chunk[] {
  const radius = Math.max(0, Math.min(64, Math.floor(maxRadius)));
  let best: { cost: number; chunks: Chunk[] } | undefined;
  for (let m = Math.ceil(64 / MAX_WIDTH); m <= MAX_CHUNKS; m++) {
    const chunks = evenChunks(m);
    const queries = Math.max(1, size * EXPECTED_QUERIES_PER_ITEM);
    const t = shareRadius(chunks, radius, queries, size);
    let cost = modelCost(chunks, t, queries, size);
    for (const chunk of chunks) cost += 2 ** chunk.width * TABLE_SLOT_NS;
    if (!best || cost < best.cost) best = { cost, chunks };
  }
  return (best as { chunks: Chunk[] }).chunks;
}

/** `m` contiguous chunks covering bits 0..63, widths differing by at most one (wider ones first). */
export function evenChunks(m: number): Chunk[] {
  const base = Math.floor(64 / m);
  const extra = 64 - base * m;
  const chunks: Chunk[] = [];
  let start = 0;
  for (let c = 0; c < m; c++) {
    const width = base + (c < extra ? 1 : 0);
    chunks.push({ start, width });
    start += width;
  }
  return chunks;
}

/**
 * Per-chunk radii t_c (>= -1) with sum(t_c + 1) = radius + 1, chosen greedily: each unit of radius goes
 * where it adds the least modelled cost. The marginal costs grow with t_c, so greedy is optimal.
 */
export function shareRadius(chunks: readonly Chunk[], radius: number, queries: number, size: number): Int32Array {
  const t = new Int32Array(chunks.length).fill(-1);
  for (let unit = 0; unit <= radius; unit++) {
    let bestChunk = -1;
    let bestDelta = Infinity;
    chunks.forEach((chunk, c) => {
      const next = (t[c] as number) + 1;
      if (next > chunk.width) return;
      const delta = layerCost(chunk.width, next, queries, size);
      if (delta < bestDelta) {
        bestDelta = delta;
        bestChunk = c;
      }
    });
    // Every chunk already probes its whole key space: the search is a full scan, nothing more to add.
    if (bestChunk < 0) break;
    t[bestChunk] = (t[bestChunk] as number) + 1;
  }
  return t;
}

function modelCost(chunks: readonly Chunk[], t: Int32Array, queries: number, size: number): number {
  let cost = 0;
  chunks.forEach((chunk, c) => {
    for (let k = 0; k <= (t[c] as number); k++) cost += layerCost(chunk.width, k, queries, size);
  });
  return cost;
}

/** Cost of probing the keys at exactly distance k in a `width`-bit table. */
function layerCost(width: number, k: number, queries: number, size: number): number {
  const keys = 2 ** width;
  const layer = binomial(width, k);
  const occupied = keys * -Math.expm1(-size / keys);
  return layer * Math.min(occupied, queries) * PROBE_NS + ((queries * size * layer) / keys) * CANDIDATE_NS;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return r;
}

/** The chunk's bits of the 64-bit value (hi, lo), as a non-negative number. */
export function chunkKey(hi: number, lo: number, start: number, width: number): number {
  let v: number;
  if (start >= 32) v = hi >>> (start - 32);
  else if (start === 0) v = lo;
  else v = (lo >>> start) | (hi << (32 - start));
  return (v & ((1 << width) - 1)) >>> 0;
}
