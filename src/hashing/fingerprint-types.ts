/** The fingerprint value itself, apart from the code that makes and compares it (no import cycles). */

/**
 * 64-bit hashes. Decoded fingerprints hold them in typed arrays: a million photos' fingerprints stay
 * in memory through grouping, and a BigUint64Array costs half of an array of BigInts.
 */
export type Hashes = readonly bigint[] | BigUint64Array;

export interface Fingerprint {
  /** 8 dihedral variants of the 64-bit pHash; index 0 is the photo as displayed (EXIF orientation applied). */
  readonly variants: Hashes;
  /**
   * 32×32 greyscale thumbnail as displayed, squashed to a square: what confirmMatch aligns and
   * compares. Absent in fingerprints built from hashes alone (then only the distance counts).
   */
  readonly thumbnail?: Uint8Array;
  /**
   * pHash of the thumbnail under each typical crop (crop-queries.ts), made once when the photo is
   * hashed and stored with it: grouping asks the index with them, and making them there costs
   * 13 resamples and DCTs per photo on every run. Absent in hashes-only fingerprints.
   */
  readonly cropHashes?: Hashes;
  /** Displayed pixel size of the hashed image: its aspect ratio constrains crop alignments. */
  readonly width?: number;
  readonly height?: number;
  /**
   * The photo inside bars that surround it (a letterbox, a frame, a screenshot's system bars), as a
   * fingerprint of its own (no crop hashes): content-fingerprint.ts. Absent when there are none.
   */
  readonly content?: Fingerprint;
}

/**
 * A photo's stored 32×32 thumbnails, read back for the pixel check: the whole image's, and that of
 * the photo inside its bars when it has some (`Fingerprint.content`).
 */
export interface StoredThumbnails {
  thumbnail: Uint8Array;
  content?: Uint8Array | undefined;
}
