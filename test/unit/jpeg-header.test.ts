/**
 * A local JPEG's header, read once by jpeg-header.ts instead of by sharp's `metadata()` and again
 * for the quality: it must say what sharp says, and decoding by it must give the very hash input,
 * grey raster and metadata that sharp's own header gave (stored fingerprints stay valid). What it
 * cannot read plainly it leaves to sharp.
 */

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodePhoto } from '../../src/thumbnails/decode-photo.js';
import { decodeWithHeader } from '../../src/thumbnails/hash-input.js';
import { photoMetaOf } from '../../src/thumbnails/image-metadata.js';
import { parseJpegHeader, readJpegHeader } from '../../src/thumbnails/jpeg-header.js';
import { jpegQualityOfFile } from '../../src/thumbnails/jpeg-quality.js';
import { sceneJpeg } from '../helpers/images.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

const CAMERA = { IFD0: { Make: 'Acme', Model: 'Acme One', DateTime: '2024:05:06 07:08:09', Software: 'Acme firmware 1.0' } };

async function cameraJpeg(orientation: number, seed = 60 + orientation, quality = 88): Promise<Buffer> {
  return sharp(await sceneJpeg({ seed })).withExif(CAMERA).withMetadata({ orientation }).jpeg({ quality }).toBuffer();
}

function written(bytes: Buffer, name: string): string {
  const file = path.join(tempDir(), name);
  writeFileSync(file, bytes);
  return file;
}

/** A COM segment of `length` bytes of payload: it pushes the frame header further into the file. */
function comment(length: number): Buffer {
  const segment = Buffer.alloc(4 + length, 0x20);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(length + 2, 2);
  return segment;
}

/** The JPEG with `segments` inserted right after its start-of-image marker. */
function withSegments(jpeg: Buffer, ...segments: Buffer[]): Buffer {
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/** The JPEG with its EXIF orientation value overwritten (IFD0's tag 0x0112). */
function withOrientationValue(jpeg: Buffer, value: number): Buffer {
  const bytes = Buffer.from(jpeg);
  const tiff = bytes.indexOf('Exif\0\0', 0, 'latin1') + 6;
  const little = bytes.toString('latin1', tiff, tiff + 2) === 'II';
  const read = (at: number) => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const ifd = tiff + (little ? bytes.readUInt32LE(tiff + 4) : bytes.readUInt32BE(tiff + 4));
  for (let entry = 0; entry < read(ifd); entry++) {
    const at = ifd + 2 + 12 * entry;
    if (read(at) !== 0x0112) continue;
    if (little) bytes.writeUInt16LE(value, at + 8);
    else bytes.writeUInt16BE(value, at + 8);
    return bytes;
  }
  throw new Error('no orientation tag');
}

/** What the decode gave before this module: sharp's header, and the quality read on its own. */
async function bySharpsHeader(file: string) {
  const { input, grey, header } = await decodeWithHeader(file);
  const quality = await jpegQualityOfFile(file);
  return { input, grey, meta: { ...photoMetaOf(header), ...(quality !== undefined ? { jpegQuality: quality } : {}) }, channels: header.channels };
}

describe('reading a JPEG header once', () => {
  it('says what sharp says of the size, colour channels, orientation and EXIF, and gives the quality', async () => {
    const jpegs = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((orientation) => cameraJpeg(orientation)));
    jpegs.push(await sharp(await sceneJpeg({ seed: 70 })).toColourspace('b-w').jpeg({ quality: 60 }).toBuffer());
    for (const [k, bytes] of jpegs.entries()) {
      const file = written(bytes, `photo-${k}.jpg`);
      const header = readJpegHeader(file);
      const metadata = await sharp(file).metadata();
      expect(header, file).toBeDefined();
      expect({ ...header, quality: undefined }).toEqual({
        width: metadata.width,
        height: metadata.height,
        channels: metadata.channels,
        orientation: metadata.orientation ?? 1,
        ...(metadata.exif ? { exif: metadata.exif } : {}),
        quality: undefined,
      });
      expect(header?.quality).toBe(await jpegQualityOfFile(file));
    }
    expect(readJpegHeader(written(jpegs[8] as Buffer, 'grey.jpg'))).toMatchObject({ channels: 1, quality: 60, orientation: 1 });
  });

  it('takes an orientation outside 1–8 as 1, as libvips does', async () => {
    const turned = await cameraJpeg(6);
    for (const value of [0, 9, 200]) {
      const bytes = withOrientationValue(turned, value);
      expect((await sharp(bytes).metadata()).orientation ?? 1).toBe(1);
      expect(parseJpegHeader(bytes)).toMatchObject({ orientation: 1 });
    }
    expect(parseJpegHeader(withOrientationValue(turned, 8))).toMatchObject({ orientation: 8 });
  });

  it('reads on past its first read when segments push the frame header beyond it', async () => {
    const bytes = withSegments(await cameraJpeg(6), comment(60_000), comment(60_000), comment(30_000));
    const file = written(bytes, 'long-header.jpg');
    expect(readJpegHeader(file)).toMatchObject({ width: 480, height: 360, orientation: 6, quality: 88 });
    expect(parseJpegHeader(bytes.subarray(0, 64 * 1024))).toBe('more');
  });

  it('leaves to sharp what it does not read plainly', async () => {
    const jpeg = await cameraJpeg(6);
    const exifSegment = (() => {
      const at = jpeg.indexOf('Exif\0\0', 0, 'latin1') - 4;
      return jpeg.subarray(at, at + 2 + jpeg.readUInt16BE(at + 2));
    })();
    const png = await sharp(jpeg).png().toBuffer();
    expect(parseJpegHeader(png)).toBeUndefined();
    // Two EXIF blocks: which one counts is the decoder's affair.
    expect(parseJpegHeader(withSegments(jpeg, exifSegment))).toBeUndefined();
    // A file that ends before its frame header.
    expect(readJpegHeader(written(jpeg.subarray(0, 40), 'cut.jpg'))).toBeUndefined();
  });

  it('decodes a photo to exactly what sharp reading its own header gave, whether it reads the header or not', async () => {
    const files = [
      written(await cameraJpeg(1), 'upright.jpg'),
      written(await cameraJpeg(6), 'turned.jpg'),
      written(await cameraJpeg(7), 'turned-mirrored.jpg'),
      written(withSegments(await cameraJpeg(8), comment(60_000), comment(40_000)), 'long-header.jpg'),
      written(withSegments(await cameraJpeg(3), comment(10)), 'commented.jpg'),
    ];
    // Not read plainly here (two EXIF blocks): sharp's header is used, as before.
    const jpeg = await cameraJpeg(5);
    const at = jpeg.indexOf('Exif\0\0', 0, 'latin1') - 4;
    files.push(written(withSegments(jpeg, jpeg.subarray(at, at + 2 + jpeg.readUInt16BE(at + 2))), 'two-exif.jpg'));
    for (const file of files) {
      const decoded = await decodePhoto(file, 'jpeg', { quality: true });
      expect({ input: decoded.input, grey: decoded.grey, meta: decoded.meta, channels: decoded.channels }, file).toEqual(await bySharpsHeader(file));
      expect(decoded.meta).toMatchObject({ format: 'jpeg', camera: 'Acme Acme One', software: 'Acme firmware 1.0', jpegQuality: 88 });
    }
  });
});
