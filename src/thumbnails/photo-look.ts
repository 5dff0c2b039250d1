/**
 * What a photo looks like, in a few numbers the best-photo rules compare between copies of one
 * picture: whether it is in colour, how much of it is clipped to black or white, and how much fine
 * detail it has. Tones and detail come from the 64×64 grey raster the hash stage decodes anyway (no
 * second decode of an original); stored with the fingerprint, read back only for photos in groups.
 */

import type { GreyRaster } from './hash-input.js';

export interface PhotoLook {
  /**
   * Mean of (largest − smallest channel) per pixel of a 64×64 shrink, 0–255: 0 for a greyscale
   * picture; a server thumbnail's is measured in the decode that hashes it. NaN when only
   * known to be stored in colour (a local file's header says so; measuring it would mean a second
   * decode of the original).
   */
  chroma: number;
  /** Share of pixels at pure black (≤ 2) and at pure white (≥ 253). */
  clipLow: number;
  clipHigh: number;
  /**
   * Fine detail: mean absolute Laplacian of the grey raster over that of the raster halved, so a
   * brighter or more contrasted copy scores the same and a blurred one lower.
   */
  detail: number;
}

const CLIP_LOW = 2;
const CLIP_HIGH = 253;

/** The look from the grey raster and the chroma (see PhotoLook.chroma). */
export function lookOf({ side, data: grey }: GreyRaster, chroma: number): PhotoLook {
  const [width, height] = [side, side];
  let low = 0;
  let high = 0;
  for (const level of grey) {
    if (level <= CLIP_LOW) low++;
    else if (level >= CLIP_HIGH) high++;
  }
  const pixels = width * height;
  const coarse = halved(grey, width, height);
  const fine = laplacianEnergy(grey, width, height);
  const broad = laplacianEnergy(coarse, width >> 1, height >> 1);
  return { chroma, clipLow: low / pixels, clipHigh: high / pixels, detail: broad > 0 ? fine / broad : 0 };
}

/** A stored file's chroma: 0 when it has a single (grey) channel, else NaN (colour, not measured). */
export function chromaFromChannels(channels: number | undefined): number {
  return channels !== undefined && channels <= 2 ? 0 : Number.NaN;
}

function halved(grey: Uint8Array, width: number, height: number): Float64Array {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const at = 2 * y * width + 2 * x;
      out[y * w + x] = ((grey[at] ?? 0) + (grey[at + 1] ?? 0) + (grey[at + width] ?? 0) + (grey[at + width + 1] ?? 0)) / 4;
    }
  }
  return out;
}

/** Mean |4·p − its 4 neighbours| over the inner pixels. */
function laplacianEnergy(raster: ArrayLike<number>, width: number, height: number): number {
  let sum = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const at = y * width + x;
      const value = 4 * (raster[at] ?? 0) - (raster[at - 1] ?? 0) - (raster[at + 1] ?? 0) - (raster[at - width] ?? 0) - (raster[at + width] ?? 0);
      sum += Math.abs(value);
      count++;
    }
  }
  return count > 0 ? sum / count : 0;
}

const LOOK_FIELDS = 4;

/** Four float32s, in the order of PhotoLook's fields. */
export function encodeLook(look: PhotoLook): Buffer {
  const buffer = Buffer.alloc(LOOK_FIELDS * 4);
  [look.chroma, look.clipLow, look.clipHigh, look.detail].forEach((value, index) => buffer.writeFloatLE(value, index * 4));
  return buffer;
}

/** undefined for anything that is not an encoded look (a row written before looks were stored). */
export function decodeLook(buffer: Buffer | null | undefined): PhotoLook | undefined {
  if (!buffer || buffer.length !== LOOK_FIELDS * 4) return undefined;
  const [chroma, clipLow, clipHigh, detail] = [0, 1, 2, 3].map((index) => buffer.readFloatLE(index * 4)) as [number, number, number, number];
  return { chroma, clipLow, clipHigh, detail };
}
