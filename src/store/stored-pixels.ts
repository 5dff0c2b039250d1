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

export function storedLook(store: HashRepository): (photo: Photo) => PhotoLook | undefined {
  return (photo) => decodeLook(store.encodedLook(photo.source, photo.id));
}
