/**
 * Immich as a `PhotoSource`: lists the key owner's photos with paged `POST /search/metadata` and
 * hashes the server's small WebP thumbnail, through the thumbnail cache.
 *
 * What is listed: `type: IMAGE` with visibility `timeline` and `archive` (archived photos are still
 * the user's photos and can be duplicates), never `hidden` (live-photo video halves) or `locked`
 * (API keys cannot see it anyway); not trashed; only assets whose `ownerId` is the key's user
 * (search also returns partners' assets, which this tool may not tag, favorite or stack), unless
 * `--include-partners` / `--include-shared-albums` ask for other users' photos too (shared-scopes.ts):
 * then each photo carries its owner, and other users' assets go into the client's write guard.
 *
 * `withExif: true` gives file size, camera and the EXIF date, but it is an INNER join: an asset with
 * no exif row (metadata extraction not yet run) would silently vanish. So each search is checked
 * against `POST /search/statistics`; when fewer assets came back than exist (or the count is not
 * available: old server, narrow key), a second pass without exif picks up the ones not yet seen.
 *
 * Ids already seen are skipped: the same asset can come from two album searches, and before v3.1
 * paging can repeat assets that share a timestamp. The set costs 16 bytes per asset (`UuidSet`).
 * A repeat also means some other asset was skipped, so repeats do not count towards the expected
 * total and the second pass finds the skipped ones.
 *
 * A server whose filtered searches stop early (PagingCheck) is listed without filters instead, and
 * filtered here.
 *
 * The change key is the checksum (the original's content). `isEdited` (v2.5+) is not part of it:
 * the thumbnail route serves the unedited rendition unless `edited=true`, so an edit does not
 * change the bytes we hash.
 */

import type { Photo, SourceEntry } from '../../core/photo.js';
import { SourceUnavailableError } from '../../core/errors.js';
import type { PhotoSource } from '../photo-source.js';
import type { ThumbnailCache } from '../../thumbnails/thumbnail-cache.js';
import { resolveAlbumIds } from './album-filter.js';
import { assetToPhoto } from './asset-photo.js';
import { PAGE_SIZE, searchPages } from './asset-listing.js';
import { newTrail } from './paging-check.js';
import { ImmichClient, type ImmichClientOptions } from './immich-client.js';
import { parseAsset, type AssetDto, type MetadataSearchBody } from './immich-dto.js';
import { ImmichHttpError } from './immich-errors.js';
import { detectCapabilities, requireCapability, type ServerCapabilities } from './server-capabilities.js';
import { UuidSet } from './uuid-set.js';
import { readSharedScopes, type SharedScopeOptions, type SharedScopes } from './shared-scopes.js';

export const THUMBNAIL_SIZE = 'thumbnail';

export interface ImmichSourceOptions {
  client: ImmichClient;
  capabilities: ServerCapabilities;
  cache: ThumbnailCache;
  /** Only photos in these albums (exact names; every album bearing a name). */
  albumNames?: readonly string[];
  /** List archived photos too (default true). */
  includeArchived?: boolean;
  pageSize?: number;
  /** Close the client with the source (true when the source made it). */
  ownsClient?: boolean;
  /** Other users' photos to compare with: partners', and those of albums shared with the user. */
  shared?: SharedScopeOptions;
  /** One line for the log (e.g. a partner whose photos search cannot list). */
  onNotice?: (message: string) => void;
}

/** Whose assets a listing takes: the user's own (and listed partners'), or anyone's (a shared album's). */
interface Owners {
  me: string;
  scopes?: SharedScopes | undefined;
  /** A shared album's listing: every member's photos belong in the run. */
  inAlbum?: boolean;
}

/** Counts from the last `list()`, for the run summary: what was left out and why. */
export interface ImmichListStats {
  pages: number;
  /** Items the server returned, repeats included. */
  received: number;
  photos: number;
  repeated: number;
  notOwned: number;
  trashed: number;
  notImages: number;
  unreadable: number;
  /** Photos found only by the second pass without exif. */
  withoutExif: number;
}

type Filter = Omit<MetadataSearchBody, 'page' | 'size' | 'withExif'>;

