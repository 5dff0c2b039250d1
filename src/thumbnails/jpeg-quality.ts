/**
 * A JPEG's quality setting, estimated from its luminance quantization table (the DQT segment in the
 * header), the way libjpeg made it: the standard table scaled by 5000/q (q < 50) or 200 − 2q. A
 * re-save at quality 60 shows as 60 whatever its file size. Reading the header costs one small read.
 */

import { open } from 'node:fs/promises';

/** The IJG standard luminance table (JPEG Annex K), in natural order (the average ignores order). */
const STANDARD_LUMINANCE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
  18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const STANDARD_SUM = STANDARD_LUMINANCE.reduce((sum, value) => sum + value, 0);

/** Enough for the DQT behind the EXIF, XMP and ICC segments of a camera file; a longer header is read on. */
const HEAD_BYTES = 128 * 1024;
const MAX_HEAD_BYTES = 4 * 1024 * 1024;

/** Quality 1–100 from a JPEG's first bytes, or undefined when no luminance table is found there. */
export function jpegQuality(bytes: Buffer): number | undefined {
  const table = luminanceTable(bytes);
  if (!table) return undefined;
  const sum = table.reduce((total, value) => total + value, 0);
  // The mean scale factor (in %) of the file's table against the standard one.
  const scale = (sum * 100) / STANDARD_SUM;
  const quality = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
  return Math.max(1, Math.min(100, Math.round(quality)));
}

/** The same, reading only the header of a file (the part before the first scan). */
export async function jpegQualityOfFile(file: string): Promise<number | undefined> {
  const handle = await open(file, 'r');
  try {
    let length = HEAD_BYTES;
    for (;;) {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      const head = buffer.subarray(0, bytesRead);
      if (luminanceTable(head) || bytesRead < length || length >= MAX_HEAD_BYTES) return jpegQuality(head);
      length *= 4;
    }
  } finally {
    await handle.close();
  }
}

/** Table 0 of the first DQT segment, its 64 values; stops at the first scan (SOS) or at the end of the bytes. */
function luminanceTable(bytes: Buffer): number[] | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] as number;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    const length = bytes.readUInt16BE(at + 2);
    const end = at + 2 + length;
    if (marker === 0xdb) return firstTable(bytes.subarray(at + 4, Math.min(end, bytes.length)));
    at = end;
  }
  return undefined;
}

/** The segment holds tables of (precision/id byte, 64 values of 8 or 16 bits); table id 0 is luminance. */
function firstTable(segment: Buffer): number[] | undefined {
  let at = 0;
  while (at < segment.length) {
    const info = segment[at] as number;
    const wide = info >> 4 === 1;
    const size = 64 * (wide ? 2 : 1);
    if (at + 1 + size > segment.length) return undefined;
    const values = Array.from({ length: 64 }, (_, k) => (wide ? segment.readUInt16BE(at + 1 + 2 * k) : (segment[at + 1 + k] as number)));
    if ((info & 0x0f) === 0) return values;
    at += 1 + size;
  }
  return undefined;
}
