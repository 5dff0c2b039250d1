/**
 * The fingerprint of the photo inside its bars (content-region.ts finds them, content-input.ts
 * decodes what they surround): the same orientation hashes, 32×32 thumbnail and displayed size as
 * the whole image's, without crop hashes. A letterboxed or screenshotted copy's content fingerprint
 * is close to the original's own fingerprint, so the index finds the pair and the pixel check
 * compares the photos, not the bars around them.
 */

import type { HashInput } from '../thumbnails/hash-input.js';
import { TRANSFORMS } from './dihedral.js';
import type { Fingerprint } from './fingerprint-types.js';
import { pairToBigint, phashVariants } from './phash.js';

export function contentFingerprint(content: HashInput): Fingerprint {
  const variants = phashVariants(content.data, TRANSFORMS).map(pairToBigint);
  return { variants, thumbnail: content.data, width: content.sourceWidth, height: content.sourceHeight };
}
