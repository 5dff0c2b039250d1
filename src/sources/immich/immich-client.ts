/**
 * Typed Immich API calls, each a thin wrapper over `ImmichHttp.request`. Only the calls this tool
 * makes; request bodies use only fields present in both the v1.142 and v3.1 OpenAPI documents
 * (checked by the fake server's validator in the integration tests).
 */

import { z } from 'zod';
import {
  albumSchema,
  apiKeySchema,
  partnerSchema,
  assetSchema,
  bulkIdResultSchema,
  bulkTagResultSchema,
  metadataItemSchema,
  pingSchema,
  searchPageSchema,
  serverAboutSchema,
  serverFeaturesSchema,
  serverVersionSchema,
  stackSchema,
  statisticsSchema,
  tagSchema,
  trashCountSchema,
  userSchema,
  type AlbumDto,
  type ApiKeyDto,
  type AssetDto,
  type BulkIdResultDto,
  type MetadataItemDto,
  type MetadataSearchBody,
  type PartnerDto,
  type ServerAboutDto,
  type ServerFeaturesDto,
  type ServerVersionDto,
  type StackDto,
  type StatisticsSearchBody,
  type TagDto,
  type UserDto,
} from './immich-dto.js';
import { ImmichHttp, type ImmichHttpOptions, type RequestOptions } from './immich-http.js';
import { OthersAssets } from './others-assets.js';
import { PagingCheck } from './paging-check.js';

export interface ImmichClientOptions extends ImmichHttpOptions {
  /** Things about the server worth one line in the log (e.g. searches it cannot page). */
  onNotice?: (message: string) => void;
}
export type { RequestOptions, RetryEvent } from './immich-http.js';

export type ThumbnailSize = 'thumbnail' | 'preview';

/** The `PUT /assets` fields this tool sends (AssetBulkUpdateDto; `visibility` from v1.133). */
export interface AssetUpdate {
  ids: string[];
  isFavorite?: boolean;
  duplicateId?: string | null;
  visibility?: 'timeline' | 'archive' | 'hidden';
  rating?: number | null;
  description?: string;
  latitude?: number;
  longitude?: number;
  dateTimeOriginal?: string;
}

const duplicateGroupSchema = z.object({ duplicateId: z.string(), assets: z.array(z.object({ id: z.string() })) });
export type DuplicateGroupDto = z.infer<typeof duplicateGroupSchema>;

export interface SearchPage {
  /** Raw items: check each with `parseAsset`, so one odd asset does not sink the page. */
  items: unknown[];
  /** The next page number, or null after the last page. */
  nextPage: number | null;
}

/** Per-call extras: cancellation, and a retry override for the rare caller that knows better. */
type CallOptions = Pick<RequestOptions, 'signal' | 'retry' | 'timeoutMs'>;

const path = (template: TemplateStringsArray, ...ids: string[]): string =>
  template.reduce((out, part, index) => out + part + (index < ids.length ? encodeURIComponent(ids[index] ?? '') : ''), '');

export class ImmichClient {
  readonly http: ImmichHttp;
  /** Whether this server's filtered searches can be trusted to list everything. */
  readonly paging: PagingCheck;
  /** Other users' assets the run listed: every writing method refuses them (others-assets.ts). */
  readonly othersAssets = new OthersAssets();

