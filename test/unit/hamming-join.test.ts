import { describe, expect, it } from 'vitest';
import { joinWithin } from '../../src/grouping/hamming-join.js';
import { mulberry32 } from '../helpers/random.js';

/** Deterministic 32-bit words from the tests' seeded generator, so a failure can be replayed. */
function random32(seed: number): () => number {
  const random = mulberry32(seed);
  return () => Math.floor(random() * 2 ** 32);
}

function randomHash(next: () => number): bigint {
  return (BigInt(next()) << 32n) | BigInt(next());
}

function flipBits(hash: bigint, count: number, next: () => number): bigint {
  let out = hash;
  for (let k = 0; k < count; k++) out ^= 1n << BigInt(next() % 64);
  return out;
}

function distance(a: bigint, b: bigint): number {
  let x = a ^ b;
  let d = 0;
  while (x !== 0n) {
    x &= x - 1n;
    d++;
  }
  return d;
}

/** Half random hashes, half members of tight clusters (incl. exact duplicates), as photo libraries are. */
function libraryHashes(size: number, seed: number): BigUint64Array {
  const next = random32(seed);
  const hashes = new BigUint64Array(size);
  for (let i = 0; i < size; i++) {
    hashes[i] = i > 0 && next() % 2 === 0 ? flipBits(hashes[next() % i] as bigint, next() % 14, next) : randomHash(next);
  }
  return hashes;
}

function queriesNear(hashes: BigUint64Array, count: number, seed: number): BigUint64Array {
  const next = random32(seed);
  const queries = new BigUint64Array(count);
  for (let q = 0; q < count; q++) {
    queries[q] = next() % 5 === 0 ? randomHash(next) : flipBits(hashes[next() % hashes.length] as bigint, next() % 18, next);
  }
  return queries;
}

/** Every pair's distance, once (BigInt bit counting is slow, and every case reuses it). */
function allDistances(hashes: BigUint64Array, queries: BigUint64Array): Uint8Array {
  const out = new Uint8Array(hashes.length * queries.length);
  queries.forEach((query, q) => {
    hashes.forEach((hash, i) => {
      out[q * hashes.length + i] = distance(query, hash);
    });
  });
  return out;
}

/** Every (query, index) pair within radius, as "q:i=d" strings, by looking at all pairs. */
function bruteForce(distances: Uint8Array, size: number, radius: number): string[] {
  const out: string[] = [];
  distances.forEach((d, at) => {
    if (d <= radius) out.push(`${Math.floor(at / size)}:${at % size}=${d}`);
  });
  return out.sort();
}

const hashes = libraryHashes(1500, 1);
const queries = queriesNear(hashes, 600, 2);
const distances = allDistances(hashes, queries);

describe('joinWithin', () => {
  for (const radius of [0, 1, 5, 8, 12, 16]) {
    it(`finds exactly the pairs within ${radius}`, () => {
      const found: string[] = [];
      joinWithin(queries, hashes, radius, (q, i, d) => found.push(`${q}:${i}=${d}`));
      const expected = bruteForce(distances, hashes.length, radius);
      // Guard: the data must hold pairs at this radius, or an empty answer would pass.
      expect(expected.length).toBeGreaterThan(20);
      // Sorted lists compare as multisets: a duplicate report or a wrong distance fails too.
      expect(found.sort()).toEqual(expected);
    });
  }

  it('is exact whichever side is larger (more queries than indexed hashes walks the index)', () => {
    // Index the 600 queries and ask with the 1500 hashes: the same pairs, with the roles swapped.
    const found: string[] = [];
    joinWithin(hashes, queries, 8, (h, q, d) => found.push(`${q}:${h}=${d}`));
    const expected = bruteForce(distances, hashes.length, 8);
    expect(expected.length).toBeGreaterThan(20);
    expect(found.sort()).toEqual(expected);
  });

  it('finds every exact duplicate at radius 0, including a whole bucket of them', () => {
    const same = new BigUint64Array(300).fill(0xdeadbeefcafef00dn);
    same[299] = 0xdeadbeefcafef00cn;
    const found: number[] = [];
    joinWithin(new BigUint64Array([0xdeadbeefcafef00dn]), same, 0, (_q, i) => found.push(i));
    expect(found.sort((a, b) => a - b)).toEqual(Array.from({ length: 299 }, (_, i) => i));
  });

  it('radius 64 pairs everything; a negative radius pairs nothing', () => {
    const small = libraryHashes(50, 3);
    const few = libraryHashes(7, 4);
    let all = 0;
    joinWithin(few, small, 64, () => all++);
    expect(all).toBe(7 * 50);
    let none = 0;
    joinWithin(few, small, -1, () => none++);
    expect(none).toBe(0);
  });

  it('never pairs a query with the entries it owns', () => {
    // Entries 3q .. 3q+2 are query q itself and two near copies of it; then the library hashes.
    const own = new BigUint64Array(queries.length * 3);
    queries.forEach((query, q) => own.set([query, query ^ 1n, query ^ 6n], 3 * q));
    const indexed = new BigUint64Array([...own, ...hashes]);
    const found: string[] = [];
    joinWithin(queries, indexed, 8, (q, i, d) => found.push(`${q}:${i}=${d}`), { owned: [{ start: 0, stride: 3 }] });
    const expected: string[] = [];
    joinWithin(queries, indexed, 8, (q, i, d) => {
      if (i >= own.length || Math.floor(i / 3) !== q) expected.push(`${q}:${i}=${d}`);
    });
    // Guard: others' copies (other queries' entries) are still found.
    expect(expected.filter((pair) => Number(pair.split(':')[1]?.split('=')[0]) < own.length).length).toBeGreaterThan(0);
    expect(found.sort()).toEqual(expected.sort());
  });

  it('handles empty sides and rejects fractional radii', () => {
    let calls = 0;
    joinWithin(new BigUint64Array([1n]), new BigUint64Array(0), 64, () => calls++);
    joinWithin(new BigUint64Array(0), hashes, 8, () => calls++);
    expect(calls).toBe(0);
    expect(() => joinWithin(queries, hashes, 2.5, () => undefined)).toThrow(RangeError);
  });
});

describe('joinWithin on two threads', () => {
  it('finds the same pairs as the one-thread join over the same queries in parts', () => {
    // 60,000 walked queries take the two-thread path; parts of 30,000 stay on one thread.
    const indexed = libraryHashes(120_000, 5);
    const asked = queriesNear(indexed, 60_000, 6);
    const whole: string[] = [];
    joinWithin(asked, indexed, 10, (q, i, d) => whole.push(`${q}:${i}=${d}`));
    const inParts: string[] = [];
    for (const from of [0, 30_000]) {
      joinWithin(asked.subarray(from, from + 30_000), indexed, 10, (q, i, d) => inParts.push(`${from + q}:${i}=${d}`));
    }
    expect(inParts.length).toBeGreaterThan(30_000);
    expect(whole.sort()).toEqual(inParts.sort());
  });

  it('visits the pairs in the same order whichever thread took which task', () => {
    // The threads take a chunk's tasks as they come free, so each run splits them differently.
    const indexed = libraryHashes(120_000, 7);
    const asked = queriesNear(indexed, 60_000, 8);
    const runs = [0, 1, 2].map(() => {
      const visited: string[] = [];
      joinWithin(asked, indexed, 10, (q, i, d) => visited.push(`${q}:${i}=${d}`));
      return visited;
    });
    expect(runs[0]?.length).toBeGreaterThan(30_000);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });
});
