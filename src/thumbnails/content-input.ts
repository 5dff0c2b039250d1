/**
 * The hash input of the photo inside bars (a letterbox, a frame, a screenshot's system bars), made
 * the way the whole image's is: a 64×64 area shrink of the region, halved. The bars are found on the
 * whole image's 64×64 grey raster (content-region.ts), where a letterboxed photo spans as few as a
 * dozen rows; cutting the region from a larger decode instead gives its thumbnail as much detail as
 * the original's, so the pixel check compares like with like (a filtered copy of the original
 * against a letterboxed one fails on a thumbnail stretched from a few rows). Only photos with bars
 * pay for it: one more decode, at most CONTENT_DECODE pixels on the long side.
 */

import sharp from 'sharp';
import { findContentRegion } from '../hashing/content-region.js';
import type { GreyRaster, HashInput, UprightResize } from './hash-input.js';

/** Long side of the decode the region is cut from: the smallest region kept (12 % of an axis) still has 60 pixels. */
const CONTENT_DECODE = 512;

/**
 * The content's hash input, or undefined when no bars surround the photo. `upright` decodes the image
 * as displayed; `displayed` is the whole image's displayed size; `square` turns a 64×64 grey shrink
 * into the 32×32 hash input.
 */
export async function contentInput(
  upright: UprightResize,
  grey: GreyRaster,
  displayed: { width: number; height: number },
  square: (shrunk: Uint8Array) => Uint8Array,
): Promise<HashInput | undefined> {
  const box = findContentRegion(grey);
  if (!box) return undefined;
  const { data, info } = await upright((pipeline) => pipeline.resize(CONTENT_DECODE, CONTENT_DECODE, { fit: 'inside', withoutEnlargement: true }))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const along = (cells: number, pixels: number) => Math.round((cells / grey.side) * pixels);
  const [left, top] = [along(box.left, info.width), along(box.top, info.height)];
  const width = Math.max(1, along(box.right, info.width) - left);
  const height = Math.max(1, along(box.bottom, info.height) - top);
  const side = grey.side;
  const region = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .extract({ left, top, width, height })
    .resize(side, side, { fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer();
  return {
    width: side / 2,
    height: side / 2,
    data: square(region),
    sourceWidth: Math.max(1, Math.round((displayed.width * (box.right - box.left)) / grey.side)),
    sourceHeight: Math.max(1, Math.round((displayed.height * (box.bottom - box.top)) / grey.side)),
  };
}
