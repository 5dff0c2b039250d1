/**
 * Which views of two photos the pixel check compares. A photo inside bars (a letterbox, a frame, a
 * screenshot's system bars: content-region.ts) is compared by its content only: with its content
 * when both have bars, and its content against the other whole (either way) in every case, since a
 * bar found in a photo's own plain backdrop may be found in one copy and not in another. Its whole
 * frame never decides: two different photos letterboxed on black share most of their pixels, and a
 * screenshot's whole frame matched the other half of a misty lake (dev-hard GHN03) on the pixels.
 */

import type { Fingerprint } from './fingerprint-types.js';

/** `content`: one view or both were cut from inside bars. */
export type PixelCheck = (a: Fingerprint, b: Fingerprint, content: boolean) => boolean;

export function confirmViews(a: Fingerprint, b: Fingerprint, check: PixelCheck): boolean {
  if (!a.content && !b.content) return check(a, b, false);
  if (a.content && b.content && check(a.content, b.content, true)) return true;
  if (a.content && check(a.content, b, true)) return true;
  return b.content !== undefined && check(a, b.content, true);
}
