import { describe, expect, it } from 'vitest';
import { instantiateKernel, kernelMemory, kernelModule } from '../../src/grouping/index/wasm-kernel.js';
import { mulberry32 } from '../helpers/random.js';

/** The kernel's `bucket` on its own, in a memory laid out by hand: hashes, offsets, ids, sorted, scratch. */
function bucketed(hashes: BigUint64Array, start: number, width: number, firstPassBits: number) {
  const count = hashes.length;
  const at = { hashes: 0, offsets: 8 * count, ids: 0, sorted: 0, scratch: 0 };
  at.ids = at.offsets + 8 * Math.ceil((2 ** width + 1) / 2);
  at.sorted = at.ids + 8 * Math.ceil(count / 2);
  at.scratch = at.sorted + 8 * count;
  const memory = kernelMemory(at.scratch + 4 * (2 ** (firstPassBits + 1) + 1 + 2 ** width));
  const kernel = instantiateKernel(kernelModule(), memory, () => undefined);
  new BigUint64Array(memory.buffer, at.hashes, count).set(hashes);
  kernel.bucket(at.hashes, count, start, width, at.offsets, at.ids, at.sorted, firstPassBits, at.scratch);
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

  it('lays out the same input the same way every time (the join reports pairs in a fixed order)', () => {
    const hashes = skewedHashes(20_000, 7);
    const first = bucketed(hashes, 5, 18, 10);
    const again = bucketed(hashes, 5, 18, 10);
    expect([...again.ids]).toEqual([...first.ids]);
  });
});
