/** Plain data the fake Immich keeps in memory. Field names follow Immich's DTOs where they exist. */

export type AssetType = 'IMAGE' | 'VIDEO' | 'AUDIO' | 'OTHER';
export type AssetVisibility = 'timeline' | 'archive' | 'hidden' | 'locked';

export interface FakeUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  avatarColor: string;
  storageLabel: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FakeApiKey {
  id: string;
  name: string;
  /** The secret sent as `x-api-key`. Never logged or recorded. */
  secret: string;
  userId: string;
  /** Permission strings; `all` grants everything. */
  permissions: string[];
  createdAt: string;
  updatedAt: string;
}

export interface FakeExif {
  make: string | null;
  model: string | null;
  /** Stored (not orientation-corrected) size, as Immich reports it. */
  exifImageWidth: number | null;
  exifImageHeight: number | null;
  fileSizeInByte: number | null;
  /** EXIF orientation as a string (`"6"`), or null. */
  orientation: string | null;
  dateTimeOriginal: string | null;
  modifyDate: string | null;
  timeZone: string | null;
  lensModel: string | null;
  fNumber: number | null;
  focalLength: number | null;
  iso: number | null;
  exposureTime: string | null;
  latitude: number | null;
  longitude: number | null;
  city: string | null;
  state: string | null;
  country: string | null;
  description: string;
  projectionType: string | null;
  rating: number | null;
}

export interface FakeMedia {
  bytes: Buffer;
  contentType: string;
}

export interface FakeAsset {
  id: string;
  ownerId: string;
  type: AssetType;
  originalFileName: string;
  originalPath: string;
  originalMimeType: string;
  /** Base64 SHA-1 (28 chars). */
  checksum: string;
  libraryId: string | null;
  visibility: AssetVisibility;
  /** ISO time when trashed, else null. */
  deletedAt: string | null;
  isFavorite: boolean;
  isOffline: boolean;
  fileCreatedAt: string;
  fileModifiedAt: string;
  localDateTime: string;
  createdAt: string;
  updatedAt: string;
  /** Upright (orientation-corrected) size. */
  width: number | null;
  height: number | null;
  /** Null means "no exif row": `withExif: true` searches drop the asset (inner join, like Immich). */
  exif: FakeExif | null;
  thumbhash: string | null;
  duplicateId: string | null;
  livePhotoVideoId: string | null;
  stackId: string | null;
  duration: number | null;
  rating: number | null;
  description: string;
  /** `size=thumbnail` bytes (WebP in Immich). Null → 404 "Asset media not found". */
  thumbnail: FakeMedia | null;
  /** `size=preview` bytes (JPEG). Null → falls back to 404. */
  preview: FakeMedia | null;
  /** The original file (served for `/original` and `size=fullsize|original`). */
  original: FakeMedia | null;
}

/** One asset-metadata item (3.x `PUT /assets/{id}/metadata`): any key, a JSON object value. */
export interface FakeMetadataItem {
  value: Record<string, unknown>;
  updatedAt: string;
}

export interface FakeTag {
  id: string;
  userId: string;
  /** Full path, e.g. `a/b/c`. Unique per user, case-sensitive. */
  value: string;
  parentId: string | null;
  color: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FakeAlbum {
  id: string;
  ownerId: string;
  albumName: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  albumThumbnailAssetId: string | null;
  /** Insertion-ordered member asset ids. */
  assetIds: Set<string>;
  /** The users it is shared with, besides its owner. */
  sharedWith: FakeAlbumUser[];
  isActivityEnabled: boolean;
  order: 'asc' | 'desc';
}

export interface FakeStack {
  id: string;
  ownerId: string;
  primaryAssetId: string;
  /** Members, primary included. */
  assetIds: string[];
  createdAt: string;
}

export interface FakePartner {
  /** The user sharing their library ... */
  sharedById: string;
  /** ... with this user (who may open those assets, and sees them in search when `inTimeline`). */
  sharedWithId: string;
  /** Set by the receiving user (`PUT /partners/{id}`); Immich creates partners with it off. */
  inTimeline: boolean;
}

/** A user an album is shared with (Immich's `album_user` rows other than the owner's). */
export interface FakeAlbumUser {
  userId: string;
  role: 'editor' | 'viewer';
}
