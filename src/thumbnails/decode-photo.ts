/**
 * Which decoder a photo needs, by its content: sharp for what it decodes (JPEG, PNG, WebP, TIFF,
 * AVIF, GIF), libheif in worker threads for HEIC/HEIF, and a RAW file's own embedded JPEG preview
 * for camera RAW (no RAW developing). Every path ends in the same hash input and photo metadata.
 */

import sharp from 'sharp';
import type { ImageFormat, PhotoMeta } from '../core/photo.js';
import { sniffFormat } from '../core/image-format.js';
import { decodeColourWithHeader, decodeJpegFile, decodeWithHeader, hashInputFromPixels, MAX_INPUT_PIXELS, MIN_EMBEDDED_SIDE, uprightResize, type GreyRaster, type HashInput, type ImageInput } from './hash-input.js';
import { metaFromExif, photoMetaOf } from './image-metadata.js';
import { readJpegHeader } from './jpeg-header.js';
import { jpegQuality, jpegQualityOfFile } from './jpeg-quality.js';
import { decodeHeif } from './heif/heif-decoder.js';
import { extractRawPreview } from './raw/raw-preview.js';

export interface DecodedPhoto {
  input: HashInput;
  /** The 64×64 grey raster the hash input is made from (the best-photo look reads it). */
  grey: GreyRaster;
  /** What the file itself says: displayed size, format, date and camera. */
  meta: Partial<PhotoMeta>;
  /** Colour channels the picture was stored with (1 or 2: greyscale), when the decoder says. */
  channels: number | undefined;
  /** The picture's chroma (PhotoLook.chroma), when it was asked for and the decoder measured it. */
  chroma?: number;
}

export interface DecodeOptions {
  /** Measure the chroma in the same decode (a server thumbnail: see decodeColourWithHeader). */
  chroma?: boolean;
  /**
   * Read a JPEG's quality from its quantization table into `meta.jpegQuality` (an original's: a
   * server's thumbnail says nothing of its original's quality).
   */
  quality?: boolean;
}

/** Formats decoded from the file's bytes (read whole), not handed to sharp by path. */
export function decodesFromBytes(format: ImageFormat | 'unknown'): boolean {
  return format === 'heic' || format === 'raw';
}

/** Content decides; `claimed` (from the file name) only tells a TIFF-based RAW file from a TIFF image. */
export async function decodePhoto(image: ImageInput, claimed: ImageFormat | 'unknown', options: DecodeOptions = {}): Promise<DecodedPhoto> {
  const decoded = await decodeAny(image, claimed, options);
  if (options.quality === true && decoded.meta.format === 'jpeg' && decoded.meta.jpegQuality === undefined) {
    const quality = await qualityOf(image);
    if (quality !== undefined) decoded.meta.jpegQuality = quality;
  }
  return decoded;
}

async function decodeAny(image: ImageInput, claimed: ImageFormat | 'unknown', options: DecodeOptions): Promise<DecodedPhoto> {
  if (typeof image === 'string' && claimed === 'jpeg') {
    // A camera's JPEG: its header read once, for the size, orientation, EXIF and quality.
    const header = readJpegHeader(image);
    if (header) {
      const { input, grey } = await decodeJpegFile(image, header);
      const meta = photoMetaOf({ ...header, format: 'jpeg' });
      if (options.quality === true && header.quality !== undefined) meta.jpegQuality = header.quality;
      return { input, grey, meta, channels: header.channels };
    }
  }
  if (typeof image !== 'string') {
    const sniffed = sniffFormat(image);
    if (sniffed === 'heic') return decodeHeifPhoto(image);
    if (isRaw(sniffed, claimed)) return decodeRawPhoto(image);
    if (options.chroma === true) {
      const { input, grey, header, chroma } = await decodeColourWithHeader(image);
      // A plain WebP says nothing beyond its size (no EXIF): that is all its metadata.
      const meta: Partial<PhotoMeta> = header ? photoMetaOf(header) : { width: input.sourceWidth, height: input.sourceHeight, orientation: 1, format: 'webp' };
      return { input, grey, meta, channels: header?.channels, chroma };
    }
  }
  const { input, grey, header } = await decodeWithHeader(image);
  return { input, grey, meta: photoMetaOf(header), channels: header.channels };
}

