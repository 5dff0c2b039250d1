/**
 * The 8 symmetries of the square applied to a row-major raster. Transform t: bit 2 swaps axes
 * (transpose), then bit 0 mirrors x and bit 1 mirrors y of the source. Variant t of a fingerprint is
 * the hash of the thumbnail under transform t, so a rotated or mirrored copy matches some variant.
 */

/** How many transforms there are, hence orientation variants per fingerprint. */
export const TRANSFORMS = 8;

export interface Raster {
  width: number;
  height: number;
  data: Uint8Array;
}

export function dihedral(raster: Raster, transform: number): Raster {
  const { width, height, data } = raster;
  const swap = transform >= 4;
  const outWidth = swap ? height : width;
  const outHeight = swap ? width : height;
  const out = new Uint8Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let sx = swap ? y : x;
      let sy = swap ? x : y;
      if (transform & 1) sx = width - 1 - sx;
      if (transform & 2) sy = height - 1 - sy;
      out[y * outWidth + x] = data[sy * width + sx] ?? 0;
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}
