/**
 * Best-photo contestants made from real image bytes, the way the pipeline makes them: the hash
 * stage's decode (fingerprint, grey raster, header) and the look and JPEG quality it stores.
 */

import type { Contestant } from '../../src/grouping/best-photo.js';
import { computeFingerprint } from '../../src/hashing/fingerprint.js';
import type { AlignablePhoto } from '../../src/hashing/pair-alignment.js';
import { decodeWithHeader } from '../../src/thumbnails/hash-input.js';
import { photoMetaOf } from '../../src/thumbnails/image-metadata.js';
import { jpegQuality } from '../../src/thumbnails/jpeg-quality.js';
import { chromaFromChannels, lookOf } from '../../src/thumbnails/photo-look.js';

export async function contestant(id: string, image: Buffer): Promise<Contestant> {
  const { input, header, grey } = await decodeWithHeader(image);
  const fingerprint = computeFingerprint(input);
  const quality = jpegQuality(image);
  const meta = { bytes: image.length, format: 'unknown' as const, width: 0, height: 0, ...photoMetaOf(header), ...(quality !== undefined ? { jpegQuality: quality } : {}) };
  return {
    photo: { source: 'local', id, path: id, changeKey: '1:1', meta },
    fingerprint,
    ...(fingerprint.thumbnail ? { thumbnail: fingerprint.thumbnail } : {}),
    look: lookOf(grey, chromaFromChannels(header.channels)),
  };
}

/** The same photo as a pair alignment takes it (alignPair): its fingerprint, thumbnail and displayed size. */
export async function alignable(image: Buffer): Promise<AlignablePhoto> {
  const { fingerprint, thumbnail } = await contestant('/x.jpg', image);
  if (!fingerprint?.thumbnail || !thumbnail || !fingerprint.width || !fingerprint.height) throw new Error('no thumbnail');
  return { fingerprint, thumbnail, width: fingerprint.width, height: fingerprint.height };
}
