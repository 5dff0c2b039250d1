/**
 * Bit counting on 32-bit halves. BigInt arithmetic is far too slow for the hot loops, so every
 * 64-bit hash travels as two uint32 numbers (`hi` = bits 32..63, `lo` = bits 0..31).
 */

/** Number of set bits in a 32-bit value (SWAR; V8 inlines it). */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hamming distance between two 64-bit values given as xor-ed halves (`hi ^ hi'`, `lo ^ lo'`). */
export function popcount64(xHi: number, xLo: number): number {
  // Count both halves to 4-bit fields, add them there (each field <= 8), then finish once.
  xHi -= (xHi >>> 1) & 0x55555555;
  xLo -= (xLo >>> 1) & 0x55555555;
  xHi = (xHi & 0x33333333) + ((xHi >>> 2) & 0x33333333);
  xLo = (xLo & 0x33333333) + ((xLo >>> 2) & 0x33333333);
  let x = xHi + xLo;
  x = (x & 0x0f0f0f0f) + ((x >>> 4) & 0x0f0f0f0f);
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Splits 64-bit hashes into their uint32 halves. */
export function splitHashes(hashes: BigUint64Array): { hi: Uint32Array; lo: Uint32Array } {
  const hi = new Uint32Array(hashes.length);
  const lo = new Uint32Array(hashes.length);
  // Little-endian view of the same bytes: word 2i is the low half of hash i on every platform Node runs on
  // except big-endian ones, which we check for instead of assuming.
  const words = new Uint32Array(hashes.buffer, hashes.byteOffset, hashes.length * 2);
  if (LITTLE_ENDIAN) {
    for (let i = 0; i < hashes.length; i++) {
      lo[i] = words[2 * i] as number;
      hi[i] = words[2 * i + 1] as number;
    }
  } else {
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i] as bigint;
      hi[i] = Number(h >> 32n);
      lo[i] = Number(h & 0xffffffffn);
    }
  }
  return { hi, lo };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
