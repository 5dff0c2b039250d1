/**
 * A WebP's size read from its header stands in for sharp's `metadata()` on server thumbnails: it
 * must agree with sharp on every plain WebP and decline whatever carries EXIF or is not one.
 */

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodePhoto } from '../../src/thumbnails/decode-photo.js';
import { plainWebpSize } from '../../src/thumbnails/webp-header.js';
import { sceneJpeg, sceneRaw } from '../helpers/images.js';

describe('plainWebpSize', () => {
  it('reads the size sharp reads from lossy, lossless and extended (alpha) WebP', async () => {
    const photo = await sceneJpeg({ seed: 5, width: 333, height: 250 });
    const files = [
      await sharp(photo).webp({ quality: 80 }).toBuffer(),
      await sharp(photo).resize(250, 333, { fit: 'fill' }).webp({ quality: 60 }).toBuffer(),
      await sharp(photo).webp({ lossless: true }).toBuffer(),
      await sharp(photo).ensureAlpha(0.5).webp().toBuffer(),
      await (await sceneRaw({ seed: 6, width: 16383, height: 3 })).webp().toBuffer(),
    ];
    for (const file of files) {
      const { width, height } = await sharp(file).metadata();
      expect(plainWebpSize(file)).toEqual({ width, height });
    }
  });

  it('declines a WebP with EXIF (its orientation is for sharp to read), other formats and damaged headers', async () => {
    const photo = await sceneJpeg({ seed: 7, width: 120, height: 80 });
    const turned = await sharp(photo).withMetadata({ orientation: 6 }).webp().toBuffer();
    expect(plainWebpSize(turned)).toBeUndefined();
    expect(plainWebpSize(photo)).toBeUndefined();
    const webp = await sharp(photo).webp().toBuffer();
    expect(plainWebpSize(webp.subarray(0, 20))).toBeUndefined();
    const damaged = Buffer.from(webp);
    damaged[23] = 0;
    expect(plainWebpSize(damaged)).toBeUndefined();
    // And the decode still turns the EXIF-oriented one upright, through sharp's metadata.
    const decoded = await decodePhoto(turned, 'webp', { chroma: true });
    expect([decoded.input.sourceWidth, decoded.input.sourceHeight]).toEqual([80, 120]);
    expect(decoded.meta).toMatchObject({ width: 80, height: 120, orientation: 6 });
  });

  it('gives the decode the same hash input with or without sharp reading the header', async () => {
    const photo = await sceneJpeg({ seed: 8, width: 333, height: 250 });
    const plain = await sharp(photo).webp({ quality: 80 }).toBuffer();
    // The same picture with an EXIF block (orientation 1): sharp's metadata() reads its header.
    const withExif = await sharp(photo).withMetadata({ orientation: 1 }).webp({ quality: 80 }).toBuffer();
    expect(plainWebpSize(withExif)).toBeUndefined();
    const fromHeader = await decodePhoto(plain, 'webp', { chroma: true });
    const viaSharp = await decodePhoto(withExif, 'webp', { chroma: true });
    expect(fromHeader.meta).toEqual({ width: 333, height: 250, orientation: 1, format: 'webp' });
    expect([viaSharp.input.sourceWidth, viaSharp.input.sourceHeight]).toEqual([333, 250]);
    expect(Buffer.from(fromHeader.input.data).equals(Buffer.from(viaSharp.input.data))).toBe(true);
    expect(fromHeader.chroma).toBe(viaSharp.chroma);
  });
});
