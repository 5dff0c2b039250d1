/**
 * Decoding an image into the small greyscale raster that hashing reads. sharp's shrink-on-load
 * means a 12 MP JPEG is never decoded at full size here.
 */

import sharp from 'sharp';

/** Greyscale, one byte per pixel, row-major. */
export interface HashInput {
  width: number;
  height: number;
  data: Uint8Array;
}

export const HASH_INPUT_SIZE = 64;

/** Refuse decompression bombs: anything above this many pixels is skipped, not decoded. */
export const MAX_INPUT_PIXELS = 200_000_000;

export async function decodeHashInput(image: Buffer): Promise<HashInput> {
  const { data, info } = await sharp(image, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .resize(HASH_INPUT_SIZE, HASH_INPUT_SIZE, { fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}
