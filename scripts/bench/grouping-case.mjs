/**
 * Grouping benchmark: index build + all-pairs search over synthetic 64-bit hashes with planted
 * near-duplicate clusters, 8 dihedral variant queries per hash, each size in its own child process
 * so its peak RSS is its own.
 *
 *   npm run build && node scripts/bench/grouping-case.mjs --sizes 10000,100000,1000000 --radii 8,10,12
 *
 * Library use: `await runGroupingCase({ sizes, repeats, radius })` -> JSON-able result (see below).
 * Targets (DESIGN "Speed and scale"): 1M hashes < 15 s, peak RSS < 1.5 GB, exponent 100k->1M < 1.3,
 * every planted pair found.
 */

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);
const INDEX_MODULE = new URL('../../dist/grouping/hamming-index.js', import.meta.url);
export const TARGETS = { seconds1M: 15, peakRssMB: 1536, exponent: 1.3 };

/**
 * @param {{ sizes?: number[], repeats?: number, radius?: number, distribution?: 'uniform' | 'balanced' }} [options]
 */
export async function runGroupingCase({ sizes = [10_000, 100_000, 1_000_000], repeats = 1, radius = 10, distribution = 'uniform' } = {}) {
  const rows = [];
  for (const size of sizes) {
    const runs = [];
    for (let repeat = 0; repeat < repeats; repeat++) runs.push(await runChild(size, radius, distribution, repeat + 1));
    const first = runs[0];
    rows.push({
      size,
      seconds: spread(runs.map((r) => r.seconds)),
      buildSeconds: spread(runs.map((r) => r.buildSeconds)),
      peakRssMB: spread(runs.map((r) => r.peakRssMB)),
      pairs: first.pairs,
      plantedFound: first.plantedFound,
      plantedExpected: first.plantedExpected,
      plantedExact: runs.every((r) => r.plantedFound === r.plantedExpected && r.plantedExtra === 0),
    });
  }
  const exponent = growthExponent(rows);
  const big = rows.find((row) => row.size === 1_000_000);
  return {
    case: 'grouping',
    radius,
    distribution,
    queriesPerItem: 8,
    repeats,
    rows,
    exponent,
    targets: TARGETS,
    pass:
      rows.every((row) => row.plantedExact && row.peakRssMB.max < TARGETS.peakRssMB) &&
      (big === undefined || big.seconds.median < TARGETS.seconds1M) &&
      (exponent === null || exponent < TARGETS.exponent),
  };
}

/** log(t_b / t_a) / log(b / a) over the last two sizes (100k -> 1M for the default sizes). */
function growthExponent(rows) {
  if (rows.length < 2) return null;
  const a = rows[rows.length - 2];
  const b = rows[rows.length - 1];
  return round(Math.log(b.seconds.median / a.seconds.median) / Math.log(b.size / a.size), 3);
}

function spread(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return { min: sorted[0], median: sorted[Math.floor((sorted.length - 1) / 2)], max: sorted[sorted.length - 1] };
}

const round = (x, digits) => Math.round(x * 10 ** digits) / 10 ** digits;

async function runChild(size, radius, distribution, seed) {
  const args = [SELF, '--child', '--size', String(size), '--radius', String(radius), '--distribution', distribution, '--seed', String(seed)];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop());
}

/** One measurement, in this process: build the index over the hashes, search all 8 variants of each. */
async function measure(size, radius, distribution, seed) {
  const { buildHammingIndexHiLo } = await import(INDEX_MODULE.href);
  const data = makeHashSet(size, distribution, seed);
  const { hi, lo, queryHi, queryLo, cluster } = data;
  const planted = new Set();
  let pairs = 0;
  const started = process.hrtime.bigint();
  const index = buildHammingIndexHiLo(hi, lo, radius);
  const built = process.hrtime.bigint();
  index.forEachPairWithin(queryHi, queryLo, radius, (query, other) => {
    const item = query >>> 3;
    if (item === other) return;
    pairs++;
    const c = cluster[item];
    if (c >= 0 && c === cluster[other]) planted.add(item * size + other);
  });
  const done = process.hrtime.bigint();
  const expected = data.plantedPairs(radius);
  let plantedFound = 0;
  for (const key of expected) if (planted.has(key)) plantedFound++;
  return {
    size,
    radius,
    seconds: round(Number(done - started) / 1e9, 3),
    buildSeconds: round(Number(built - started) / 1e9, 3),
    peakRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
    pairs,
    plantedFound,
    plantedExpected: expected.size,
    // Same-cluster pairs reported although not within the radius: a wrong distance would show here.
    plantedExtra: [...planted].filter((key) => !expected.has(key)).length,
  };
}

function option(args, name, fallback) {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
}

