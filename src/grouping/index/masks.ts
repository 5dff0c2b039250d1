/**
 * The xor masks that enumerate every chunk key within a small Hamming radius of another key.
 * Ordered by popcount, so masks for radius t are a prefix of those for t + 1.
 */

const cache = new Map<number, Uint32Array>();

/** Every `width`-bit mask with at most `radius` set bits, fewest bits first. */
export function masksWithin(width: number, radius: number): Uint32Array {
  const r = Math.min(radius, width);
  const key = width * 64 + r;
  const known = cache.get(key);
  if (known) return known;
  const out: number[] = [];
  for (let bits = 0; bits <= r; bits++) pushMasks(out, width, bits, 0, 0);
  const masks = Uint32Array.from(out);
  cache.set(key, masks);
  return masks;
}

/** Appends every mask with exactly `bits` set bits at positions >= `from`, on top of `prefix`. */
function pushMasks(out: number[], width: number, bits: number, from: number, prefix: number): void {
  if (bits === 0) {
    out.push(prefix >>> 0);
    return;
  }
  for (let bit = from; bit <= width - bits; bit++) pushMasks(out, width, bits - 1, bit + 1, (prefix | (1 << bit)) >>> 0);
}