export class ImmichPhotoSource implements PhotoSource {
  readonly kind = 'immich' as const;
  readonly thumbnailsAreOriginals = false;
  readonly readAhead: number;
  get listsWholeLibrary(): boolean {
    return !this.#options.albumNames?.length;
  }
  readonly client: ImmichClient;
  readonly capabilities: ServerCapabilities;
  readonly #options: ImmichSourceOptions;
  #stats: ImmichListStats = emptyStats();

  constructor(options: ImmichSourceOptions) {
    this.#options = options;
    this.client = options.client;
    this.capabilities = options.capabilities;
    // Thumbnails fetched ahead of decoding: as many as the client sends at once (--download-concurrency).
    this.readAhead = options.client.http.concurrency;
  }

  /** Connects, learns what the server can do, and refuses early if it cannot list photos. */
  static async open(options: ImmichClientOptions & Omit<ImmichSourceOptions, 'client' | 'capabilities' | 'ownsClient'> & { signal?: AbortSignal }): Promise<ImmichPhotoSource> {
    const client = new ImmichClient(options);
    try {
      const capabilities = await detectCapabilities(client, { signal: options.signal });
      requireCapability(capabilities, 'search', 'listing photos');
      return new ImmichPhotoSource({ ...options, client, capabilities, ownsClient: true });
    } catch (error) {
      await client.close();
      throw unavailable(error, client.baseUrl);
    }
  }

  get stats(): Readonly<ImmichListStats> {
    return this.#stats;
  }