async function main(args) {
  if (args.includes('--child')) {
    const result = await measure(Number(option(args, 'size')), Number(option(args, 'radius')), option(args, 'distribution'), Number(option(args, 'seed')));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const sizes = option(args, 'sizes', '10000,100000,1000000').split(',').map(Number);
  const radii = option(args, 'radii', option(args, 'radius', '10')).split(',').map(Number);
  const repeats = Number(option(args, 'repeats', '1'));
  const distribution = option(args, 'distribution', 'uniform');
  const results = [];
  for (const radius of radii) {
    const result = await runGroupingCase({ sizes, repeats, radius, distribution });
    results.push(result);
    for (const row of result.rows) {
      process.stderr.write(
        `r=${radius} n=${row.size}: ${row.seconds.median}s (build ${row.buildSeconds.median}s) rss ${row.peakRssMB.max}MB ` +
          `pairs ${row.pairs} planted ${row.plantedFound}/${row.plantedExpected}${row.plantedExact ? '' : ' NOT EXACT'}\n`,
      );
    }
    process.stderr.write(`r=${radius} exponent ${result.exponent} pass ${result.pass}\n`);
  }
  process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
}

/**
 * `size` hashes: 99% random, 1% in clusters of 5 (a centre and 4 copies with 1-3 bits flipped, a
 * quarter of them stored rotated or mirrored, so only a variant query finds them), at random positions.
 * 'balanced' mimics blockhash: every 16-bit band (two rows of the 8x8 grid) has exactly 8 bits set.
 * Queries: the 8 dihedral variants of every hash, query 8 * i + g.
 */
export function makeHashSet(size, distribution, seed) {
  const next = random32(seed);
  const balanced = distribution === 'balanced' ? bandValues() : null;
  const word = () => (balanced ? ((balanced[next() % balanced.length] << 16) | balanced[next() % balanced.length]) >>> 0 : next());
  const hi = new Uint32Array(size);
  const lo = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    hi[i] = word();
    lo[i] = word();
  }
  const cluster = new Int32Array(size).fill(-1);
  const members = [];
  const order = Uint32Array.from({ length: size }, (_, i) => i);
  const clusterCount = Math.floor(size / 500);
  for (let c = 0; c < clusterCount; c++) {
    const ids = [];
    for (let k = 0; k < 5; k++) {
      const pick = c * 5 + k + (next() % (size - c * 5 - k));
      const at = order[pick];
      order[pick] = order[c * 5 + k];
      order[c * 5 + k] = at;
      ids.push(at);
      cluster[at] = c;
    }
    const [centre, ...copies] = ids;
    for (const copy of copies) {
      let h = hi[centre];
      let l = lo[centre];
      for (let f = 1 + (next() % 3); f > 0; f--) {
        const bit = next() % 64;
        if (bit < 32) l ^= 1 << bit;
        else h ^= 1 << (bit - 32);
      }
      const g = next() % 4 === 0 ? 1 + (next() % 7) : 0;
      hi[copy] = variantHi(g, h >>> 0, l >>> 0);
      lo[copy] = variantLo(g, h >>> 0, l >>> 0);
    }
    members.push(ids);
  }
  const queryHi = new Uint32Array(size * 8);
  const queryLo = new Uint32Array(size * 8);
  for (let i = 0; i < size; i++) {
    for (let g = 0; g < 8; g++) {
      queryHi[8 * i + g] = variantHi(g, hi[i], lo[i]);
      queryLo[8 * i + g] = variantLo(g, hi[i], lo[i]);
    }
  }
  /** Ordered same-cluster pairs (a, b) with some variant of a within radius of b, as a * size + b. */
  const plantedPairs = (radius) => {
    const pairs = new Set();
    for (const ids of members) {
      for (const a of ids) {
        for (const b of ids) {
          if (a === b) continue;
          for (let g = 0; g < 8; g++) {
            if (popcount(queryHi[8 * a + g] ^ hi[b]) + popcount(queryLo[8 * a + g] ^ lo[b]) <= radius) {
              pairs.add(a * size + b);
              break;
            }
          }
        }
      }
    }
    return pairs;
  };
  return { hi, lo, queryHi, queryLo, cluster, plantedPairs };
}

/** The 8 symmetries of the 8x8 grid (bit 8 * row + col) as (row, col) -> (row', col'). */
const SYMMETRIES = [
  (r, c) => [r, c],
  (r, c) => [c, 7 - r],
  (r, c) => [7 - r, 7 - c],
  (r, c) => [7 - c, r],
  (r, c) => [r, 7 - c],
  (r, c) => [7 - r, c],
  (r, c) => [c, r],
  (r, c) => [7 - c, 7 - r],
];

/** VARIANT[((g * 8 + row) * 256 + rowBits) * 2 + half]: where one row's bits land under symmetry g. */
const VARIANT = (() => {
  const table = new Uint32Array(8 * 8 * 256 * 2);
  SYMMETRIES.forEach((map, g) => {
    for (let row = 0; row < 8; row++) {
      for (let bits = 0; bits < 256; bits++) {
        const at = ((g * 8 + row) * 256 + bits) * 2;
        for (let col = 0; col < 8; col++) {
          if (((bits >>> col) & 1) === 0) continue;
          const [r2, c2] = map(row, col);
          const bit = 8 * r2 + c2;
          if (bit >= 32) table[at] |= 1 << (bit - 32);
          else table[at + 1] |= 1 << bit;
        }
      }
    }
  });
  return table;
})();

function variantHalf(g, hi, lo, half) {
  let out = 0;
  for (let row = 0; row < 8; row++) {
    const bits = row < 4 ? (lo >>> (8 * row)) & 255 : (hi >>> (8 * (row - 4))) & 255;
    out |= VARIANT[((g * 8 + row) * 256 + bits) * 2 + half];
  }
  return out >>> 0;
}
const variantHi = (g, hi, lo) => variantHalf(g, hi, lo, 0);
const variantLo = (g, hi, lo) => variantHalf(g, hi, lo, 1);

/** All 16-bit values with exactly 8 bits set. */
function bandValues() {
  const out = [];
  for (let v = 0; v < 65536; v++) if (popcount(v) === 8) out.push(v);
  return out;
}

function popcount(x) {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** mulberry32: small, fast, seeded. */
function random32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

if (process.argv[1] === SELF) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 1;
  });
}
