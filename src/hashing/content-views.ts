/**
 * Which views of two photos the pixel check compares. A photo inside bars (a letterbox, a frame, a
 * screenshot's system bars: content-region.ts) is compared by its content: two different photos
 * letterboxed on black share most of their pixels, and their whole frames can hash close, so two
 * whole frames that both have bars are never compared. Each content is also compared with the other
 * photo whole, and a photo with bars with one without by their whole frames too: a bar found in a
 * photo's own uniform band (a studio backdrop) must not hide a copy that the other views explain.
 */

import type { Fingerprint } from './fingerprint-types.js';

export type PixelCheck = (a: Fingerprint, b: Fingerprint) => boolean;

export function confirmViews(a: Fingerprint, b: Fingerprint, check: PixelCheck): boolean {
  if (!a.content && !b.content) return check(a, b);
  if (a.content && b.content && check(a.content, b.content)) return true;
  if (a.content && check(a.content, b)) return true;
  if (b.content && check(a, b.content)) return true;
  return !(a.content && b.content) && check(a, b);
}
