/**
 * HEIC/HEIF decoding with libheif in worker threads: real HEVC-coded files (fixtures), and files
 * built from them with what phones add (a thumbnail item, irot/imir, EXIF). Runs the built worker:
 * `npm run build` first (npm test does).
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { computeFingerprint } from '../../src/hashing/fingerprint.js';
import { decodePhoto } from '../../src/thumbnails/decode-photo.js';
import { closeHeifDecoders } from '../../src/thumbnails/heif/heif-decoder.js';
import { readHeif } from '../../src/thumbnails/heif/libheif.js';
import { buildHeif, primaryHevcImage } from '../helpers/heif-files.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/heic');
const sample = readFileSync(path.join(FIXTURES, 'samplefilehub.heif'));
const iphone = readFileSync(path.join(FIXTURES, 'iphone-13-thumbnail.heic'));

afterAll(() => closeHeifDecoders());

const hashOf = async (image: Buffer, format: 'heic' | 'png' = 'heic') => computeFingerprint((await decodePhoto(image, format)).input).variants[0] as bigint;

function distance(a: bigint, b: bigint): number {
  let bits = a ^ b;
  let count = 0;
  while (bits) {
    count += Number(bits & 1n);
    bits >>= 1n;
  }
  return count;
}

/** The picture libheif decodes, edited by sharp and saved as PNG (lossless, so only the edit differs). */
async function decodedAsPng(file: Buffer, edit: (image: sharp.Sharp) => sharp.Sharp = (image) => image): Promise<Buffer> {
  const picture = await readHeif(file, { minThumbnailSide: Number.MAX_SAFE_INTEGER, maxPixels: 1e8 });
  return edit(sharp(picture.pixels, { raw: { width: picture.pixelWidth, height: picture.pixelHeight, channels: 3 } })).png().toBuffer();
}

describe('HEIC/HEIF decoding', () => {
  it('decodes an HEVC-coded HEIF that sharp cannot, with its size and format', async () => {
    await expect(sharp(sample).raw().toBuffer()).rejects.toThrow();
    const { meta } = await decodePhoto(sample, 'heic');
    expect(meta).toMatchObject({ width: 640, height: 426, format: 'heic', orientation: 1 });
    expect(meta.takenAt).toBeUndefined();
    expect(distance(await hashOf(sample), await hashOf(await decodedAsPng(sample), 'png'))).toBe(0);
  });

  it('reads the date and camera from the EXIF item and shows the picture turned as irot says', async () => {
    const { meta } = await decodePhoto(iphone, 'heic');
    expect(meta).toMatchObject({ width: 240, height: 320, takenAt: '2022-02-16T12:55:41.000Z', camera: 'Apple iPhone 13 Pro Max' });
  });

  it('applies irot and imir as viewers do', async () => {
    const image = primaryHevcImage(sample);
    const turned = buildHeif({ image, rotate: 1 });
    expect((await decodePhoto(turned, 'heic')).meta).toMatchObject({ width: 426, height: 640 });
    // irot 1 is a quarter turn anticlockwise: sharp's rotate(270).
    const expectedTurn = await hashOf(await decodedAsPng(sample, (picture) => picture.rotate(270)), 'png');
    expect(distance(await hashOf(turned), expectedTurn)).toBe(0);
    expect(distance(await hashOf(turned), await hashOf(sample))).toBeGreaterThan(10);

    const mirrored = buildHeif({ image, mirror: 0 });
    // libheif reads imir as the current HEIF edition says: axis 0 mirrors top and bottom.
    const expectedMirror = await hashOf(await decodedAsPng(sample, (picture) => picture.flip()), 'png');
    expect(distance(await hashOf(mirrored), expectedMirror)).toBe(0);
  });

  it('hashes from the file’s own thumbnail when it is large enough, with the photo’s own size', async () => {
    // The thumbnail is another picture here, so which one was hashed shows.
    const withThumbnail = buildHeif({ image: primaryHevcImage(sample), thumbnail: primaryHevcImage(iphone) });
    const decoded = await decodePhoto(withThumbnail, 'heic');
    expect(decoded.meta).toMatchObject({ width: 640, height: 426 });
    const thumbnailHash = await hashOf(buildHeif({ image: primaryHevcImage(iphone) }));
    expect(distance(computeFingerprint(decoded.input).variants[0] as bigint, thumbnailHash)).toBe(0);

    const small = await readHeif(withThumbnail, { minThumbnailSide: 500, maxPixels: 1e8 });
    expect(small).toMatchObject({ fromThumbnail: false, pixelWidth: 640, pixelHeight: 426 });
  });

  it('refuses a damaged file with one line, and the next file still decodes', async () => {
    const damaged = Buffer.from(sample);
    damaged.fill(0x55, 600, damaged.length);
    const error = await decodePhoto(damaged, 'heic').then(() => undefined, (reason: unknown) => reason as Error);
    expect(error?.message).toMatch(/HEIF/);
    expect(error?.message).not.toContain('\n');
    await expect(decodePhoto(Buffer.concat([sample.subarray(0, 400)]), 'heic')).rejects.toThrow(/HEIF/);
    expect((await decodePhoto(sample, 'heic')).meta.width).toBe(640);
  });

  it('refuses a picture larger than the pixel limit before decoding it', async () => {
    await expect(readHeif(sample, { minThumbnailSide: 128, maxPixels: 1000 })).rejects.toThrow('image too large (640x426 pixels)');
  });
});
