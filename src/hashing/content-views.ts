/**
 * Which views of two photos the pixel check compares. A photo inside bars (a letterbox, a frame, a
 * screenshot's system bars: content-region.ts) is compared by its content: two different photos
 * letterboxed on black share most of their pixels, and their whole frames can hash close, so when
 * both have bars only their contents decide. When one has bars, its content is compared with the
 * other whole, and the two whole frames as well: a bar found in a photo's own uniform band (a
 * studio backdrop) must not hide a copy that the whole frames explain.
 */

import type { Fingerprint } from './fingerprint-types.js';

export type PixelCheck = (a: Fingerprint, b: Fingerprint) => boolean;

export function confirmViews(a: Fingerprint, b: Fingerprint, check: PixelCheck): boolean {
  if (!a.content && !b.content) return check(a, b);
  if (a.content && b.content) return check(a.content, b.content);
  return check(a.content ?? a, b.content ?? b) || check(a, b);
}
