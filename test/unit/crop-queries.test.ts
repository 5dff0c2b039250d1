import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { aspectCrops, CROP_QUERY_COUNT, cropQueryHashes } from '../../src/hashing/crop-queries.js';
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

  for (const share of [0.15, 0.2]) {
    it(`bring a ${share * 100} % one-side crop, resized to 70 % and re-encoded, within a small radius of the original`, async () => {
      const { width = 0, height = 0 } = await sharp(photo).metadata();
      const cut = Math.round(height * share);
      const cropped = await sharp(photo)
        .extract({ left: 0, top: cut, width, height: height - cut })
        .resize(Math.round(width * 0.7))
        .jpeg({ quality: 65 })
        .toBuffer();
      const original = await fingerprintOf(photo);
      const copy = await fingerprintOf(cropped);
      const raw = hammingDistance64(original.variants[0] ?? 0n, copy.variants[0] ?? 0n);
      const viaCrops = Math.min(...cropQueryHashes(original).map((hash) => hammingDistance64(hash, copy.variants[0] ?? 0n)));
      expect(raw).toBeGreaterThan(8);
      expect(viaCrops).toBeLessThanOrEqual(8);
    });
  }

  it('offer the centre crops to the shapes a phone app offers, by the photo\'s orientation, keeping half of an axis or more', () => {
    // 4:3 landscape: square (12.5 % a side = 10 steps) and 16:9 (top and bottom); 3:4 of a landscape photo is not offered.
    expect(aspectCrops(4000, 3000)).toEqual([
      [10, 10, 0, 0],
      [0, 0, 10, 10],
    ]);
    // 2:3 portrait: square (top and bottom) and 9:16 (sides); 3:4 would be a third, past the slots.
    expect(aspectCrops(2000, 3000)).toEqual([
      [0, 0, 13, 13],
      [6, 6, 0, 0],
    ]);
    // Square: 16:9 and 4:3 (the uncut photo is the index's own entry).
    expect(aspectCrops(1000, 1000)).toEqual([
      [0, 0, 18, 18],
      [0, 0, 10, 10],
    ]);
    // 3:1 panorama: only 16:9 keeps half of its width.
    expect(aspectCrops(3000, 1000)).toEqual([[16, 16, 0, 0]]);
  });

  it('fill every slot, repeating the upright hash where a shape offers no crop', async () => {
    // A 3:1 panorama has one aspect crop (16:9): the second aspect slot, before the vignette's, repeats its upright hash.
    const panorama = await fingerprintOf(await sharp(photo).resize(600, 200, { fit: 'fill' }).jpeg().toBuffer());
    const hashes = cropQueryHashes(panorama);
    const upright = panorama.variants[0];
    expect(hashes).toHaveLength(CROP_QUERY_COUNT);
    expect(hashes.at(-3)).not.toBe(upright);
    expect(hashes.at(-2)).toBe(upright);
    expect(hashes.at(-1)).not.toBe(upright);
  });

  it('are empty for a fingerprint without a thumbnail', () => {
    expect(cropQueryHashes({ variants: [1n] })).toEqual([]);
  });
});
