/**
 * Decoding an image, once, into a small colour raster as displayed (64×64, squashed), and the 32×32
 * greyscale raster hashing reads, made from it. sharp's shrink-on-load means a 12 MP JPEG is never decoded at full
 * size here. The colour raster gives the best-photo rules colour, detail and tones (photo-look.ts)
 * without a second decode.
 */

import sharp, { type Metadata } from 'sharp';
import { greyView, type ColourView } from './colour-view.js';

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

/** Side of the raster hashing works on. */
export const HASH_INPUT_SIZE = 32;
/**
 * sharp resizes to VIEW_SIZE in colour and we average 2×2 blocks of its grey: a true area average,
 * steadier than a 32 px lanczos. (A larger view, e.g. 128 or 256 px, costs the same decode but moves
 * the hashes enough to lose a watermarked copy of the dev benchmark.)
 */
export const VIEW_SIZE = HASH_INPUT_SIZE * 2;

/** Refuse decompression bombs: anything above this many pixels is skipped, not decoded. */
export const MAX_INPUT_PIXELS = 200_000_000;

export async function decodeHashInput(image: ImageInput): Promise<HashInput> {
  return (await decodeWithHeader(image)).input;
}

/** The hash input, the colour view and the header sharp read on the way (size, orientation, EXIF): one open, one decode. */
export async function decodeWithHeader(image: ImageInput): Promise<{ input: HashInput; header: Metadata; view: ColourView }> {
  const pipeline = sharp(image, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
  const meta = await pipeline.metadata();
  // Transparent pixels are shown on white, as viewers and the benchmark's flattened copies do.
  const { data, info } = await pipeline
    .rotate()
    .flatten({ background: '#ffffff' })
    .resize(VIEW_SIZE, VIEW_SIZE, { fit: 'fill' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const view: ColourView = { width: info.width, height: info.height, channels: info.channels, data };
  const quarterTurn = (meta.orientation ?? 1) >= 5;
  const width = meta.width ?? info.width;
  const height = meta.height ?? info.height;
  const input = {
    width: HASH_INPUT_SIZE,
    height: HASH_INPUT_SIZE,
    data: shrink(greyView(view), VIEW_SIZE, VIEW_SIZE / HASH_INPUT_SIZE),
    sourceWidth: quarterTurn ? height : width,
    sourceHeight: quarterTurn ? width : height,
  };
  return { input, header: meta, view };
}

/** factor×factor box average of a square single-channel raster. */
function shrink(data: Uint8Array, size: number, factor: number): Uint8Array {
  const side = size / factor;
  const out = new Uint8Array(side * side);
  const area = factor * factor;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += data[(y * factor + dy) * size + x * factor + dx] ?? 0;
      out[y * side + x] = Math.floor((sum + area / 2) / area);
    }
  }
  return out;
}
