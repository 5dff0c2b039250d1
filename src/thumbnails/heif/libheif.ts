/**
 * Reading a HEIC/HEIF file with libheif compiled to WebAssembly (the `libheif-js` package). The
 * prebuilt sharp has no HEVC decoder, so this is how HEVC-coded photos are seen at all.
 *
 * libheif's C API is called directly: its JavaScript wrapper decodes only the full primary image,
 * while a phone's HEIC usually carries a small thumbnail of the same picture that decodes in
 * milliseconds instead of seconds, plus the EXIF block with the date and camera. Synchronous and
 * CPU-bound: runs in a worker thread (heif-worker.ts), never on the main thread.
 */

import { createRequire } from 'node:module';

/** The part of the Emscripten module this file uses (libheif's exported C functions and the heap). */
interface LibheifWasm {
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  ready?: Promise<unknown>;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _heif_context_alloc(): number;
  _heif_context_free(context: number): void;
  _heif_context_read_from_memory_without_copy(error: number, context: number, data: number, size: number, options: number): void;
  _heif_context_get_primary_image_handle(error: number, context: number, handleOut: number): void;
  _heif_image_handle_release(handle: number): void;
  _heif_image_handle_get_width(handle: number): number;
  _heif_image_handle_get_height(handle: number): number;
  _heif_image_handle_get_number_of_thumbnails(handle: number): number;
  _heif_image_handle_get_list_of_thumbnail_IDs(handle: number, ids: number, count: number): number;
  _heif_image_handle_get_thumbnail(error: number, handle: number, id: number, handleOut: number): void;
  _heif_image_handle_get_list_of_metadata_block_IDs(handle: number, typeFilter: number, ids: number, count: number): number;
  _heif_image_handle_get_metadata_size(handle: number, id: number): number;
  _heif_image_handle_get_metadata(error: number, handle: number, id: number, out: number): void;
  _heif_decode_image(error: number, handle: number, imageOut: number, colorspace: number, chroma: number, options: number): void;
  _heif_image_get_plane_readonly(image: number, channel: number, strideOut: number): number;
  _heif_image_get_width(image: number, channel: number): number;
  _heif_image_get_height(image: number, channel: number): number;
  _heif_image_release(image: number): void;
}

/** libheif's enum values (heif_colorspace_RGB, heif_chroma_interleaved_RGB, heif_channel_interleaved). */
const COLORSPACE_RGB = 1;
const CHROMA_INTERLEAVED_RGB = 10;
const CHANNEL_INTERLEAVED = 10;
/** `struct heif_error` is { int code; int subcode; const char* message } on wasm32. */
const ERROR_BYTES = 12;

export interface HeifReadOptions {
  /** A thumbnail is used for the pixels only when its shorter side has at least this many pixels. */
  minThumbnailSide: number;
  /** Refuse an image whose primary picture has more pixels than this (before decoding it). */
  maxPixels: number;
}

/** What hashing needs from a HEIF file. Sizes are as displayed: libheif applies `irot`/`imir`/`clap`. */
export interface HeifPicture {
  /** The primary picture's displayed size (the photo's size, whatever was decoded). */
  width: number;
  height: number;
  /** The decoded pixels, interleaved RGB: the thumbnail when one is large enough, else the primary picture. */
  pixels: Uint8Array;
  pixelWidth: number;
  pixelHeight: number;
  fromThumbnail: boolean;
  /** The EXIF block as a TIFF structure (libheif's 4-byte offset prefix removed), when there is one. */
  exif?: Uint8Array;
}

/** A file libheif refuses (corrupt, unsupported, too large): one line, for the skip reason. */
export class HeifReadError extends Error {}

let loaded: LibheifWasm | undefined;

async function libheif(): Promise<LibheifWasm> {
  if (!loaded) {
    // The bundle embeds the .wasm bytes, so nothing is looked up on disk at run time.
    const module = createRequire(import.meta.url)('libheif-js/wasm-bundle.js') as LibheifWasm;
    await module.ready;
    loaded = module;
  }
  return loaded;
}

