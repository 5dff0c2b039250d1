/**
 * A straightened copy: the photo turned a few degrees about its centre (a tilted horizon levelled
 * by a phone's editor) and cropped to the largest centred rectangle of its own shape that the
 * turned photo still fills, then scaled back to its size. On the 32×32 thumbnail a 3° turn moves
 * the corners by a pixel or more, and the cut is about 3 % a side: crop alignment recovers the cut
 * but not the turn, so the pixels and their gradients stop correlating. Making the same edit of one
 * thumbnail lets the pixel check compare like with like.
 */

import { AXIS } from './resample.js';

/**
 * The thumbnail of `thumbnail` (AXIS × AXIS, squashed from a photo of aspect `aspect` = width /
 * height) straightened by `degrees` (counter-clockwise positive), bilinear.
 */
export function straightened(thumbnail: ArrayLike<number>, aspect: number, degrees: number): Uint8Array {
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // Largest centred rectangle of the photo's shape inside the turned photo, as a share of its sides.
  const scale = 1 / (cos + Math.max(aspect, 1 / aspect) * Math.abs(sin));
  const centre = (AXIS - 1) / 2;
  const out = new Uint8Array(AXIS * AXIS);
  for (let y = 0; y < AXIS; y++) {
    for (let x = 0; x < AXIS; x++) {
      // Work in the photo's real proportions (the thumbnail is squashed to a square), x in units of height.
      const u = (x - centre) * aspect * scale;
      const v = (y - centre) * scale;
      const sourceX = (u * cos - v * sin) / aspect + centre;
      const sourceY = u * sin + v * cos + centre;
      out[y * AXIS + x] = Math.round(bilinear(thumbnail, sourceX, sourceY));
    }
  }
  return out;
}

function bilinear(raster: ArrayLike<number>, x: number, y: number): number {
  const clampedX = Math.min(AXIS - 1, Math.max(0, x));
  const clampedY = Math.min(AXIS - 1, Math.max(0, y));
  const x0 = Math.min(AXIS - 2, Math.floor(clampedX));
  const y0 = Math.min(AXIS - 2, Math.floor(clampedY));
  const fx = clampedX - x0;
  const fy = clampedY - y0;
  const at = (col: number, row: number) => raster[row * AXIS + col] as number;
  const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}
