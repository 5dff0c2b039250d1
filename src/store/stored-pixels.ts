/**
 * Readers of what the hash stage stored for each photo beyond its hashes: the 32×32 thumbnail and
 * the look. The pipeline hands them to grouping, which reads them only for the pairs it confirms
 * and the photos of its groups.
 */

import type { Photo } from '../core/photo.js';
import { thumbnailFromEncoding } from '../hashing/fingerprint.js';
import { decodeLook, type PhotoLook } from '../thumbnails/photo-look.js';
import type { HashRepository } from './hash-repository.js';

export function storedThumbnail(store: HashRepository): (photo: Photo) => Uint8Array | undefined {
  return (photo) => {
    const encoded = store.encodedFingerprint(photo.source, photo.id);
    return encoded && thumbnailFromEncoding(encoded);
  };
}

export function storedLook(store: HashRepository): (photo: Photo) => PhotoLook | undefined {
  return (photo) => decodeLook(store.encodedLook(photo.source, photo.id));
}
