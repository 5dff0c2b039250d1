/** The Immich source and client: what the rest of photo-organizer imports. */

export { normalizeBaseUrl } from './base-url.js';
export { ImmichClient, type AssetUpdate, type DuplicateGroupDto, type ImmichClientOptions, type RequestOptions, type RetryEvent, type SearchPage, type ThumbnailSize } from './immich-client.js';
export type { AlbumDto, ApiKeyDto, AssetDto, BulkIdResultDto, MetadataItemDto, MetadataSearchBody, PartnerDto, StackDto, TagDto, UserDto } from './immich-dto.js';
export { parseAsset } from './immich-dto.js';
export { followPage, newTrail, PagingCheck, type PageTrail } from './paging-check.js';
export { ImmichHttpError, isGone, type ImmichFailureKind } from './immich-errors.js';
export { OthersAssets, OthersAssetWriteError } from './others-assets.js';
export { ImmichPhotoSource, THUMBNAIL_SIZE, type ImmichListStats, type ImmichSourceOptions } from './immich-photo-source.js';
export { assetToPhoto, checksumBase64 } from './asset-photo.js';
export { checkImmichDuplicates, readImmichDuplicates, type ImmichDuplicateGroup } from './immich-duplicates.js';
export {
  atLeast,
  detectCapabilities,
  formatVersion,
  keyAllows,
  MINIMUM_VERSION,
  requireCapability,
  type ProbedCapability,
  type SemVer,
  type ServerCapabilities,
} from './server-capabilities.js';