/** A JPEG's quality; optional: a header that cannot be read again leaves it unknown. */
async function qualityOf(image: ImageInput): Promise<number | undefined> {
  try {
    return typeof image === 'string' ? await jpegQualityOfFile(image) : jpegQuality(image);
  } catch {
    return undefined;
  }
}

/** RAW by its magic, or named RAW with a TIFF structure or a header of its own (not a JPEG named .NEF). */
function isRaw(sniffed: ImageFormat | undefined, claimed: ImageFormat | 'unknown'): boolean {
  return sniffed === 'raw' || (claimed === 'raw' && (sniffed === undefined || sniffed === 'tiff'));
}

/** Longest side of a preview made for a report: the contact sheet shows 160 px. */
const PREVIEW_SIDE = 320;

/**
 * Bytes a report can show for a photo: a small upright WebP for HEIC (which browsers and sharp
 * cannot read) and RAW (its preview, turned as the RAW file says); any other image as it is.
 */
export async function viewableImage(bytes: Buffer, claimed: ImageFormat | 'unknown'): Promise<Buffer> {
  const sniffed = sniffFormat(bytes);
  if (sniffed === 'heic') {
    const picture = await decodeHeif(bytes, { minThumbnailSide: MIN_EMBEDDED_SIDE, maxPixels: MAX_INPUT_PIXELS });
    const raw = { width: picture.pixelWidth, height: picture.pixelHeight, channels: 3 as const };
    return sharp(picture.pixels, { raw }).resize(PREVIEW_SIDE, PREVIEW_SIDE, { fit: 'inside', withoutEnlargement: true }).webp().toBuffer();
  }
  if (isRaw(sniffed, claimed)) {
    const preview = extractRawPreview(bytes);
    const upright = uprightResize(() => sharp(preview.jpeg, { failOn: 'none' }), preview.orientation);
    return upright((pipeline) => pipeline.resize(PREVIEW_SIDE, PREVIEW_SIDE, { fit: 'inside', withoutEnlargement: true })).webp().toBuffer();
  }
  return bytes;
}

async function decodeHeifPhoto(bytes: Buffer): Promise<DecodedPhoto> {
  const picture = await decodeHeif(bytes, { minThumbnailSide: MIN_EMBEDDED_SIDE, maxPixels: MAX_INPUT_PIXELS });
  const { width, height } = picture;
  const { input, grey } = await hashInputFromPixels({ data: picture.pixels, width: picture.pixelWidth, height: picture.pixelHeight, channels: 3 }, { width, height });
  // libheif turned the pixels as `irot`/`imir` say, as viewers do; HEIF's EXIF orientation only
  // repeats that turn (an iPhone writes both), so it is not applied a second time: stored as 1.
  const meta: Partial<PhotoMeta> = { width, height, orientation: 1, format: 'heic' };
  if (picture.exif) Object.assign(meta, metaFromExif(Buffer.from(picture.exif.buffer, picture.exif.byteOffset, picture.exif.byteLength)));
  return { input, grey, meta, channels: 3 };
}

async function decodeRawPhoto(bytes: Buffer): Promise<DecodedPhoto> {
  const preview = extractRawPreview(bytes);
  const { input, grey, header } = await decodeWithHeader(preview.jpeg, preview.orientation);
  // The preview's size is the picture's, turned as the RAW file says; its date and camera win over the preview's EXIF.
  const meta = { ...photoMetaOf({ ...header, orientation: preview.orientation ?? header.orientation }), ...preview.meta, format: 'raw' as const };
  return { input, grey, meta, channels: header.channels };
}