  constructor(options: ImmichClientOptions) {
    this.http = new ImmichHttp(options);
    this.paging = new PagingCheck(this, options.onNotice);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  // Server --------------------------------------------------------------------------------------

  async ping(options?: CallOptions): Promise<boolean> {
    const answer = await this.http.request('GET', '/server/ping', { json: pingSchema }, options);
    return answer.res === 'pong';
  }

  version(options?: CallOptions): Promise<ServerVersionDto> {
    return this.http.request('GET', '/server/version', { json: serverVersionSchema }, options);
  }

  about(options?: CallOptions): Promise<ServerAboutDto> {
    return this.http.request('GET', '/server/about', { json: serverAboutSchema }, options);
  }

  features(options?: CallOptions): Promise<ServerFeaturesDto> {
    return this.http.request('GET', '/server/features', { json: serverFeaturesSchema }, options);
  }

  /** The key's own user; its `id` is what `ownerId` must equal for an asset to be ours. */
  me(options?: CallOptions): Promise<UserDto> {
    return this.http.request('GET', '/users/me', { json: userSchema }, options);
  }

  /** `GET /api-keys/me` (v1.139+): which permissions this key holds, to check before any change. */
  myApiKey(options?: CallOptions): Promise<ApiKeyDto> {
    return this.http.request('GET', '/api-keys/me', { json: apiKeySchema }, options);
  }

  // Assets --------------------------------------------------------------------------------------

  /** One page of `POST /search/metadata`. A read, so it is retried like a GET. */
  async searchMetadataPage(body: MetadataSearchBody, options?: CallOptions): Promise<SearchPage> {
    const answer = await this.http.request('POST', '/search/metadata', { json: searchPageSchema }, { retry: true, ...options, body });
    const next = answer.assets.nextPage;
    const nextPage = next === null || next === undefined || next === '' ? null : Number(next);
    return { items: answer.assets.items, nextPage: Number.isInteger(nextPage) ? nextPage : null };
  }

  /** `POST /search/statistics` (v1.135+): how many assets match, without listing them. */
  async searchStatistics(body: StatisticsSearchBody, options?: CallOptions): Promise<number> {
    const answer = await this.http.request('POST', '/search/statistics', { json: statisticsSchema }, { retry: true, ...options, body });
    return answer.total;
  }

  getAsset(id: string, options?: CallOptions): Promise<AssetDto> {
    return this.http.request('GET', path`/assets/${id}`, { json: assetSchema }, options);
  }

  /** The server-made thumbnail (`thumbnail`: small WebP, short side 250 px) as bytes. */
  thumbnail(assetId: string, size: ThumbnailSize = 'thumbnail', options?: CallOptions): Promise<Buffer> {
    return this.http.request('GET', path`/assets/${assetId}/thumbnail`, 'buffer', { ...options, query: { size } });
  }

  /**
   * `PUT /assets` (204). All or nothing on the server: one foreign id fails the batch. Only the
   * fields given are sent; `duplicateId: null` and `rating: null` clear them.
   */
  updateAssets(update: AssetUpdate, options?: CallOptions): Promise<void> {
    const refused = this.othersAssets.check(update.ids, 'PUT /assets');
    if (refused) return Promise.reject(refused);
    return this.http.request('PUT', '/assets', 'none', { ...options, body: update });
  }

  /** `DELETE /assets` without `force` (204): into the server's trash, never deleted for good. All or nothing. */
  trashAssets(ids: string[], options?: CallOptions): Promise<void> {
    const refused = this.othersAssets.check(ids, 'DELETE /assets');
    if (refused) return Promise.reject(refused);
    return this.http.request('DELETE', '/assets', 'none', { ...options, body: { ids, force: false } });
  }

  /** `POST /trash/restore/assets`: out of the trash again. Idempotent in effect, so retried like a PUT. */
  async restoreFromTrash(ids: string[], options?: CallOptions): Promise<void> {
    this.othersAssets.refuse(ids, 'POST /trash/restore/assets');
    await this.http.request('POST', '/trash/restore/assets', { json: trashCountSchema }, { retry: true, ...options, body: { ids } });
  }

  /** `GET /assets/{id}/metadata` (3.x): every metadata item of the asset. */
  getAssetMetadata(id: string, options?: CallOptions): Promise<MetadataItemDto[]> {
    return this.http.request('GET', path`/assets/${id}/metadata`, { json: z.array(metadataItemSchema) }, options);
  }

  /** `PUT /assets/metadata` (3.x): upserts one item per (asset, key); all or nothing. */
  async upsertAssetMetadata(items: { assetId: string; key: string; value: Record<string, unknown> }[], options?: CallOptions): Promise<void> {
    this.othersAssets.refuse(items.map((item) => item.assetId), 'PUT /assets/metadata');
    await this.http.request('PUT', '/assets/metadata', { json: z.array(z.unknown()) }, { ...options, body: { items } });
  }

  /** `DELETE /assets/metadata` (3.x, 204): removes these (asset, key) items. */
  deleteAssetMetadata(items: { assetId: string; key: string }[], options?: CallOptions): Promise<void> {
    const refused = this.othersAssets.check(items.map((item) => item.assetId), 'DELETE /assets/metadata');
    if (refused) return Promise.reject(refused);
    return this.http.request('DELETE', '/assets/metadata', 'none', { ...options, body: { items } });
  }

  /** `GET /duplicates`: Immich's duplicate groups (its ML job's and any set through `duplicateId`). */
  getDuplicates(options?: CallOptions): Promise<DuplicateGroupDto[]> {
    return this.http.request('GET', '/duplicates', { json: z.array(duplicateGroupSchema) }, options);
  }

  // Partners ------------------------------------------------------------------------------------

  /** `GET /partners?direction=shared-with`: the users sharing their library with the key's user, each with `inTimeline`. */
  partnersSharingWithMe(options?: CallOptions): Promise<PartnerDto[]> {
    return this.http.request('GET', '/partners', { json: z.array(partnerSchema) }, { ...options, query: { direction: 'shared-with' } });
  }

  // Tags ----------------------------------------------------------------------------------------

  listTags(options?: CallOptions): Promise<TagDto[]> {
    return this.http.request('GET', '/tags', { json: z.array(tagSchema) }, options);
  }

  /** `PUT /tags`: creates missing tags (and parents of `a/b` paths), returns existing ones. Idempotent. */
  upsertTags(names: string[], options?: CallOptions): Promise<TagDto[]> {
    return this.http.request('PUT', '/tags', { json: z.array(tagSchema) }, { ...options, body: { tags: names } });
  }

  /** `PUT /tags/assets`: returns how many (tag, asset) links were new. Idempotent. */
  async bulkTagAssets(tagIds: string[], assetIds: string[], options?: CallOptions): Promise<number> {
    this.othersAssets.refuse(assetIds, 'PUT /tags/assets');
    const answer = await this.http.request('PUT', '/tags/assets', { json: bulkTagResultSchema }, { ...options, body: { tagIds, assetIds } });
    return answer.count;
  }

  /** `PUT /tags/{id}/assets`: per-asset results; `duplicate` means already tagged. */
  tagAssets(tagId: string, assetIds: string[], options?: CallOptions): Promise<BulkIdResultDto[]> {
    const refused = this.othersAssets.check(assetIds, 'PUT /tags/{id}/assets');
    if (refused) return Promise.reject(refused);
    return this.http.request('PUT', path`/tags/${tagId}/assets`, { json: z.array(bulkIdResultSchema) }, { ...options, body: { ids: assetIds } });
  }

  /** `DELETE /tags/{id}/assets`: per-asset results; `not_found` means it was not tagged. */
  untagAssets(tagId: string, assetIds: string[], options?: CallOptions): Promise<BulkIdResultDto[]> {
    const refused = this.othersAssets.check(assetIds, 'DELETE /tags/{id}/assets');
    if (refused) return Promise.reject(refused);
    return this.http.request('DELETE', path`/tags/${tagId}/assets`, { json: z.array(bulkIdResultSchema) }, { ...options, body: { ids: assetIds } });
  }

  /** Also deletes the tag's descendants. Untag first: Immich does not clean XMP sidecars here. */
  deleteTag(id: string, options?: CallOptions): Promise<void> {
    return this.http.request('DELETE', path`/tags/${id}`, 'none', options);
  }

  // Albums --------------------------------------------------------------------------------------

  /**
   * `GET /albums`. `name` is an exact server-side filter on v3 only; older servers ignore it and
   * return every owned album, so callers match names themselves as well. `shared` exists on v1/v2
   * only (there, no parameter means "owned albums only"; `shared=true` adds shared-with-me ones).
   * `isShared` is v3's: `true` gives the albums, owned or shared with the user, that have other members.
   * `assetId` (every version): only the albums holding that asset.
   */
  getAlbums(filter: { name?: string; shared?: boolean; isShared?: boolean; assetId?: string } = {}, options?: CallOptions): Promise<AlbumDto[]> {
    const flag = (value: boolean | undefined) => (value === undefined ? undefined : String(value));
    const query = { name: filter.name, shared: flag(filter.shared), isShared: flag(filter.isShared), assetId: filter.assetId };
    return this.http.request('GET', '/albums', { json: z.array(albumSchema) }, { ...options, query });
  }

  /** `GET /albums/{id}`: on v1/v2 this embeds `assets`; v3 does not. */
  getAlbum(id: string, options?: CallOptions): Promise<AlbumDto> {
    return this.http.request('GET', path`/albums/${id}`, { json: albumSchema }, options);
  }

  /** `POST /albums` (201). NOT idempotent: a repeat makes a second album. Never retried blindly. */
  createAlbum(name: string, assetIds: string[], options?: CallOptions): Promise<AlbumDto> {
    const refused = this.othersAssets.check(assetIds, 'POST /albums');
    if (refused) return Promise.reject(refused);
    return this.http.request('POST', '/albums', { json: albumSchema }, { ...options, body: { albumName: name, assetIds } });
  }

  /** `PUT /albums/{id}/assets`: per-asset results; `duplicate` means already in the album. Idempotent. */
  addAssetsToAlbum(albumId: string, assetIds: string[], options?: CallOptions): Promise<BulkIdResultDto[]> {
    const refused = this.othersAssets.check(assetIds, 'PUT /albums/{id}/assets');
    if (refused) return Promise.reject(refused);
    return this.http.request('PUT', path`/albums/${albumId}/assets`, { json: z.array(bulkIdResultSchema) }, { ...options, body: { ids: assetIds } });
  }

  removeAssetsFromAlbum(albumId: string, assetIds: string[], options?: CallOptions): Promise<BulkIdResultDto[]> {
    const refused = this.othersAssets.check(assetIds, 'DELETE /albums/{id}/assets');
    if (refused) return Promise.reject(refused);
    return this.http.request('DELETE', path`/albums/${albumId}/assets`, { json: z.array(bulkIdResultSchema) }, { ...options, body: { ids: assetIds } });
  }

  /** 204 (200 with an empty body before v1.138). The assets stay. */
  deleteAlbum(id: string, options?: CallOptions): Promise<void> {
    return this.http.request('DELETE', path`/albums/${id}`, 'none', options);
  }

  // Stacks --------------------------------------------------------------------------------------

  /**
   * `POST /stacks` (201): the first id becomes the primary. NOT idempotent (and it merges stacks whose
   * primary is passed in): never retried blindly; check `getStacks` before trying again.
   */
  createStack(assetIds: string[], options?: CallOptions): Promise<StackDto> {
    const refused = this.othersAssets.check(assetIds, 'POST /stacks');
    if (refused) return Promise.reject(refused);
    return this.http.request('POST', '/stacks', { json: stackSchema }, { ...options, body: { assetIds } });
  }

  getStacks(filter: { primaryAssetId?: string } = {}, options?: CallOptions): Promise<StackDto[]> {
    return this.http.request('GET', '/stacks', { json: z.array(stackSchema) }, { ...options, query: { primaryAssetId: filter.primaryAssetId } });
  }

  /** Members survive; only the grouping goes. */
  deleteStack(id: string, options?: CallOptions): Promise<void> {
    return this.http.request('DELETE', path`/stacks/${id}`, 'none', options);
  }
}
