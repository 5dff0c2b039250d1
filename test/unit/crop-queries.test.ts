import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cropQueryHashes } from '../../src/hashing/crop-queries.js';
import { computeFingerprint, hammingDistance64 } from '../../src/hashing/fingerprint.js';
import { decodeHashInput } from '../../src/thumbnails/hash-input.js';

const photo = readFileSync(path.resolve(import.meta.dirname, '../../sample/camera/trees-above.jpg'));

async function fingerprintOf(image: Buffer) {
  return computeFingerprint(await decodeHashInput(image));
}

describe('crop queries', () => {
  for (const share of [0.07, 0.1]) {
    it(`bring a ${share * 100} % one-side crop within a small radius of the original`, async () => {
      const { width = 0, height = 0 } = await sharp(photo).metadata();
      const cut = Math.round(width * share);
      const cropped = await sharp(photo).extract({ left: cut, top: 0, width: width - cut, height }).jpeg().toBuffer();
      const original = await fingerprintOf(photo);
      const copy = await fingerprintOf(cropped);
      const raw = hammingDistance64(original.variants[0] ?? 0n, copy.variants[0] ?? 0n);
      const viaCrops = Math.min(...cropQueryHashes(original).map((hash) => hammingDistance64(hash, copy.variants[0] ?? 0n)));
      expect(viaCrops).toBeLessThan(raw);
      expect(viaCrops).toBeLessThanOrEqual(8);
    });
  }

  it('are empty for a fingerprint without a thumbnail', () => {
    expect(cropQueryHashes({ variants: [1n] })).toEqual([]);
  });
});
