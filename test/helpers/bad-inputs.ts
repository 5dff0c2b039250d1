/**
 * A corpus of hostile and odd files for a photo folder, generated with sharp and by hand so the
 * tests need no binary fixtures: truncated and corrupt images of every decodable format, empty
 * files, decompression bombs, huge and broken EXIF, wrong extensions, and names that are hard to
 * handle (newlines, invalid UTF-8 bytes, a leading dash, 250 bytes long).
 */

import { deflateSync } from 'node:zlib';
import { mulberry32 } from './random.js';
import { sceneRaw } from './images.js';

export interface BadInput {
  /** File name, a Buffer when it is not valid UTF-8. */
  name: string | Buffer;
  bytes: Buffer;
  /**
   * `skipped`: must be in the report's skipped list with a reason matching `reason`.
   * `hashed`: must be hashed like any photo (the oddity is harmless).
   * `either`: damaged in a way a decoder may or may not tolerate; either way it is accounted for.
   * `ignored`: not a photo at all: neither hashed nor skipped, only counted in `stats.ignored`.
   */
  expect: 'skipped' | 'hashed' | 'either' | 'ignored';
  reason?: RegExp;
  what: string;
}

export const FORMATS = ['jpeg', 'png', 'webp', 'gif', 'tiff'] as const;
export type Format = (typeof FORMATS)[number];
const EXTENSION: Record<Format, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tiff' };

/** One real small image of each format, all of the same seeded scene. */
export async function realImages(seed = 5, width = 160, height = 120): Promise<Record<Format, Buffer>> {
  const encode = async (format: Format) => (await sceneRaw({ seed, width, height })).toFormat(format).toBuffer();
  const entries = await Promise.all(FORMATS.map(async (format) => [format, await encode(format)] as const));
  return Object.fromEntries(entries) as Record<Format, Buffer>;
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header claiming `side` x `side` grey pixels (900 MP at 30000), a few hundred bytes on disk. */
export function pngBomb(side = 30_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    // Rows of zeros compress ~1000:1: the first rows of the image, enough to start decoding.
    pngChunk('IDAT', deflateSync(Buffer.alloc((side + 1) * 16))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A GIF whose screen and frame claim 65535 x 65535 pixels (4.3 GP), with one tiny LZW block. */
export function gifBomb(): Buffer {
  const screen = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x80, 0, 0]); // 65535 x 65535, 2-colour table
  const palette = Buffer.from([0, 0, 0, 255, 255, 255]);
  const frame = Buffer.from([0x2c, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0]);
  const data = Buffer.from([0x02, 0x02, 0x44, 0x01, 0x00]); // min code size 2, one block, terminator
  return Buffer.concat([Buffer.from('GIF89a', 'ascii'), screen, palette, frame, data, Buffer.from([0x3b])]);
}

/** A JPEG carrying an EXIF block near the 64 KiB segment limit (a 60,000-character description). */
export async function hugeExifJpeg(seed = 6): Promise<Buffer> {
  const description = 'x'.repeat(60_000);
  return (await sceneRaw({ seed, width: 160, height: 120 })).withExif({ IFD0: { ImageDescription: description, Make: 'Huge', Model: 'Exif' } }).jpeg().toBuffer();
}

/**
 * A JPEG whose APP1 EXIF block lies: an IFD claiming 65535 entries, each pointing far outside the
 * block, with counts of 2^32-1. Readers that trust it would allocate gigabytes or read past the end.
 */
export function lyingExifJpeg(jpeg: Buffer): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 * 8);
  tiff.write('II*\0', 0, 'latin1');
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(0xffff, 8);
  for (let entry = 0; entry < 8; entry++) {
    const at = 10 + entry * 12;
    tiff.writeUInt16LE(0x010e + entry, at); // ImageDescription, Make, Model, ...
    tiff.writeUInt16LE(2, at + 2); // ASCII
    tiff.writeUInt32LE(0xffffffff, at + 4);
    tiff.writeUInt32LE(0x7ffffff0, at + 8);
  }
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), segment, payload, jpeg.subarray(2)]);
}

/** Overwrites the middle of a file with seeded noise, keeping the header so it still looks like its format. */
function corruptMiddle(bytes: Buffer, seed: number): Buffer {
  const random = mulberry32(seed);
  const out = Buffer.from(bytes);
  const start = Math.min(64, Math.floor(out.length / 4));
  for (let i = start; i < out.length - 16; i++) out[i] = Math.floor(random() * 256);
  return out;
}

