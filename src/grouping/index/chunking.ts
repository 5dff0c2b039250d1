/**
 * How the 64 bits are cut into chunks for multi-index hashing, and how the radius is shared.
 *
 * Pigeonhole: if the radius r is shared as t_c per chunk with sum(t_c + 1) = r + 1, then any two
 * hashes within r bits agree within t_c bits on some chunk c (otherwise they would differ in at least
 * sum(t_c + 1) > r bits). So pairing, in every chunk, the keys within t_c of each other finds every
 * pair within r: the join is exact. t_c = -1 means "skip this chunk".
 *
 * Which cut and which t_c are fastest depends on the sizes; a small cost model picks them: probes
 * (bucket look-ups, per walked entry) plus candidates (full 64-bit distance checks) plus bucketing.
 */

export interface Chunk {
  /** Lowest bit of the chunk in the 64-bit hash (bit 0 = least significant). */
  readonly start: number;
  readonly width: number;
  /** Radius within this chunk; -1 = chunk not probed. */
  readonly t: number;
}

/** Widest chunk: its bucket offsets take 2^width + 1 u32 (64 MB at 24 bits), per side. */
const MAX_WIDTH = 24;
const MAX_CHUNKS = 16;
/** Relative costs in nanoseconds of the WebAssembly kernel, measured on the benchmark machine (scripts/bench/grouping-case.mjs). */
const PROBE_NS = 7;
const CANDIDATE_NS = 2.5;
const BUCKET_SLOT_NS = 2;
const BUCKET_ITEM_NS = 18;

/** Chunk layout and radii for joining `queries` hashes against `size` indexed hashes within `radius`. */
export function planChunks(queries: number, size: number, radius: number): Chunk[] {
  const r = Math.max(0, Math.min(64, Math.floor(radius)));
  let best: { cost: number; chunks: Chunk[] } | undefined;
  for (let m = Math.ceil(64 / MAX_WIDTH); m <= MAX_CHUNKS; m++) {
    const widths = evenWidths(m);
    const t = shareRadius(widths, r, queries, size);
    let cost = 0;
    widths.forEach((width, c) => {
      if ((t[c] as number) < 0) return;
      cost += 2 * 2 ** width * BUCKET_SLOT_NS + (queries + size) * BUCKET_ITEM_NS;
      for (let k = 0; k <= (t[c] as number); k++) cost += layerCost(width, k, queries, size);
    });
    if (!best || cost < best.cost) {
      let start = 0;
      const chunks = widths.map((width, c) => {
        const chunk = { start, width, t: t[c] as number };
        start += width;
        return chunk;
      });
      best = { cost, chunks };
    }
  }
  return (best as { chunks: Chunk[] }).chunks;
}

/** Widths of `m` contiguous chunks covering bits 0..63, differing by at most one (wider ones first). */
function evenWidths(m: number): number[] {
  const base = Math.floor(64 / m);
  const extra = 64 - base * m;
  return Array.from({ length: m }, (_, c) => base + (c < extra ? 1 : 0));
}

/**
 * Per-chunk radii t_c (>= -1) with sum(t_c + 1) = radius + 1, chosen greedily: each unit of radius goes
 * where it adds the least modelled cost. The marginal costs grow with t_c, so greedy is optimal.
 */
function shareRadius(widths: readonly number[], radius: number, queries: number, size: number): Int32Array {
  const t = new Int32Array(widths.length).fill(-1);
  for (let unit = 0; unit <= radius; unit++) {
    let bestChunk = -1;
    let bestDelta = Infinity;
    widths.forEach((width, c) => {
      const next = (t[c] as number) + 1;
      if (next > width) return;
      const delta = layerCost(width, next, queries, size);
      if (delta < bestDelta) {
        bestDelta = delta;
        bestChunk = c;
      }
    });
    // Every chunk already probes its whole key space: the join is a full scan, nothing more to add.
    if (bestChunk < 0) break;
    t[bestChunk] = (t[bestChunk] as number) + 1;
  }
  return t;
}

/** Cost of pairing the keys at exactly distance k in a `width`-bit chunk. */
function layerCost(width: number, k: number, queries: number, size: number): number {
  const layer = binomial(width, k);
  return layer * Math.min(queries, size) * PROBE_NS + ((queries * size * layer) / 2 ** width) * CANDIDATE_NS;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return r;
}
