import { describe, expect, it } from 'vitest';
import { instantiateKernel, kernelMemory, kernelModule } from '../../src/grouping/index/wasm-kernel.js';
import { mulberry32 } from '../helpers/random.js';

/** The kernel's `bucket` on its own, in a memory laid out by hand: offsets, ids, sorted, scratch. */
function bucketed(hashes: BigUint64Array, start: number, width: number, firstPassBits: number) {
  const count = hashes.length;
  const at = { offsets: 0, ids: 0, sorted: 0, scratch: 0 };
  at.ids = at.offsets + 8 * Math.ceil((2 ** width + 1) / 2);
  at.sorted = at.ids + 8 * Math.ceil(count / 2);
  at.scratch = at.sorted + 8 * count;
  const memory = kernelMemory(at.scratch + 4 * (2 ** (firstPassBits + 1) + 1 + 2 ** width));
  const kernel = instantiateKernel(kernelModule(), memory, () => undefined);
  // Written as the join writes them: the hashes where they are sorted in place, ids 0..count-1.
  new BigUint64Array(memory.buffer, at.sorted, count).set(hashes);
  new Uint32Array(memory.buffer, at.ids, count).forEach((_, i, ids) => (ids[i] = i));
  kernel.bucket(count, start, width, at.offsets, at.ids, at.sorted, firstPassBits, at.scratch);
  return {
    offsets: new Uint32Array(memory.buffer, at.offsets, 2 ** width + 1),
    ids: new Uint32Array(memory.buffer, at.ids, count),
    sorted: new BigUint64Array(memory.buffer, at.sorted, count),
  };
}

/** Random hashes, a third of them copies of a few (photos with identical hashes fill one bucket). */
function skewedHashes(count: number, seed: number): BigUint64Array {
  const random = mulberry32(seed);
  const word = () => BigInt(Math.floor(random() * 2 ** 32));
  const hashes = new BigUint64Array(count);
  for (let i = 0; i < count; i++) hashes[i] = i > 10 && random() < 1 / 3 ? (hashes[Math.floor(random() * 10)] as bigint) : (word() << 32n) | word();
  return hashes;
}

describe('bucket (the join kernel)', () => {
  const cases = [
    { width: 4, start: 60, firstPassBits: 10, note: 'one pass: the key is narrower than the first pass' },
    { width: 10, start: 0, firstPassBits: 10, note: 'one pass, exactly' },
    { width: 16, start: 21, firstPassBits: 10, note: 'two passes' },
    { width: 22, start: 42, firstPassBits: 10, note: 'two passes, the widest key in use' },
    { width: 13, start: 7, firstPassBits: 3, note: 'a narrow first pass, wide parts' },
  ];
  for (const { width, start, firstPassBits, note } of cases) {
    it(`puts every hash in the bucket of its key and nowhere else (${width}-bit keys, ${note})`, () => {
      const hashes = skewedHashes(40_000, width);
      const { offsets, ids, sorted } = bucketed(hashes, start, width, firstPassBits);
      const mask = (1n << BigInt(width)) - 1n;
      expect(offsets[0]).toBe(0);
      expect(offsets[2 ** width]).toBe(hashes.length);
      // Walk the buckets and the positions together: position p must be in the bucket of its key.
      let misplaced = 0;
      let key = 0;
      for (let p = 0; p < sorted.length; p++) {
        while ((offsets[key + 1] as number) <= p) key++;
        if ((offsets[key] as number) > p || Number(((sorted[p] as bigint) >> BigInt(start)) & mask) !== key) misplaced++;
      }
      expect(misplaced).toBe(0);
      expect(offsets.every((offset, k) => k === 0 || offset >= (offsets[k - 1] as number))).toBe(true);
      // ids are a permutation of the input positions, and `sorted` holds each one's hash.
      const seen = new Uint8Array(hashes.length);
      let wrongHash = 0;
      ids.forEach((id, p) => {
        seen[id] = (seen[id] ?? 0) + 1;
        if (sorted[p] !== hashes[id]) wrongHash++;
      });
      expect(wrongHash).toBe(0);
      expect(seen.every((times) => times === 1)).toBe(true);
    });
  }

  it('re-buckets its own output by another chunk with ids still naming the original positions (the join does chunk after chunk in place)', () => {
    const hashes = skewedHashes(30_000, 3);
    const first = bucketed(hashes, 0, 21, 10);
    const width = 21;
    const start = 43;
    // The first chunk's order is the next chunk's input, as in the join's memory.
    const memory = kernelMemory(8 * 30_000 * 2 + 4 * (2 ** width + 1) + 4 * (2 ** 11 + 1 + 2 ** width) + 65536);
    const kernel = instantiateKernel(kernelModule(), memory, () => undefined);
    const at = { ids: 0, sorted: 4 * 30_000, offsets: 12 * 30_000, scratch: 12 * 30_000 + 4 * (2 ** width + 1) };
    new Uint32Array(memory.buffer, at.ids, 30_000).set(first.ids);
    new BigUint64Array(memory.buffer, at.sorted, 30_000).set(first.sorted);
    kernel.bucket(30_000, start, width, at.offsets, at.ids, at.sorted, 10, at.scratch);
    const ids = new Uint32Array(memory.buffer, at.ids, 30_000);
    const sorted = new BigUint64Array(memory.buffer, at.sorted, 30_000);
    const offsets = new Uint32Array(memory.buffer, at.offsets, 2 ** width + 1);
    const seen = new Set(ids);
    expect(seen.size).toBe(30_000);
    expect(ids.every((id, p) => sorted[p] === hashes[id])).toBe(true);
    const mask = (1n << BigInt(width)) - 1n;
    let misplaced = 0;
    for (let key = 0; key < 2 ** width; key++) {
      for (let p = offsets[key] as number; p < (offsets[key + 1] as number); p++) if (Number(((sorted[p] as bigint) >> BigInt(start)) & mask) !== key) misplaced++;
    }
    expect(misplaced).toBe(0);
    expect(offsets[2 ** width]).toBe(30_000);
  });

  it('lays out the same input the same way every time (the join reports pairs in a fixed order)', () => {
    const hashes = skewedHashes(20_000, 7);
    const first = bucketed(hashes, 5, 18, 10);
    const again = bucketed(hashes, 5, 18, 10);
    expect([...again.ids]).toEqual([...first.ids]);
  });
});
