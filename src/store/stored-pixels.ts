/**
 * Readers of what the hash stage stored for each photo beyond its hashes: the 32×32 thumbnail and
 * the look. The pipeline hands them to grouping, which reads them only for the pairs it confirms
 * and the photos of its groups.
 */

import type { Photo } from '../core/photo.js';
import { contentThumbnailFromEncoding, thumbnailFromEncoding } from '../hashing/fingerprint.js';
import type { StoredThumbnails } from '../hashing/fingerprint-types.js';
import { decodeLook, type PhotoLook } from '../thumbnails/photo-look.js';
import type { HashRepository } from './hash-repository.js';

/** The whole image's thumbnail and, for a photo inside bars, its content's. */
export function storedThumbnail(store: HashRepository): (photo: Photo) => StoredThumbnails | undefined {
  return (photo) => {
    const encoded = store.encodedFingerprint(photo.source, photo.id);
    const thumbnail = encoded && thumbnailFromEncoding(encoded);
    return encoded && thumbnail ? { thumbnail, content: contentThumbnailFromEncoding(encoded) } : undefined;
  };
}

/**
 * A grouped photo's thumbnail and look, in one read of its row: the best-photo rules read both for
 * every photo of a group, and each lookup of a row among a million cost about as much as the other
 * (~20 µs, most of it finding the row).
 */
export function storedDetails(store: HashRepository): (photo: Photo) => { thumbnail?: Uint8Array; look?: PhotoLook } {
  return (photo) => {
    const encoded = store.encodedDetails(photo.source, photo.id);
    const thumbnail = encoded && thumbnailFromEncoding(encoded.fingerprint);
    const look = decodeLook(encoded?.look);
    return { ...(thumbnail ? { thumbnail } : {}), ...(look ? { look } : {}) };
  };
}