export async function readHeif(bytes: Uint8Array, options: HeifReadOptions): Promise<HeifPicture> {
  const heif = await libheif();
  // Every pointer below lives in this one call; `free` lists what to give back, whatever happens.
  const free: (() => void)[] = [];
  const alloc = (size: number): number => {
    const pointer = heif._malloc(size);
    if (pointer === 0) throw new HeifReadError('not enough memory to decode this HEIF file');
    free.push(() => heif._free(pointer));
    return pointer;
  };
  try {
    const error = alloc(ERROR_BYTES);
    const check = (what: string) => {
      if (int32(heif, error) !== 0) throw new HeifReadError(`${what}: ${cString(heif, heif.HEAP32[(error + 8) >> 2] ?? 0)}`);
    };
    const data = alloc(bytes.length);
    heif.HEAPU8.set(bytes, data);
    const context = heif._heif_context_alloc();
    free.push(() => heif._heif_context_free(context));
    heif._heif_context_read_from_memory_without_copy(error, context, data, bytes.length, 0);
    check('not a readable HEIF file');
    const handleOut = alloc(4);
    heif._heif_context_get_primary_image_handle(error, context, handleOut);
    check('no primary image in this HEIF file');
    const primary = int32(heif, handleOut);
    free.push(() => heif._heif_image_handle_release(primary));
    const width = heif._heif_image_handle_get_width(primary);
    const height = heif._heif_image_handle_get_height(primary);
    if (width * height > options.maxPixels) throw new HeifReadError(`image too large (${width}x${height} pixels)`);

    const thumbnail = largestThumbnail(heif, primary, error, alloc, free);
    const useThumbnail = thumbnail !== undefined && Math.min(thumbnail.width, thumbnail.height) >= options.minThumbnailSide;
    const source = useThumbnail ? thumbnail.handle : primary;
    heif._heif_decode_image(error, source, handleOut, COLORSPACE_RGB, CHROMA_INTERLEAVED_RGB, 0);
    check('cannot decode HEIF image');
    const image = int32(heif, handleOut);
    free.push(() => heif._heif_image_release(image));
    const pixels = copyPlane(heif, image, alloc(4));
    const exif = exifBlock(heif, primary, error, alloc);
    return { width, height, ...pixels, fromThumbnail: useThumbnail, ...(exif ? { exif } : {}) };
  } finally {
    for (const release of free.reverse()) release();
  }
}

function largestThumbnail(
  heif: LibheifWasm,
  primary: number,
  error: number,
  alloc: (size: number) => number,
  free: (() => void)[],
): { handle: number; width: number; height: number } | undefined {
  const count = heif._heif_image_handle_get_number_of_thumbnails(primary);
  if (count <= 0) return undefined;
  const ids = alloc(4 * count);
  const listed = heif._heif_image_handle_get_list_of_thumbnail_IDs(primary, ids, count);
  let best: { handle: number; width: number; height: number } | undefined;
  const handleOut = alloc(4);
  for (let index = 0; index < listed; index++) {
    heif._heif_image_handle_get_thumbnail(error, primary, int32(heif, ids + 4 * index), handleOut);
    // A broken thumbnail is no reason to fail the photo: the primary picture is still there.
    if (int32(heif, error) !== 0) continue;
    const handle = int32(heif, handleOut);
    free.push(() => heif._heif_image_handle_release(handle));
    const width = heif._heif_image_handle_get_width(handle);
    const height = heif._heif_image_handle_get_height(handle);
    if (!best || width * height > best.width * best.height) best = { handle, width, height };
  }
  return best;
}

/** The interleaved RGB plane, copied out of the wasm heap row by row (rows may be padded). */
function copyPlane(heif: LibheifWasm, image: number, strideOut: number): { pixels: Uint8Array; pixelWidth: number; pixelHeight: number } {
  const pixelWidth = heif._heif_image_get_width(image, CHANNEL_INTERLEAVED);
  const pixelHeight = heif._heif_image_get_height(image, CHANNEL_INTERLEAVED);
  const plane = heif._heif_image_get_plane_readonly(image, CHANNEL_INTERLEAVED, strideOut);
  if (plane === 0 || pixelWidth <= 0 || pixelHeight <= 0) throw new HeifReadError('cannot decode HEIF image: no pixels');
  const stride = int32(heif, strideOut);
  const rowBytes = pixelWidth * 3;
  const pixels = new Uint8Array(rowBytes * pixelHeight);
  for (let y = 0; y < pixelHeight; y++) pixels.set(heif.HEAPU8.subarray(plane + y * stride, plane + y * stride + rowBytes), y * rowBytes);
  return { pixels, pixelWidth, pixelHeight };
}

/**
 * The primary image's EXIF, or undefined. HEIF stores it as a 4-byte big-endian offset to the TIFF
 * header, then the block; broken metadata only costs the date and camera, never the photo.
 */
function exifBlock(heif: LibheifWasm, primary: number, error: number, alloc: (size: number) => number): Uint8Array | undefined {
  const filter = alloc(5);
  heif.HEAPU8.set([0x45, 0x78, 0x69, 0x66, 0], filter); // "Exif\0"
  const ids = alloc(4);
  if (heif._heif_image_handle_get_list_of_metadata_block_IDs(primary, filter, ids, 1) < 1) return undefined;
  const id = int32(heif, ids);
  const size = heif._heif_image_handle_get_metadata_size(primary, id);
  if (size <= 4) return undefined;
  const out = alloc(size);
  heif._heif_image_handle_get_metadata(error, primary, id, out);
  if (int32(heif, error) !== 0) return undefined;
  const block = heif.HEAPU8.slice(out, out + size);
  const skip = 4 + new DataView(block.buffer).getUint32(0);
  return skip < size ? block.subarray(skip) : undefined;
}

function int32(heif: LibheifWasm, pointer: number): number {
  return heif.HEAP32[pointer >> 2] ?? 0;
}

function cString(heif: LibheifWasm, pointer: number): string {
  if (pointer === 0) return 'unknown error';
  let end = pointer;
  while (end < heif.HEAPU8.length && heif.HEAPU8[end] !== 0 && end - pointer < 500) end++;
  return Buffer.from(heif.HEAPU8.subarray(pointer, end)).toString('utf8');
}
