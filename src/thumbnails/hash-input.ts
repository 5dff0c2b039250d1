/**
 * Decoding an image into the small greyscale raster that hashing reads. sharp's shrink-on-load
 * means a 12 MP JPEG is never decoded at full size here.
 */

import sharp, { type Metadata, type Sharp } from 'sharp';
import { contentInput } from './content-input.js';
import type { JpegHeader } from './jpeg-header.js';
import { chromaOfRgb, greyOfRgb } from './srgb-raster.js';
import { plainWebpSize } from './webp-header.js';

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
  /** The same of the photo inside bars around it (letterbox, frame, screenshot bars), when it has some. */
  content?: HashInput;
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

/**
 * An embedded picture (a HEIF thumbnail, a RAW file's preview) stands in for the photo when its
 * shorter side has this many pixels: hashing reads a 64×64 shrink of it. Phones write 320×240 and
 * more; the 160×120 EXIF thumbnails of RAW files, often letterboxed, are passed over.
 */
export const MIN_EMBEDDED_SIDE = 128;

/** Refuse decompression bombs: anything above this many pixels is skipped, not decoded. */
export const MAX_INPUT_PIXELS = 200_000_000;

export async function decodeHashInput(image: ImageInput): Promise<HashInput> {
  return (await decodeWithHeader(image)).input;
}

/**
 * The hash input, the 64×64 grey raster it is made from (the best-photo look reads its tones and
 * detail: photo-look.ts) and the header sharp reads first (size, orientation, EXIF, channels): one
 * decode. `orientation` overrides the image's own EXIF orientation (a RAW preview takes its RAW
 * file's).
 */
