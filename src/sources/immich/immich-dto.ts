/**
 * The parts of Immich's DTOs this tool reads, as zod schemas (types are inferred from them). Only
 * fields we use are declared; zod strips the rest. Anything not essential is optional/nullable so a
 * v1.113 server, a v3.1 server and a partial Immich-compatible server all pass: field names and
 * shapes are from the v3.1 OpenAPI document, checked against v1.124 and v1.142.
 */

import { z } from 'zod';

const nullableString = z.string().nullish();
const nullableNumber = z.number().nullish();

export const serverVersionSchema = z.object({
  major: z.number().int(),
  minor: z.number().int(),
  patch: z.number().int(),
});
export type ServerVersionDto = z.infer<typeof serverVersionSchema>;

export const serverAboutSchema = z.object({ version: z.string() });
export type ServerAboutDto = z.infer<typeof serverAboutSchema>;

/** Every flag is optional here: older servers lack `ocr`, `realtimeTranscoding`, `importFaces`. */
export const serverFeaturesSchema = z.record(z.string(), z.unknown()).transform((raw) => {
  const flags: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(raw)) if (typeof value === 'boolean') flags[name] = value;
  return flags;
});
export type ServerFeaturesDto = z.infer<typeof serverFeaturesSchema>;

export const pingSchema = z.object({ res: z.string() });

export const userSchema = z.object({ id: z.string(), email: z.string().optional(), name: z.string().optional() });
export type UserDto = z.infer<typeof userSchema>;

/** `GET /api-keys/me` (v1.139+): the key's own permission list (`["all"]` or names like `tag.asset`). */
export const apiKeySchema = z.object({ id: z.string(), permissions: z.array(z.string()) });
export type ApiKeyDto = z.infer<typeof apiKeySchema>;

export const exifSchema = z.object({
  fileSizeInByte: nullableNumber,
  exifImageWidth: nullableNumber,
  exifImageHeight: nullableNumber,
  make: nullableString,
  model: nullableString,
  dateTimeOriginal: nullableString,
  // A string ("6") in every version seen; tolerate a number from compatible servers.
  orientation: z.union([z.string(), z.number()]).nullish(),
  // What a kept photo inherits from a copy (`--archive-others`, `--trash-others`).
  rating: nullableNumber,
  description: nullableString,
  latitude: nullableNumber,
  longitude: nullableNumber,
});
export type ExifDto = z.infer<typeof exifSchema>;

export const assetSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  type: z.string(),
  originalFileName: z.string(),
  originalMimeType: nullableString,
  checksum: z.string(),
  fileCreatedAt: nullableString,
  fileModifiedAt: nullableString,
  localDateTime: nullableString,
  updatedAt: nullableString,
  isFavorite: z.boolean().nullish(),
  isTrashed: z.boolean().nullish(),
  isArchived: z.boolean().nullish(),
  isEdited: z.boolean().nullish(),
  visibility: nullableString,
  libraryId: nullableString,
  livePhotoVideoId: nullableString,
  width: nullableNumber,
  height: nullableNumber,
  exifInfo: exifSchema.nullish(),
  stack: z.object({ id: z.string(), primaryAssetId: z.string() }).nullish(),
  duplicateId: nullableString,
  tags: z.array(z.object({ id: z.string(), value: z.string() })).nullish(),
});
export type AssetDto = z.infer<typeof assetSchema>;

/**
 * A search page. Items are kept raw so one odd asset is skipped with a reason instead of failing the
 * whole page; `parseAsset` checks them one by one.
 */
export const searchPageSchema = z.object({
  assets: z.object({
    items: z.array(z.unknown()),
    // A string page number ("2") or null; some compatible servers send a number.
    nextPage: z.union([z.string(), z.number()]).nullish(),
  }),
});
export type SearchPageDto = z.infer<typeof searchPageSchema>;

export function parseAsset(raw: unknown): AssetDto | undefined {
  const parsed = assetSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

export const statisticsSchema = z.object({ total: z.number() });

export const tagSchema = z.object({
  id: z.string(),
  name: z.string(),
  value: z.string(),
  parentId: nullableString,
});
export type TagDto = z.infer<typeof tagSchema>;

export const bulkTagResultSchema = z.object({ count: z.number() });

export const bulkIdResultSchema = z.object({
  id: z.string(),
  success: z.boolean(),
  error: z.string().nullish(),
});
export type BulkIdResultDto = z.infer<typeof bulkIdResultSchema>;

/** `GET /partners`: the other user of a partnership; `inTimeline` says whether search lists their assets. */
export const partnerSchema = z.object({ id: z.string(), name: z.string().optional(), email: z.string().optional(), inTimeline: z.boolean().nullish() });
export type PartnerDto = z.infer<typeof partnerSchema>;

const albumUserSchema = z.object({ id: z.string(), name: z.string().optional() });

export const albumSchema = z.object({
  id: z.string(),
  albumName: z.string(),
  assetCount: z.number().nullish(),
  ownerId: nullableString, // v1/v2 only; v3 puts the owner in albumUsers[0]
  owner: albumUserSchema.nullish(), // v1/v2 only
  albumUsers: z.array(z.object({ role: z.string(), user: albumUserSchema })).nullish(),
  assets: z.array(z.unknown()).nullish(), // v1/v2 GET /albums/{id} only
});
export type AlbumDto = z.infer<typeof albumSchema>;

/** One asset-metadata item (3.x): `value` is always a JSON object. */
export const metadataItemSchema = z.object({ key: z.string(), value: z.record(z.string(), z.unknown()) });
export type MetadataItemDto = z.infer<typeof metadataItemSchema>;

export const trashCountSchema = z.object({ count: z.number() });

export const stackSchema = z.object({
  id: z.string(),
  primaryAssetId: z.string(),
  assets: z.array(z.object({ id: z.string() })).nullish(),
});
export type StackDto = z.infer<typeof stackSchema>;

/** The body of `POST /search/metadata`, limited to the fields this tool sends (all in v1.142 and v3.1). */
export interface MetadataSearchBody {
  page?: number;
  size?: number;
  order?: 'asc' | 'desc';
  type?: 'IMAGE' | 'VIDEO' | 'AUDIO' | 'OTHER';
  visibility?: 'timeline' | 'archive' | 'hidden' | 'locked';
  withDeleted?: boolean;
  withExif?: boolean;
  albumIds?: string[];
  tagIds?: string[];
  isFavorite?: boolean;
  id?: string;
  checksum?: string;
  /** Assets whose `updatedAt` is at or after this time (inclusive); `watch` polls with it. */
  updatedAfter?: string;
  /** Pre-v1.133 servers only (removed from the spec then; later servers drop it silently). */
  withArchived?: boolean;
  /** Pre-v1.133 servers only: `true` leaves out hidden assets such as live-photo video halves. */
  isVisible?: boolean;
}

/** The body of `POST /search/statistics` (v1.135+): the search filters, without paging or `withExif`. */
export type StatisticsSearchBody = Omit<MetadataSearchBody, 'page' | 'size' | 'order' | 'withExif' | 'id' | 'checksum' | 'withArchived' | 'isVisible'>;
