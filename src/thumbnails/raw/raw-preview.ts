/**
 * The full-size JPEG preview every major camera embeds in its RAW files: what a RAW photo is hashed
 * from (no RAW developing). Found where each container keeps it: TIFF directories (DNG, NEF, CR2,
 * ARW, ORF, RW2, PEF), the ISO-BMFF tracks of CR3, the header of RAF; the largest picture wins.
 * A preview kept elsewhere (inside a maker note, as ORF and PEF may do) is found by its markers.
 */

import type { PhotoMeta } from '../../core/photo.js';
import { PhotoUnreadableError } from '../../core/errors.js';
import { MIN_EMBEDDED_SIDE } from '../hash-input.js';
import { metaFromExif } from '../image-metadata.js';
import { jpegStreamAt, type JpegStream } from './jpeg-stream.js';
import { TiffReader } from './tiff-ifd.js';
import { cr3Contents } from './cr3-boxes.js';

export interface RawPreview {
  jpeg: Buffer;
  /** The RAW file's EXIF orientation, which applies to its preview; undefined: the preview's own. */
  orientation?: number;
  /** Date and camera from the RAW file's own metadata. */
  meta: Partial<PhotoMeta>;
  /** Named by the container's structure, or found by its JPEG markers (a maker note's preview). */
  foundBy: 'structure' | 'markers';
}

const RAF_MAGIC = 'FUJIFILMCCD-RAW';
/** JPEG markers to try when the structure names no preview: enough for any real file, bounded for a hostile one. */
const MAX_SCANNED_STARTS = 256;

export function extractRawPreview(bytes: Buffer): RawPreview {
  const container = readContainer(bytes);
  const named = largest(container.candidates);
  const preview = named ?? largest(scanForJpegs(bytes));
  if (!preview) throw new PhotoUnreadableError('no preview in this RAW file');
  return {
    jpeg: bytes.subarray(preview.offset, preview.offset + preview.length),
    ...(container.orientation !== undefined ? { orientation: container.orientation } : {}),
    meta: container.meta,
    foundBy: named ? 'structure' : 'markers',
  };
}

interface Container {
  candidates: JpegStream[];
  orientation?: number;
  meta: Partial<PhotoMeta>;
}

function readContainer(bytes: Buffer): Container {
  if (bytes.toString('latin1', 0, RAF_MAGIC.length) === RAF_MAGIC) return readRaf(bytes);
  if (bytes.toString('latin1', 4, 8) === 'ftyp' && bytes.toString('latin1', 8, 12) === 'crx ') return readCr3(bytes);
  const order = bytes.toString('latin1', 0, 2);
  if (order === 'II' || order === 'MM') return readTiffBased(bytes);
  throw new PhotoUnreadableError('not a valid RAW file (unrecognised content)');
}

/** RAF: a header naming the offset and length of a whole JPEG (with its own EXIF), big-endian. */
function readRaf(bytes: Buffer): Container {
  if (bytes.length < 92) return { candidates: [], meta: {} };
  const stream = jpegStreamAt(bytes, bytes.readUInt32BE(84), bytes.readUInt32BE(88));
  return { candidates: stream ? [stream] : [], meta: {} };
}

/** CR3: the full-size JPEG is the first track's sample; CMT1 and CMT2 are TIFF-structured metadata. */
function readCr3(bytes: Buffer): Container {
  const contents = cr3Contents(bytes);
  const candidates = contents.samples.flatMap(({ offset, size }) => jpegStreamAt(bytes, offset, size) ?? []);
  const meta: Partial<PhotoMeta> = {};
  let orientation: number | undefined;
  if (contents.cmt1) {
    Object.assign(meta, metaFromExif(contents.cmt1));
    orientation = orientationOf(new TiffReader(contents.cmt1));
  }
  if (contents.cmt2) {
    const { takenAt } = metaFromExif(contents.cmt2);
    if (takenAt) meta.takenAt = takenAt;
  }
  return { candidates, meta, ...(orientation !== undefined ? { orientation } : {}) };
}

/**
 * TIFF-based RAW: JPEGs named by JPEGInterchangeFormat (0x201/0x202), by a single JPEG-compressed
 * strip (0x111/0x117 with compression 6 or 7), or by Panasonic's JpgFromRaw (0x2e).
 */
function readTiffBased(bytes: Buffer): Container {
  const tiff = new TiffReader(bytes);
  const candidates: JpegStream[] = [];
  for (const entries of tiff.allDirectories()) {
    const [start] = tiff.numbers(entries.get(0x0201), 1);
    const [length] = tiff.numbers(entries.get(0x0202), 1);
    if (start !== undefined && length !== undefined) candidates.push(...optional(jpegStreamAt(bytes, start, length)));
    const [compression] = tiff.numbers(entries.get(0x0103), 1);
    const strips = tiff.numbers(entries.get(0x0111), 2);
    const [stripBytes] = tiff.numbers(entries.get(0x0117), 1);
    if ((compression === 6 || compression === 7) && strips.length === 1 && stripBytes !== undefined) {
      candidates.push(...optional(jpegStreamAt(bytes, strips[0] as number, stripBytes)));
    }
    const embedded = entries.get(0x002e);
    if (embedded && embedded.type === 7) candidates.push(...optional(jpegStreamAt(bytes, embedded.valueAt, embedded.count)));
  }
  return { candidates, meta: metaFromExif(asPlainTiff(bytes)), ...optionalOrientation(orientationOf(tiff)) };
}

function orientationOf(tiff: TiffReader): number | undefined {
  const [orientation] = tiff.numbers(tiff.directory(tiff.firstDirectory()).entries.get(0x0112), 1);
  return orientation !== undefined && orientation >= 1 && orientation <= 8 ? orientation : undefined;
}

/** ORF ("IIRO") and RW2 ("IIU\0") are TIFF with their own magic number, which EXIF readers refuse. */
function asPlainTiff(bytes: Buffer): Buffer {
  const little = bytes[0] === 0x49;
  if (bytes.length < 8 || (little ? bytes.readUInt16LE(2) : bytes.readUInt16BE(2)) === 0x2a) return bytes;
  const copy = Buffer.from(bytes);
  if (little) copy.writeUInt16LE(0x2a, 2);
  else copy.writeUInt16BE(0x2a, 2);
  return copy;
}

/** Every JPEG picture in the file found by its markers (SOI, frame header), for previews no directory names. */
function scanForJpegs(bytes: Buffer): JpegStream[] {
  const found: JpegStream[] = [];
  const start = Buffer.from([0xff, 0xd8, 0xff]);
  let at = bytes.indexOf(start, 0);
  for (let tried = 0; at >= 0 && tried < MAX_SCANNED_STARTS; tried++) {
    const stream = jpegStreamAt(bytes, at);
    if (stream) found.push(stream);
    at = bytes.indexOf(start, stream ? stream.offset + stream.length : at + 2);
  }
  return found;
}

function largest(streams: readonly JpegStream[]): JpegStream | undefined {
  let best: JpegStream | undefined;
  for (const stream of streams) {
    if (Math.min(stream.width, stream.height) < MIN_EMBEDDED_SIDE) continue;
    if (!best || stream.width * stream.height > best.width * best.height) best = stream;
  }
  return best;
}

function optional<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

function optionalOrientation(orientation: number | undefined): { orientation?: number } {
  return orientation === undefined ? {} : { orientation };
}
