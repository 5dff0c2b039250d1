/**
 * Checks that bytes inside a RAW file are a JPEG sharp can decode, and reads its pixel size from
 * the frame header: a RAW file holds several JPEG streams (thumbnail, preview, sometimes the raw
 * data itself as lossless JPEG, which is sensor data and not a picture).
 */

export interface JpegStream {
  offset: number;
  length: number;
  width: number;
  height: number;
}

/** Frame types of pictures (baseline, extended, progressive); lossless (SOF3) is raw sensor data. */
const PICTURE_FRAMES = new Set([0xc0, 0xc1, 0xc2]);

/**
 * The JPEG stream starting at `offset`, or undefined when there is none there. `length` bounds the
 * stream when the container says it; without it the end is found at the EOI marker.
 */
export function jpegStreamAt(bytes: Uint8Array, offset: number, length?: number): JpegStream | undefined {
  const end = length === undefined ? bytes.length : Math.min(bytes.length, offset + length);
  if (offset < 0 || offset + 4 > end || bytes[offset] !== 0xff || bytes[offset + 1] !== 0xd8) return undefined;
  let at = offset + 2;
  let size: { width: number; height: number } | undefined;
  while (at + 4 <= end) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const segment = ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
    if (segment < 2) return undefined;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (!PICTURE_FRAMES.has(marker) || at + 9 > end) return undefined;
      size = { height: ((bytes[at + 5] ?? 0) << 8) | (bytes[at + 6] ?? 0), width: ((bytes[at + 7] ?? 0) << 8) | (bytes[at + 8] ?? 0) };
    }
    if (marker === 0xda) {
      if (!size || size.width === 0 || size.height === 0) return undefined;
      const streamEnd = length === undefined ? endOfImage(bytes, at + 2 + segment) : end;
      return streamEnd === undefined ? undefined : { offset, length: streamEnd - offset, ...size };
    }
    at += 2 + segment;
  }
  return undefined;
}

const EOI = Buffer.from([0xff, 0xd9]);

/** Just past the EOI marker (entropy-coded data escapes 0xFF, so the first FF D9 is the end). */
function endOfImage(bytes: Uint8Array, from: number): number | undefined {
  const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(EOI, from);
  return at < 0 ? undefined : at + 2;
}
