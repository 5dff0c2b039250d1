/**
 * A server thumbnail is decoded once, in colour: its grey levels must be sharp's own `greyscale()`
 * levels, and its chroma the one the second decode used to measure.
 */

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodePhoto } from '../../src/thumbnails/decode-photo.js';
import { chromaOfRgb, greyOfRgb } from '../../src/thumbnails/srgb-raster.js';
import { sceneJpeg, sceneWebp } from '../helpers/images.js';

/** Every 8-bit level of each primary and of grey, and some mixed colours. */
function swatches(): Buffer {
  const colours: number[] = [];
  for (let level = 0; level < 256; level++) colours.push(level, 0, 0, 0, level, 0, 0, 0, level, level, level, level);
  for (let seed = 1; seed <= 256; seed++) colours.push((seed * 97) % 256, (seed * 57) % 256, (seed * 13) % 256);
  return Buffer.from(colours);
}

describe('greyOfRgb', () => {
  it('gives each colour the grey level sharp gives it, within one level (libvips rounds through its own tables)', async () => {
    const rgb = swatches();
    const pixels = rgb.length / 3;
    const expected = await sharp(rgb, { raw: { width: pixels, height: 1, channels: 3 } }).greyscale().raw().toBuffer();
    const ours = greyOfRgb(rgb, 3);
    const off = [...ours].map((level, index) => Math.abs(level - (expected[index] ?? 0)));
    expect(Math.max(...off)).toBeLessThanOrEqual(1);
    expect(off.filter((d) => d > 0).length / pixels).toBeLessThan(0.2);
    // Greys stay as they are; a grey raster is read as it is.
    for (let level = 0; level < 256; level++) expect(ours[level * 4 + 3]).toBe(level);
    expect([...greyOfRgb(Uint8Array.from([7, 255, 9, 255]), 2)]).toEqual([7, 9]);
  });
});

describe('chromaOfRgb', () => {
  it('is 0 for grey, 255 for a pure primary, the mean spread of the channels otherwise', () => {
    expect(chromaOfRgb(Uint8Array.from([50, 50, 50, 200, 200, 200]), 3)).toBe(0);
    expect(chromaOfRgb(Uint8Array.from([255, 0, 0, 255]), 4)).toBe(255);
    expect(chromaOfRgb(Uint8Array.from([10, 40, 30, 100, 100, 90]), 3)).toBe(20);
    expect(chromaOfRgb(Uint8Array.from([10, 200]), 1)).toBe(0);
  });
});

describe('decodePhoto with chroma', () => {
  it('measures the chroma the second decode measured, and hashes nearly as the grey decode does', async () => {
    for (const seed of [1, 2, 3]) {
      const thumbnail = await sceneWebp({ seed, width: 333, height: 250 });
      const once = await decodePhoto(thumbnail, 'webp', { chroma: true });
      // What the second decode did (measuredChroma before issue 21).
      const { data, info } = await sharp(thumbnail).resize(64, 64, { fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      expect(once.chroma).toBeCloseTo(chromaOfRgb(data, info.channels), 10);
      const grey = await decodePhoto(thumbnail, 'webp');
      expect(grey.chroma).toBeUndefined();
      expect(once.input.sourceWidth).toBe(333);
      expect(once.input.sourceHeight).toBe(250);
      // Grey after the shrink instead of before: a level or so apart, no more.
      const apart = once.input.data.map((level, index) => Math.abs(level - (grey.input.data[index] ?? 0)));
      expect(apart.reduce((sum, d) => sum + d, 0) / apart.length).toBeLessThan(2);
    }
    // WebP stores colour even for a grey picture: what is left of it is a trace.
    const greyPhoto = await sharp(await sceneJpeg({ seed: 4 })).greyscale().webp().toBuffer();
    expect((await decodePhoto(greyPhoto, 'webp', { chroma: true })).chroma).toBeLessThan(0.5);
    expect((await decodePhoto(await sceneWebp({ seed: 4 }), 'webp', { chroma: true })).chroma).toBeGreaterThan(5);
  });
});
