/**
 * The source of one `watch` batch: the photos the poll found new or changed, then every other photo
 * of the store, so the new ones are grouped against the whole library. Only the new ones are hashed
 * (their thumbnails fetched); the stored ones are reused by the hash stage as in any run. It is not
 * a whole listing (`listsWholeLibrary` false): nothing leaves the store because a batch left it out.
 */

import type { Photo, SourceEntry } from '../core/photo.js';
import type { PhotoSource } from '../sources/photo-source.js';
import { HashRepository, type StoredPhoto } from '../store/hash-repository.js';
import { openStore } from '../store/open-store.js';

export function batchSource(changed: readonly Photo[], storeFile: string, server: PhotoSource): PhotoSource {
  const changedIds = new Set(changed.map((photo) => photo.id));
  return {
    kind: server.kind,
    thumbnailsAreOriginals: server.thumbnailsAreOriginals,
    listsWholeLibrary: false,
    list: () => asAsync(() => entries(changed, changedIds, storeFile, server.kind)),
    thumbnail: (photo, signal) => server.thumbnail(photo, signal),
    // The server source is the watch's for its whole life: a batch does not close it.
    close: () => Promise.resolve(),
  };
}

function* entries(changed: readonly Photo[], changedIds: ReadonlySet<string>, storeFile: string, kind: Photo['source']): Generator<SourceEntry> {
  for (const photo of changed) yield { kind: 'photo', photo };
  // Its own read-only connection: the run writes through another while this one streams (WAL).
  const db = openStore(storeFile, { readonly: true });
  try {
    for (const stored of new HashRepository(db).iterate(kind)) {
      if (!changedIds.has(stored.id)) yield { kind: 'photo', photo: storedPhoto(stored) };
    }
  } finally {
    db.close();
  }
}

/** The stream a source offers, over a generator that reads the store synchronously (closed when the run stops early). */
function asAsync<T>(start: () => Generator<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => {
      const iterator = start();
      return {
        next: () => Promise.resolve(iterator.next()),
        return: () => Promise.resolve(iterator.return(undefined)),
      };
    },
  };
}

/** A stored photo as the run sees it; its favorite flag is not stored and is read fresh if it is grouped (batch-scope). */
function storedPhoto(stored: StoredPhoto): Photo {
  return {
    source: stored.source,
    id: stored.id,
    path: stored.path,
    changeKey: stored.changeKey,
    ...(stored.checksum !== undefined ? { knownChecksum: stored.checksum } : {}),
    meta: { ...stored.meta },
  };
}
