/**
 * RAW files are hashed from the full-size JPEG preview their camera embeds: found in each
 * container's own layout (TIFF directories, CR3 tracks, the RAF header, maker notes), never a
 * small thumbnail or the raw data, with the RAW file's camera, date and orientation.
 */

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { computeFingerprint } from '../../src/hashing/fingerprint.js';
import { decodePhoto } from '../../src/thumbnails/decode-photo.js';
import { extractRawPreview } from '../../src/thumbnails/raw/raw-preview.js';
import { letterboxed } from '../helpers/framed-copies.js';
import { sceneRaw } from '../helpers/images.js';
import { losslessJpegStandIn, RAW_LAYOUTS, tiffFile, type RawParts } from '../helpers/raw-files.js';

async function parts(orientation?: number): Promise<RawParts> {
  const scene = { seed: 71, width: 600, height: 400 };
  return {
    preview: await (await sceneRaw(scene)).jpeg({ quality: 85 }).toBuffer(),
    // A different picture, so picking it by mistake shows.
    thumbnail: await (await sceneRaw({ seed: 72, width: 160, height: 120 })).jpeg().toBuffer(),
    make: 'TestMaker',
    model: 'RAW-1',
    ...(orientation !== undefined ? { orientation } : {}),
  };
}

const upright = (hash: bigint, other: bigint) => {
  let bits = hash ^ other;
  let count = 0;
  while (bits) {
    count += Number(bits & 1n);
    bits >>= 1n;
  }
  return count;
};

describe('RAW preview', () => {
  it.each(Object.keys(RAW_LAYOUTS))('finds the full-size preview of a %s file, not its thumbnail or raw data', async (format) => {
    const raw = await parts();
    const file = (RAW_LAYOUTS[format] as (p: RawParts) => Buffer)(raw);
    const preview = extractRawPreview(file);
    expect(preview.jpeg.equals(raw.preview)).toBe(true);
    // Maker-note previews are found by their markers; every other layout names its preview.
    expect(preview.foundBy).toBe(format === 'pef' || format === 'orf' ? 'markers' : 'structure');
  });

  it.each(['dng', 'nef', 'cr2', 'arw', 'pef', 'orf', 'rw2', 'cr3'])('reads the camera of a %s file from the RAW file itself', async (format) => {
    const file = (RAW_LAYOUTS[format] as (p: RawParts) => Buffer)(await parts());
    const { meta } = await decodePhoto(file, 'raw');
    expect(meta).toMatchObject({ format: 'raw', camera: 'TestMaker RAW-1', width: 600, height: 400 });
  });

  it('reads the date of a CR3 file from its EXIF box', async () => {
    const { meta } = await decodePhoto((RAW_LAYOUTS.cr3 as (p: RawParts) => Buffer)(await parts()), 'raw');
    expect(meta.takenAt).toBe('2023-05-06T07:08:09.000Z');
  });

  // The turn is made after the shrink (hash-input.ts, `orient`): each turn must still come out upright.
  it.each([
    [3, 180, { width: 600, height: 400 }],
    [6, 90, { width: 400, height: 600 }],
    [8, 270, { width: 400, height: 600 }],
  ])('turns the preview as the RAW file says (orientation %i): the NEF hashes like the upright JPEG', async (orientation, degrees, size) => {
    const raw = await parts(orientation);
    const { input, meta } = await decodePhoto((RAW_LAYOUTS.nef as (p: RawParts) => Buffer)(raw), 'raw');
    expect(meta).toMatchObject({ ...size, orientation });
    const uprightJpeg = await sharp(raw.preview).rotate(degrees).jpeg().toBuffer();
    const expected = computeFingerprint((await decodePhoto(uprightJpeg, 'jpeg')).input).variants[0] as bigint;
    expect(upright(computeFingerprint(input).variants[0] as bigint, expected)).toBeLessThanOrEqual(2);
  });

  it('turns a preview inside bars as the RAW file says: the photo inside them hashes like the upright JPEG\'s', async () => {
    const raw = { ...(await parts(6)), preview: await letterboxed(await sharp((await parts()).preview).toBuffer()) };
    const { input } = await decodePhoto((RAW_LAYOUTS.nef as (p: RawParts) => Buffer)(raw), 'raw');
    const uprightJpeg = await sharp(raw.preview).rotate(90).jpeg().toBuffer();
    const expected = computeFingerprint((await decodePhoto(uprightJpeg, 'jpeg')).input).content;
    const content = computeFingerprint(input).content;
    expect(content && expected).toBeDefined();
    expect(upright(content?.variants[0] as bigint, expected?.variants[0] as bigint)).toBeLessThanOrEqual(2);
  });

  it('says "no preview in this RAW file" when there is only raw data and a small thumbnail', async () => {
    const raw = await parts();
    const file = tiffFile([
      [[0x010f, { ascii: 'TestMaker' }], [0x0201, { offsetOf: raw.thumbnail }], [0x0202, { long: [raw.thumbnail.length] }]],
      [[0x0103, { short: [7] }], [0x0111, { offsetOf: losslessJpegStandIn() }], [0x0117, { long: [losslessJpegStandIn().length] }]],
    ]);
    expect(() => extractRawPreview(file)).toThrow('no preview in this RAW file');
    expect(() => extractRawPreview(Buffer.from('II*\0\0\0\0\0'))).toThrow('no preview in this RAW file');
  });

  it('stops on directories that loop or point outside the file', () => {
    const file = Buffer.alloc(64);
    file.write('II*\0', 0, 'latin1');
    file.writeUInt32LE(8, 4);
    file.writeUInt16LE(2, 8);
    // SubIFDs pointing back at IFD0 and far past the end; the next IFD is IFD0 again.
    file.writeUInt16LE(0x014a, 10);
    file.writeUInt16LE(4, 12);
    file.writeUInt32LE(2, 14);
    file.writeUInt32LE(40, 18);
    file.writeUInt32LE(8, 40);
    file.writeUInt32LE(0xfffffff0, 44);
    file.writeUInt16LE(0x0201, 22);
    file.writeUInt16LE(4, 24);
    file.writeUInt32LE(1, 26);
    file.writeUInt32LE(0xffffff00, 30);
    file.writeUInt32LE(8, 34);
    expect(() => extractRawPreview(file)).toThrow('no preview in this RAW file');
  });
});
