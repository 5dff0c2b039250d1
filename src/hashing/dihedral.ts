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
  const out = new Uint8Array(width * height);
  if (width === height) {
    // A thumbnail: by the square's table (see turnSquare).
    const from = turnTable(width, transform);
    for (let k = 0; k < out.length; k++) out[k] = data[from[k] ?? 0] ?? 0;
  } else transformInto(data, width, height, transform, out);
  return { width: swap ? height : width, height: swap ? width : height, data: out };
}

/** A square of `side` × `side` values (a 32×32 part of an alignment) under transform t, into `out` (a new array when none is given). */
export function turnSquare(values: Float64Array, side: number, transform: number, out: Float64Array = new Float64Array(side * side)): Float64Array {
  // By a table of where each value comes from: a group's best photo turns thousands of parts and
  // thumbnails, and the shared loop, which meets bytes, floats and indices, was slow on each.
  const from = turnTable(side, transform);
  for (let k = 0; k < side * side; k++) out[k] = values[from[k] ?? 0] ?? 0;
  return out;
}

const turnTables = new Map<number, Int32Array>();

/** For each index of a `side` × `side` square under transform t, the index it comes from. */
export function turnTable(side: number, transform: number): Int32Array {
  const key = side * TRANSFORMS + transform;
  let table = turnTables.get(key);
  if (!table) {
    const indices = Int32Array.from({ length: side * side }, (_, k) => k);
    const turned = new Int32Array(side * side);
    transformInto(indices, side, side, transform, turned);
    table = turned;
    turnTables.set(key, table);
  }
  return table;
}

/** The transform that undoes t: mirrors and transposes undo themselves, the two quarter turns undo each other. */
export function inverseTransform(transform: number): number {
  return INVERSES[transform] ?? transform;
}

function transformInto(data: ArrayLike<number>, width: number, height: number, transform: number, out: { [index: number]: number }): void {
  const swap = transform >= 4;
  const outWidth = swap ? height : width;
  const outHeight = swap ? width : height;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let sx = swap ? y : x;
      let sy = swap ? x : y;
      if (transform & 1) sx = width - 1 - sx;
      if (transform & 2) sy = height - 1 - sy;
      out[y * outWidth + x] = data[sy * width + sx] ?? 0;
    }
  }
}

/** Found by trying: the transform u with u(t(r)) = r for a raster r whose values all differ. */
const INVERSES = Array.from({ length: TRANSFORMS }, (_, transform) => {
  const probe = { width: 3, height: 2, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
  const turned = dihedral(probe, transform);
  return Array.from({ length: TRANSFORMS }, (_, undo) => undo).find((undo) => dihedral(turned, undo).data.join() === probe.data.join()) ?? transform;
});
