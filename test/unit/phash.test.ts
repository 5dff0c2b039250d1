/**
 * The pHash is computed folded (each cosine sum over mirrored sample pairs) and a photo's 8
 * orientations from one DCT: on real photos both must give, bit for bit, what the textbook DCT of
 * each turned raster gives.
 */

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dihedral, TRANSFORMS } from '../../src/hashing/dihedral.js';
import { phash32, phashVariants, type Hash32Pair } from '../../src/hashing/phash.js';
import { decodeWithHeader } from '../../src/thumbnails/hash-input.js';

const N = 32;
const LOW = 8;

/** The DCT-II's 8×8 lowest frequencies summed term by term, bits above the median of the 63 AC ones. */
function textbookPhash(pixels: ArrayLike<number>): Hash32Pair {
  const cos = (k: number, x: number) => Math.cos(((2 * x + 1) * k * Math.PI) / (2 * N));
  const coefficients: number[] = [];
  for (let v = 0; v < LOW; v++) {
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) sum += (pixels[y * N + x] as number) * cos(u, x) * cos(v, y);
      coefficients.push(sum);
    }
  }
  const median = [...coefficients.slice(1)].sort((a, b) => a - b)[31] as number;
  let high = 0;
  let low = 0;
  coefficients.forEach((value, bit) => {
    if (value <= median) return;
    if (bit < 32) high |= 1 << (31 - bit);
    else low |= 1 << (63 - bit);
  });
  return [high >>> 0, low >>> 0];
}

const photos = ['sample/camera/moose.jpg', 'sample/camera/trees-above.jpg', 'sample/phone/eiffel-tower-rotated.jpg', 'test/fixtures/photos/castle.jpg', 'test/fixtures/photos/lake-half-a.jpg'];

describe('pHash', () => {
  for (const photo of photos) {
    it(`${photo}: the folded DCT and the 8 orientations from one DCT match the textbook pHash of each turned raster`, async () => {
      const { input } = await decodeWithHeader(path.resolve(import.meta.dirname, '../..', photo));
      const variants = phashVariants(input.data, TRANSFORMS);
      for (let transform = 0; transform < TRANSFORMS; transform++) {
        const turned = dihedral(input, transform).data;
        const expected = textbookPhash(turned);
        expect(phash32(turned)).toEqual(expected);
        expect(variants[transform]).toEqual(expected);
      }
      // The orientations differ from each other: a wrong sign or a missing transpose would show.
      expect(new Set(variants.map((variant) => variant.join())).size).toBeGreaterThan(4);
    });
  }
});
