/** Plain data shared by every stage of the flow. */

export type SourceKind = 'local' | 'immich';

/** Image formats we recognise. `raw` is hashed from its embedded JPEG preview, never developed. */
export type ImageFormat =
  | 'jpeg'
  | 'png'
  | 'webp'
  | 'gif'
  | 'tiff'
  | 'avif'
  | 'heic'
  | 'raw';

/** What the best-photo rules and the report need to know about a photo. */
export interface PhotoMeta {
  /** Pixel size as displayed (after EXIF orientation), 0 when not yet known. */
  width: number;
  height: number;
  bytes: number;
  format: ImageFormat | 'unknown';
  /** ISO 8601; from EXIF DateTimeOriginal, or the source's own date. */
  takenAt?: string;
  camera?: string;
  /** EXIF Software: the program that last wrote the file (an editor's name marks an edited export). */
  software?: string;
  /** Estimated JPEG quality (1–100) from the file's quantization tables; local JPEGs only. */
  jpegQuality?: number;
  /** EXIF orientation 1..8 as stored in the file. */
  orientation?: number;
  isFavorite?: boolean;
}

export interface Photo {
  source: SourceKind;
  /** Stable identity: the absolute path, or the Immich asset id. */
  id: string;
  /** The file path for local photos, the original file name for Immich assets. */
  path: string;
  /** Changes whenever the content may have changed: size+mtime, or the Immich checksum. */
  changeKey: string;
  /** A content checksum known without reading the file (Immich's SHA-1), if trustworthy. */
  knownChecksum?: string;
  meta: PhotoMeta;
  /** Other files that are the same shot (RAW+JPEG, HEIC+JPEG, a Live Photo's video, with one stem): never duplicates of this one. */
  siblings?: string[];
  /** Photos under a reference folder: compared against, always kept as best, never acted on. */
  isReference?: boolean;
  /**
   * Who owns an Immich asset, set when the run lists other users' photos too (`--include-partners`,
   * `--include-shared-albums`). Another user's photo is compared and may be the best, never changed.
   */
  owner?: PhotoOwner;
}

export interface PhotoOwner {
  /** The Immich user id. */
  id: string;
  name?: string;
  /** The API key's own user: only these photos may be changed. */
  mine: boolean;
  /** How another user's photo came into the run. */
  via?: 'partner' | 'shared-album';
}

/** A photo the run could not use, with the reason a person can act on. */
export interface SkippedPhoto {
  id: string;
  path: string;
  reason: string;
}

/** What a source yields while listing: a photo to hash, a photo it had to skip, or a file that is no photo. */
export type SourceEntry =
  | { kind: 'photo'; photo: Photo }
  | { kind: 'skipped'; skipped: SkippedPhoto }
  | { kind: 'ignored'; path: string };
