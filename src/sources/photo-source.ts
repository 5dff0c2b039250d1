/** What every source of photos offers the pipeline; sources only read, actions write. */

import type { Photo, SourceEntry, SourceKind } from '../core/photo.js';

export interface PhotoSource {
  readonly kind: SourceKind;
  /**
   * True when `thumbnail()` returns the original file (local): its decoded size and EXIF are the
   * photo's own metadata. False when it is a server-made thumbnail (Immich) whose size says nothing.
   */
  readonly thumbnailsAreOriginals: boolean;
  /**
   * True when `list()` yields the whole library (no album or path filter), so a stored photo it did
   * not yield has been deleted or trashed and can leave the store.
   */
  readonly listsWholeLibrary: boolean;
  /**
   * Photos worth fetching ahead of the decoders: a server's requests in flight (its client bounds
   * them). A source whose photos are local files leaves it out: its reads happen in the decode.
   */
  readonly readAhead?: number;
  /** Streams photos (and files it had to skip) as they are found; never loads the whole library first. */
  list(signal?: AbortSignal): AsyncIterable<SourceEntry>;
  /**
   * The image bytes to hash: a server thumbnail, or the local file itself (decoded with
   * shrink-on-load later). Rejects with a per-photo error message when the bytes cannot be had.
   */
  thumbnail(photo: Photo, signal?: AbortSignal): Promise<Buffer>;
  /**
   * What to decode, when the source has local files: the original's path, so sharp reads it itself
   * and a 4 MB photo is never copied into memory (or its bytes, for a path sharp would misread).
   * Rejects like `thumbnail()`. Without it, `thumbnail()` is decoded.
   */
  originalInput?(photo: Photo, signal?: AbortSignal): Promise<Buffer | string>;
  /**
   * The original's bytes when it is unchanged since `photo.changeKey` was taken (so they are the
   * bytes that were hashed), else undefined; for a content checksum. Sources without local files
   * leave it out: their checksum comes with the listing.
   */
  unchangedOriginal?(photo: Photo): Promise<Buffer | undefined>;
  /** Releases connections and files. */
  close(): Promise<void>;
}