  async *list(signal?: AbortSignal): AsyncIterable<SourceEntry> {
    this.#stats = emptyStats();
    const user = await this.client.me({ signal });
    const shared = this.#options.shared;
    const scopes = shared && (shared.partners || shared.sharedAlbums)
      ? await readSharedScopes(this.client, this.capabilities, user, shared, (message) => this.#options.onNotice?.(message), signal)
      : undefined;
    const me: Owners = { me: user.id, scopes };
    const seen = new UuidSet();
    const albumIds = this.#options.albumNames !== undefined && this.#options.albumNames.length > 0
      ? await resolveAlbumIds(this.client, this.capabilities, this.#options.albumNames, signal)
      : undefined;

    yield* this.#owned(albumIds, me, seen, signal);
    for (const album of scopes?.albums ?? []) yield* this.#sharedAlbum(album.id, { ...me, inAlbum: true }, seen, signal);
  }

  /** The user's own photos (and listed partners'): the whole library, or the `--immich-album` albums. */
  async *#owned(albumIds: string[] | undefined, me: Owners, seen: UuidSet, signal: AbortSignal | undefined): AsyncIterable<SourceEntry> {
    if (albumIds !== undefined && !this.capabilities.searchAlbumIds) {
      for (const albumId of albumIds) yield* this.#legacyAlbum(albumId, me, seen, signal);
      return;
    }
    for (const filter of this.#filters(albumIds)) {
      let received = 0;
      const repeatedBefore = this.#stats.repeated;
      const trail = newTrail();
      for await (const { items } of searchPages(this.client, { ...filter, withExif: true }, { pageSize: this.#pageSize, signal, trail })) {
        this.#stats.pages++;
        received += items.length;
        for (const raw of items) {
          const entry = this.#accept(raw, me, seen);
          if (entry !== undefined) yield entry;
        }
      }
      if (!(await this.client.paging.complete(trail, signal))) {
        if (albumIds !== undefined) throw new SourceUnavailableError(`${this.client.baseUrl} cannot list an album's photos completely (its filtered searches stop early), so --immich-album cannot be used with it`);
        // One unfiltered listing covers every filter: the rest are not searched.
        yield* this.#unfiltered(me, seen, signal);
        return;
      }
      // Repeats do not count: before v3.1, a page that repeats an asset has skipped another one.
      const distinct = received - (this.#stats.repeated - repeatedBefore);
      const expected = await this.#count(filter, signal);
      if (expected !== undefined && distinct >= expected) continue;
      // Assets without an exif row, and (before v3.1) any that unstable paging skipped.
      for await (const { items } of searchPages(this.client, { ...filter, withExif: false }, { pageSize: this.#pageSize, signal })) {
        this.#stats.pages++;
        for (const raw of items) {
          const entry = this.#accept(raw, me, seen, true);
          if (entry !== undefined) yield entry;
        }
      }
    }
  }

  get #pageSize(): number {
    return this.#options.pageSize ?? PAGE_SIZE;
  }

  /**
   * Every asset, listed without filters and filtered here: for a server whose filtered searches stop
   * early. With exif, then without (exif is an inner join on Immich), each asset taken once.
   */
  async *#unfiltered(owners: Owners, seen: UuidSet, signal: AbortSignal | undefined): AsyncIterable<SourceEntry> {
    for (const withExif of [true, false]) {
      const trail = newTrail();
      for await (const { items } of searchPages(this.client, { withExif }, { pageSize: this.#pageSize, signal, trail })) {
        this.#stats.pages++;
        for (const raw of items) {
          if (!this.#wanted(raw)) continue;
          const entry = this.#accept(raw, owners, seen, !withExif);
          if (entry !== undefined) yield entry;
        }
      }
      if (trail.repeated) throw new SourceUnavailableError(`${this.client.baseUrl} repeats its search pages even without filters; its library cannot be listed completely`);
    }
  }

  /** What the filters would have chosen: the visibilities listed (timeline, archive unless left out), not trashed. */
  #wanted(raw: unknown): boolean {
    const asset = parseAsset(raw);
    if (asset === undefined) return true;
    const archived = asset.visibility === 'archive' || asset.isArchived === true;
    if (asset.visibility === 'hidden' || asset.visibility === 'locked') return false;
    return this.#options.includeArchived !== false || !archived;
  }

  /** The small WebP thumbnail, from the cache when this content was fetched before. */
  thumbnail(photo: Photo, signal?: AbortSignal): Promise<Buffer> {
    const key = { id: photo.id, changeKey: photo.changeKey, size: THUMBNAIL_SIZE };
    return this.#options.cache.getOrFetch(key, async () => {
      const bytes = await this.client.thumbnail(photo.id, THUMBNAIL_SIZE, { signal });
      if (bytes.length === 0) throw new Error(`Immich sent an empty thumbnail for ${photo.path}`);
      return bytes;
    });
  }

  async close(): Promise<void> {
    if (this.#options.ownsClient === true) await this.client.close();
  }

  /** One search per (album × visibility): the server ANDs album ids, we want their union. */
  #filters(albumIds: string[] | undefined): Filter[] {
    const base: Filter = { type: 'IMAGE', withDeleted: false };
    const scopes: Filter[] = !this.capabilities.visibilityFilter
      ? // Before v1.133: no visibility; archived assets need withArchived, hidden ones isVisible.
        [{ ...base, withArchived: this.#options.includeArchived !== false, isVisible: true }]
      : (this.#options.includeArchived === false ? ['timeline' as const] : ['timeline' as const, 'archive' as const]).map((visibility) => ({ ...base, visibility }));
    if (albumIds === undefined) return scopes;
    return albumIds.flatMap((albumId) => scopes.map((scope) => ({ ...scope, albumIds: [albumId] })));
  }

  /** The search's size from `/search/statistics`, or undefined when the server cannot say. */
  async #count(filter: Filter, signal: AbortSignal | undefined): Promise<number | undefined> {
    if (!this.capabilities.searchStatistics || filter.visibility === undefined) return undefined;
    const { type, visibility, albumIds } = filter;
    try {
      return await this.client.searchStatistics({ type, visibility, ...(albumIds !== undefined ? { albumIds } : {}) }, { signal });
    } catch (error) {
      if (error instanceof ImmichHttpError && (error.isRouteMissing || error.status === 403)) return undefined;
      throw error;
    }
  }

  /** Before v1.135 search has no `albumIds`: the album's assets come embedded in `GET /albums/{id}`. */
  async *#legacyAlbum(albumId: string, owners: Owners, seen: UuidSet, signal: AbortSignal | undefined): AsyncIterable<SourceEntry> {
    const album = await this.client.getAlbum(albumId, { signal });
    this.#stats.pages++;
    for (const raw of album.assets ?? []) {
      const asset = parseAsset(raw);
      if (asset?.isArchived === true && this.#options.includeArchived === false) continue;
      if (asset?.visibility === 'hidden' || asset?.visibility === 'locked') continue;
      const entry = this.#accept(raw, owners, seen);
      if (entry !== undefined) yield entry;
    }
  }

  /**
   * A shared album's photos, every member's: on v3 by search (`albumIds` drops the owner scope there),
   * with exif and then without (the inner join); before v3 from the album's embedded assets.
   */
  async *#sharedAlbum(albumId: string, owners: Owners, seen: UuidSet, signal: AbortSignal | undefined): AsyncIterable<SourceEntry> {
    if (!this.capabilities.albumNameFilter || !this.capabilities.searchAlbumIds) {
      yield* this.#legacyAlbum(albumId, owners, seen, signal);
      return;
    }
    for (const filter of this.#filters([albumId])) {
      for (const withExif of [true, false]) {
        for await (const { items } of searchPages(this.client, { ...filter, withExif }, { pageSize: this.#pageSize, signal })) {
          this.#stats.pages++;
          for (const raw of items) {
            const entry = this.#accept(raw, owners, seen, !withExif);
            if (entry !== undefined) yield entry;
          }
        }
      }
    }
  }

  /** `withoutExif`: the second pass, where assets seen in the first are expected and not counted again. */
  #accept(raw: unknown, owners: Owners, seen: UuidSet, withoutExif = false): SourceEntry | undefined {
    if (withoutExif) {
      const id = idOf(raw);
      if (id !== undefined && seen.has(id)) return undefined;
    }
    this.#stats.received++;
    const asset = parseAsset(raw);
    if (asset === undefined) {
      const id = idOf(raw);
      if (id !== undefined && !seen.add(id)) return undefined;
      this.#stats.unreadable++;
      return { kind: 'skipped', skipped: { id: id ?? '(unknown)', path: nameOf(raw) ?? '(unknown)', reason: 'the server sent asset data this tool cannot read' } };
    }
    if (!seen.add(asset.id)) {
      this.#stats.repeated++;
      return undefined;
    }
    const reason = leftOutBecause(asset, owners);
    if (reason !== undefined) {
      this.#stats[reason]++;
      return undefined;
    }
    this.#stats.photos++;
    if (withoutExif) this.#stats.withoutExif++;
    const photo = assetToPhoto(asset);
    if (owners.scopes) {
      photo.owner = owners.scopes.ownerOf(asset.ownerId, owners.inAlbum === true);
      // Listed, so it can be grouped; never written: the client refuses any request naming it.
      if (!photo.owner.mine) this.client.othersAssets.add(asset.id);
    }
    return { kind: 'photo', photo };
  }
}

/** Not ours, not a photo, or in the trash: left out silently (counted), never reported as skipped. */
function leftOutBecause(asset: AssetDto, owners: Owners): 'notOwned' | 'notImages' | 'trashed' | undefined {
  const accepted = owners.inAlbum === true || asset.ownerId === owners.me || owners.scopes?.acceptsOwner(asset.ownerId) === true;
  if (!accepted) return 'notOwned';
  if (asset.type !== 'IMAGE') return 'notImages';
  if (asset.isTrashed === true) return 'trashed';
  return undefined;
}

function idOf(raw: unknown): string | undefined {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

function nameOf(raw: unknown): string | undefined {
  const name = (raw as { originalFileName?: unknown } | null)?.originalFileName;
  return typeof name === 'string' ? name : undefined;
}

function emptyStats(): ImmichListStats {
  return { pages: 0, received: 0, photos: 0, repeated: 0, notOwned: 0, trashed: 0, notImages: 0, unreadable: 0, withoutExif: 0 };
}

/** Cannot reach or log in: the source is unavailable (exit 1). Other errors pass through unchanged. */
function unavailable(error: unknown, baseUrl: string): unknown {
  if (!(error instanceof ImmichHttpError)) return error;
  if (error.kind === 'network' || error.kind === 'timeout' || error.status === 401 || error.kind === 'redirect' || error.kind === 'invalid-response') {
    return new SourceUnavailableError(`Immich at ${baseUrl} is not usable: ${error.message}`, { cause: error });
  }
  return error;
}