export async function decodeWithHeader(image: ImageInput, orientation?: number): Promise<{ input: HashInput; header: Metadata; grey: GreyRaster }> {
  const open = () => sharp(image, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
  const meta = await open().metadata();
  const turn = orientation ?? meta.orientation ?? 1;
  const quarterTurn = turn >= 5;
  const width = meta.width ?? DECODE_SIZE;
  const height = meta.height ?? DECODE_SIZE;
  const { input, grey } = await shrink(uprightResize(open, orientation), quarterTurn ? height : width, quarterTurn ? width : height);
  return { input, header: meta, grey };
}

/**
 * Like `decodeWithHeader`, for a JPEG file whose header was read already (jpeg-header.ts): sharp
 * does not parse it a second time. sharp still turns the picture by its EXIF itself (`rotate()`):
 * the same turn as an explicit one, but made at another step of its pipeline, so the grey levels
 * of a turned photo would differ by a unit or two, and with them its stored hashes.
 */
export async function decodeJpegFile(file: string, header: JpegHeader): Promise<{ input: HashInput; grey: GreyRaster }> {
  const open = () => sharp(file, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
  const quarterTurn = header.orientation >= 5;
  return shrink(uprightResize(open, undefined), quarterTurn ? header.height : header.width, quarterTurn ? header.width : header.height);
}

/**
 * Like `decodeWithHeader`, for a server thumbnail whose colour is measured too (its chroma: see
 * PhotoLook): ONE decode, to a 64×64 colour raster, that gives the chroma and, turned grey here,
 * the hash input. Decoding it twice (grey, then colour) cost a second decode per asset.
 * The grey comes after the shrink here, before it in `decodeWithHeader` (sharp greys first): the
 * levels differ by a unit or so, hence a fingerprint version of its own (FINGERPRINT_VERSION 7).
 * A plain WebP (what Immich serves) has its size read from its header, not by a second sharp task:
 * `header` is then undefined.
 */
export async function decodeColourWithHeader(image: Buffer): Promise<{ input: HashInput; header: Metadata | undefined; grey: GreyRaster; chroma: number }> {
  const open = () => sharp(image, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
  const size = plainWebpSize(image);
  const meta = size ? undefined : await open().metadata();
  const quarterTurn = (meta?.orientation ?? 1) >= 5;
  const width = size?.width ?? meta?.width ?? DECODE_SIZE;
  const height = size?.height ?? meta?.height ?? DECODE_SIZE;
  // A plain WebP has no EXIF orientation: nothing to turn (orientation 1).
  const upright = uprightResize(open, meta ? undefined : 1);
  const { data, info } = await upright(toDecodeSize).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const [sourceWidth, sourceHeight] = quarterTurn ? [height, width] : [width, height];
  const { input, grey } = await fromGreyShrink(greyOfRgb(data, info.channels), upright, sourceWidth, sourceHeight);
  return { input, header: meta, grey, chroma: chromaOfRgb(data, info.channels) };
}

/** Pixels decoded elsewhere (by libheif), upright already; `displayed` is the photo's own size. */
export interface RawPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export async function hashInputFromPixels(pixels: RawPixels, displayed: { width: number; height: number }): Promise<{ input: HashInput; grey: GreyRaster }> {
  const { width, height, channels } = pixels;
  const open = () => sharp(pixels.data, { raw: { width, height, channels } });
  // Orientation 1: the pixels are upright already, nothing to turn.
  return shrink(uprightResize(open, 1), displayed.width, displayed.height);
}

/**
 * Opens a picture and gives it resized as asked, upright. Each call is one decode: the hash input's,
 * and for a photo inside bars a second one (content-input.ts).
 */
export type UprightResize = (resize: (pipeline: Sharp) => Sharp) => Sharp;

/**
 * The picture `open` opens, turned upright: by its own EXIF (`rotate()`, which sharp makes after
 * its shrink-on-load whatever the order) when `orientation` is undefined, else by that EXIF
 * orientation, asked after the resize (see `orient`).
 */
export function uprightResize(open: () => Sharp, orientation: number | undefined): UprightResize {
  return (resize) => (orientation === undefined ? resize(orient(open(), undefined)) : orient(resize(open()), orientation));
}

/** The resize of every hash input's decode: stretched to a DECODE_SIZE square. */
const toDecodeSize = (pipeline: Sharp): Sharp => pipeline.resize(DECODE_SIZE, DECODE_SIZE, { fit: 'fill' });

/** The hash input from one grey decode of the upright picture (and a second for a photo inside bars). */
async function shrink(upright: UprightResize, sourceWidth: number, sourceHeight: number): Promise<{ input: HashInput; grey: GreyRaster }> {
  const { data } = await upright(toDecodeSize).greyscale().raw().toBuffer({ resolveWithObject: true });
  return fromGreyShrink(data, upright, sourceWidth, sourceHeight);
}

/**
 * The hash input from the DECODE_SIZE² grey shrink of a picture, with the photo inside its bars
 * (letterbox, frame, screenshot bars) when it has some, whichever decode made the shrink.
 */
async function fromGreyShrink(data: Uint8Array, upright: UprightResize, sourceWidth: number, sourceHeight: number): Promise<{ input: HashInput; grey: GreyRaster }> {
  const grey = { side: DECODE_SIZE, data };
  const content = await contentInput(upright, grey, { width: sourceWidth, height: sourceHeight }, (shrunk) => halve(shrunk, DECODE_SIZE));
  const input = { width: HASH_INPUT_SIZE, height: HASH_INPUT_SIZE, data: halve(data, DECODE_SIZE), sourceWidth, sourceHeight, ...(content ? { content } : {}) };
  return { input, grey };
}

/**
 * Turns the picture upright: by its own EXIF (`rotate()`) when `orientation` is undefined, else by
 * that EXIF orientation as sharp operations (sharp rotates, then flips, then flops). Ask an explicit
 * turn after the resize when there is one: asked before it, sharp turns the picture at full size
 * and gives up shrink-on-load (a 12 MP JPEG turned a quarter took 226-326 ms to shrink instead of
 * ~50). Into a square box (to fill, or fit inside) the order makes no difference to the geometry.
 */
function orient(pipeline: Sharp, orientation: number | undefined): Sharp {
  switch (orientation) {
    case undefined: return pipeline.rotate();
    case 2: return pipeline.flop();
    case 3: return pipeline.rotate(180);
    case 4: return pipeline.flip();
    case 5: return pipeline.rotate(90).flop();
    case 6: return pipeline.rotate(90);
    case 7: return pipeline.rotate(90).flip();
    case 8: return pipeline.rotate(270);
    default: return pipeline;
  }
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
