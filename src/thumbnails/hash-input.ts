/**
 * Decoding an image into the small greyscale raster that hashing reads. sharp's shrink-on-load
 * means a 12 MP JPEG is never decoded at full size here.
 */

import sharp, { type Metadata } from 'sharp';

/** Image bytes, or the path of a file sharp reads itself (no copy of a 4 MB original in our heap). */
export type ImageInput = Buffer | string;

/** Greyscale, one byte per pixel, row-major, as displayed (EXIF orientation applied), stretched to a square. */
export interface HashInput {
  width: number;
  height: number;
  data: Uint8Array;
  /** Displayed size of the decoded image before it was squashed to a square: its aspect ratio is evidence. */
  sourceWidth: number;
  sourceHeight: number;
}

/** A square grey raster, one byte per pixel, row-major. */
export interface GreyRaster {
  side: number;
  data: Uint8Array;
}

/** Side of the raster hashing works on. */
export const HASH_INPUT_SIZE = 32;
/** sharp resizes to twice that and we average 2×2 blocks: a true area average, steadier than a 32 px lanczos. */
const DECODE_SIZE = HASH_INPUT_SIZE * 2;

/** Refuse decompression bombs: anything above this many pixels is skipped, not decoded. */
export const MAX_INPUT_PIXELS = 200_000_000;

export async function decodeHashInput(image: ImageInput): Promise<HashInput> {
  return (await decodeWithHeader(image)).input;
}

/**
 * The hash input, the 64×64 grey raster it is made from (the best-photo look reads its tones and
 * detail: photo-look.ts) and the header sharp read on the way (size, orientation, EXIF, channels):
 * one open, one decode.
 */
export async function decodeWithHeader(image: ImageInput): Promise<{ input: HashInput; header: Metadata; grey: GreyRaster }> {
  const pipeline = sharp(image, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
  const meta = await pipeline.metadata();
  const { data } = await pipeline
    .rotate()
    .resize(DECODE_SIZE, DECODE_SIZE, { fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const quarterTurn = (meta.orientation ?? 1) >= 5;
  const width = meta.width ?? DECODE_SIZE;
  const height = meta.height ?? DECODE_SIZE;
  const input = {
    width: HASH_INPUT_SIZE,
    height: HASH_INPUT_SIZE,
    data: halve(data, DECODE_SIZE),
    sourceWidth: quarterTurn ? height : width,
    sourceHeight: quarterTurn ? width : height,
  };
  return { input, header: meta, grey: { side: DECODE_SIZE, data } };
}

/** 2×2 box average of a square single-channel raster. */
function halve(data: Uint8Array, size: number): Uint8Array {
  const half = size / 2;
  const out = new Uint8Array(half * half);
  for (let y = 0; y < half; y++) {
    const top = 2 * y * size;
    const bottom = top + size;
    for (let x = 0; x < half; x++) {
      const sum = (data[top + 2 * x] ?? 0) + (data[top + 2 * x + 1] ?? 0) + (data[bottom + 2 * x] ?? 0) + (data[bottom + 2 * x + 1] ?? 0);
      out[y * half + x] = (sum + 2) >> 2;
    }
  }
  return out;
}