export async function badInputCorpus(): Promise<BadInput[]> {
  const images = await realImages();
  const corpus: BadInput[] = [];
  for (const [index, format] of FORMATS.entries()) {
    const bytes = images[format];
    const ext = EXTENSION[format];
    corpus.push(
      { name: `truncated-header.${ext}`, bytes: bytes.subarray(0, 24), expect: 'skipped', reason: /./, what: `${format} cut after 24 bytes` },
      { name: `truncated-half.${ext}`, bytes: bytes.subarray(0, Math.floor(bytes.length / 2)), expect: 'either', what: `${format} cut in half` },
      { name: `truncated-last-byte.${ext}`, bytes: bytes.subarray(0, bytes.length - 1), expect: 'either', what: `${format} missing its last byte` },
      { name: `corrupt-body.${ext}`, bytes: corruptMiddle(bytes, 100 + index), expect: 'either', what: `${format} with noise over its body` },
      { name: `empty.${ext}`, bytes: Buffer.alloc(0), expect: 'skipped', reason: /empty file/, what: `zero-byte .${ext}` },
    );
  }
  const jpeg = images.jpeg;
  corpus.push(
    { name: 'empty-no-extension', bytes: Buffer.alloc(0), expect: 'ignored', what: 'zero-byte file without extension (nothing says it is a photo)' },
    { name: 'bomb.png', bytes: pngBomb(), expect: 'skipped', reason: /pixel limit/, what: '30000x30000 PNG of a few hundred bytes' },
    { name: 'bomb.gif', bytes: gifBomb(), expect: 'skipped', reason: /pixel limit/, what: '65535x65535 GIF of a few dozen bytes' },
    { name: 'huge-exif.jpg', bytes: await hugeExifJpeg(), expect: 'hashed', what: 'JPEG with a 60 KB EXIF description' },
    { name: 'lying-exif.jpg', bytes: lyingExifJpeg(jpeg), expect: 'hashed', what: 'JPEG whose EXIF claims 65535 entries of 4 GB each' },
    { name: 'png-named.jpg', bytes: images.png, expect: 'hashed', what: 'a PNG named .jpg' },
    { name: 'jpeg-named.gif', bytes: jpeg, expect: 'hashed', what: 'a JPEG named .gif' },
    { name: 'jpeg-named.txt', bytes: jpeg, expect: 'hashed', what: 'a JPEG named .txt (recognised by content)' },
    { name: 'text.jpg', bytes: Buffer.from('this is not a photo\n'), expect: 'skipped', reason: /not a valid JPEG/, what: 'text named .jpg' },
    { name: 'html.webp', bytes: Buffer.from('<html><body>404</body></html>'), expect: 'skipped', reason: /not a valid WEBP/, what: 'HTML named .webp' },
    { name: 'notes.txt', bytes: Buffer.from('shopping list\n'), expect: 'ignored', what: 'a text file' },
    { name: 'IMG_0001.xmp', bytes: Buffer.from('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'), expect: 'ignored', what: 'an XMP sidecar' },
    { name: 'IMG_0001.jpg.json', bytes: Buffer.from('{"title":"IMG_0001.jpg"}'), expect: 'ignored', what: 'a Google Takeout sidecar' },
    { name: 'clip.mp4', bytes: Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom\0\0\0\0isommp42')]), expect: 'ignored', what: 'a video without a photo of its name' },
    { name: 'line\nbreak.jpg', bytes: jpeg, expect: 'hashed', what: 'newline in the name' },
    { name: 'tab\tand\rreturn.png', bytes: images.png, expect: 'hashed', what: 'tab and carriage return in the name' },
    { name: '-rf.jpg', bytes: jpeg, expect: 'hashed', what: 'name starting with a dash' },
    { name: `${'long-'.repeat(49)}.jpg`, bytes: jpeg, expect: 'hashed', what: '249-byte name' },
    { name: Buffer.concat([Buffer.from('bad-'), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('.jpg')]), bytes: jpeg, expect: 'skipped', reason: /UTF-8/, what: 'name with invalid UTF-8 bytes' },
  );
  return corpus;
}
