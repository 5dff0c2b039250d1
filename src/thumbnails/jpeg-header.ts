/**
 * What a local JPEG's header says, read once: its stored size, colour components, EXIF (for the
 * orientation, date and camera) and, from the same bytes, its quality (jpeg-quality.ts). sharp's
 * own `metadata()` opened and parsed the file a second time for the size and orientation, and the
 * quality a third: ~1 ms of a 12 MP photo's ~45 ms of CPU when hashing cold (the decode itself is
 * the rest). A header this cannot read plainly (no frame header before the scan, two EXIF blocks,
 * EXIF exif-reader refuses) is left to sharp: the answer is then sharp's, as before.
 */

import { closeSync, openSync, readSync } from 'node:fs';
import exifReader from 'exif-reader';
import { jpegQuality } from './jpeg-quality.js';

export interface JpegHeader {
  /** Stored size, before the EXIF orientation turns it. */
  width: number;
  height: number;
  /** Colour components of the frame: 1 for a greyscale JPEG, 3 (YCbCr), 4 (CMYK). */
  channels: number;
  /** EXIF orientation 1–8: 1 without one or with a value out of that range (as libvips reads it for sharp). */
  orientation: number;
  /** The EXIF block as sharp hands it over (`Exif\0\0` and its TIFF structure). */
  exif?: Buffer;
  /** Quality 1–100 from the luminance quantization table, when the header has one. */
  quality?: number;
}

/** A first read covers a camera's EXIF (with its embedded thumbnail) and tables; a longer header is read on. */
const FIRST_READ = 64 * 1024;
const MAX_HEADER_BYTES = 4 * 1024 * 1024;

const SOI = 0xd8;
const SOS = 0xda;
const EOI = 0xd9;
const APP1 = 0xe1;
const EXIF_ID = 'Exif\0\0';

/**
 * The header of a JPEG file, or undefined when it is not a JPEG this module reads plainly. Read
 * synchronously: a few kilobytes from the page cache take ~20 µs so, against ~200 µs of CPU for
 * the three round trips through libuv's thread pool (open, read, close) that the promise API makes.
 */
export function readJpegHeader(file: string): JpegHeader | undefined {
  const descriptor = openSync(file, 'r');
  try {
    for (let length = FIRST_READ; ; length *= 4) {
      const buffer = Buffer.allocUnsafe(length);
      const bytesRead = readSync(descriptor, buffer, 0, length, 0);
      const parsed = parseJpegHeader(buffer.subarray(0, bytesRead));
      if (parsed !== 'more' || bytesRead < length || length >= MAX_HEADER_BYTES) return parsed === 'more' ? undefined : parsed;
    }
  } finally {
    closeSync(descriptor);
  }
}

/** The header from a JPEG's first bytes; 'more' when they end before its first scan. */
export function parseJpegHeader(bytes: Buffer): JpegHeader | undefined | 'more' {
  if (bytes.length < 4) return 'more';
  if (bytes[0] !== 0xff || bytes[1] !== SOI) return undefined;
  let frame: Pick<JpegHeader, 'width' | 'height' | 'channels'> | undefined;
  let exif: Buffer | undefined;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] as number;
    // Fill bytes before a marker.
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === EOI) return undefined;
    if (marker === SOS) return frame && withExif(frame, exif, jpegQuality(bytes.subarray(0, at)));
    const end = at + 2 + bytes.readUInt16BE(at + 2);
    if (end > bytes.length) return 'more';
    if (isFrameHeader(marker)) {
      if (frame || end - at < 10) return undefined;
      frame = { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7), channels: bytes[at + 9] as number };
      // A height of 0 is given later (DNL): sharp's reading is needed.
      if (frame.width === 0 || frame.height === 0) return undefined;
    } else if (marker === APP1 && bytes.toString('latin1', at + 4, at + 10) === EXIF_ID) {
      // Two EXIF blocks: which one a decoder believes is its own affair.
      if (exif) return undefined;
      exif = bytes.subarray(at + 4, end);
    }
    at = end;
  }
  return 'more';
}

/** SOF0–SOF15, less DHT (C4), JPG (C8) and DAC (CC), which share the range. */
function isFrameHeader(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function withExif(frame: Pick<JpegHeader, 'width' | 'height' | 'channels'>, exif: Buffer | undefined, quality: number | undefined): JpegHeader | undefined {
  let orientation = 1;
  if (exif) {
    let tags: ReturnType<typeof exifReader>;
    try {
      tags = exifReader(exif);
    } catch {
      return undefined;
    }
    const stated = tags.Image?.Orientation;
    if (typeof stated === 'number' && Number.isInteger(stated) && stated >= 1 && stated <= 8) orientation = stated;
  }
  return { ...frame, orientation, ...(exif ? { exif } : {}), ...(quality !== undefined ? { quality } : {}) };
}
