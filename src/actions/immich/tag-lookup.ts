/**
 * Reading tag and album state from Immich before writing, so writes are only what is missing. The
 * searches cover every visibility but locked whatever the server's default scope (API-NOTES §4.3):
 * an archived photo in a group is tagged and put in albums like the others, so it must be found too.
 */

import { isGone, type ImmichClient, type MetadataSearchBody, type ServerCapabilities, type TagDto } from '../../sources/immich/index.js';
import { mapLimited } from './write-support.js';

export interface ImmichServer {
  client: ImmichClient;
  capabilities: ServerCapabilities;
}

type Scope = Pick<MetadataSearchBody, 'visibility' | 'withArchived'>;

/** Searches that together cover timeline, archive and hidden assets on this server's version. */
export function searchScopes(capabilities: Pick<ServerCapabilities, 'searchDefaultScope'>): Scope[] {
  switch (capabilities.searchDefaultScope) {
    case 'all':
      return [{}];
    case 'timeline':
      return [{ visibility: 'timeline' }, { visibility: 'archive' }, { visibility: 'hidden' }];
    case 'unarchived':
      // Before v1.133 hidden assets are in by default; archived ones only with withArchived.
      return [{ withArchived: true }];
  }
}

/** The tag `name` and every tag below it (`name/...`), deepest first: the order to untag in. */
export function tagSubtree(tags: readonly TagDto[], name: string): TagDto[] {
  return tags
    .filter((tag) => tag.value === name || tag.value.startsWith(`${name}/`))
    .sort((a, b) => b.value.split('/').length - a.value.split('/').length || a.value.localeCompare(b.value));
}

type TagRef = Pick<TagDto, 'id' | 'value'>;

/**
 * Which assets carry a tag. From v1.126 a `tagIds` search, which also matches assets that carry only
 * a child of the tag, so it can over-count; callers that write use per-asset results to be exact.
 * Before v1.126 search has no tag filter (an older server drops `tagIds` silently and would answer
 * "everything"): then each asset's `tags` come from `GET /assets/{id}`, for the candidates given, or
 * for every asset of the library, read once per lookup object and reused.
 */
export class TagCarriers {
  #library: Promise<Map<string, TagRef[]>> | undefined;

  constructor(private readonly server: ImmichServer) {}

  /**
   * `among`: only these assets can matter (read fresh, before v1.126). `exact`: before v1.126, only
   * assets that carry the tag itself, not just a child of it (the library read may predate untagging the children).
   */
  async of(tag: TagRef, options: { among?: readonly string[]; exact?: boolean; signal?: AbortSignal | undefined } = {}): Promise<Set<string>> {
    if (this.server.capabilities.searchTagIds) return searchIds(this.server, { tagIds: [tag.id] }, options.signal);
    const tagsOf = options.among !== undefined ? await readTags(this.server.client, options.among, options.signal) : await this.#wholeLibrary(options.signal);
    const matches = (other: TagRef): boolean => other.id === tag.id || (options.exact !== true && other.value.startsWith(`${tag.value}/`));
    const carrying = new Set<string>();
    for (const [id, tags] of tagsOf) if (tags.some(matches)) carrying.add(id);
    return carrying;
  }

  #wholeLibrary(signal: AbortSignal | undefined): Promise<Map<string, TagRef[]>> {
    this.#library ??= searchIds(this.server, {}, signal).then((ids) => readTags(this.server.client, [...ids], signal));
    return this.#library;
  }
}

/** Each asset's tags from `GET /assets/{id}`; an asset gone since (400) carries none. */
async function readTags(client: ImmichClient, ids: readonly string[], signal: AbortSignal | undefined): Promise<Map<string, TagRef[]>> {
  const tags = await mapLimited(
    ids,
    async (id) => {
      try {
        return (await client.getAsset(id, signal ? { signal } : {})).tags ?? [];
      } catch (error) {
        if (isGone(error)) return [];
        throw error;
      }
    },
    signal,
  );
  return new Map(ids.map((id, index) => [id, tags[index] ?? []]));
}

/** Ids of the assets in an album (v1.135+ search; older servers embed them in `GET /albums/{id}`). */
export async function assetsInAlbum(server: ImmichServer, albumId: string, signal?: AbortSignal): Promise<Set<string>> {
  if (server.capabilities.searchAlbumIds) return searchIds(server, { albumIds: [albumId] }, signal);
  const album = await server.client.getAlbum(albumId, signal ? { signal } : {});
  return new Set((album.assets ?? []).map((asset) => (asset as { id?: unknown }).id).filter((id): id is string => typeof id === 'string'));
}

/**
 * Which of `ids` are favorites now: one `isFavorite` search (per scope), each answer checked on the
 * asset itself too, so a server that ignores the filter cannot make every asset look like one.
 */
export async function favoritesAmong(server: ImmichServer, ids: readonly string[]): Promise<Set<string>> {
  const wanted = new Set(ids);
  const favorites = await searchIds(server, { isFavorite: true }, undefined, (item) => (item as { isFavorite?: unknown }).isFavorite === true);
  return new Set([...favorites].filter((id) => wanted.has(id)));
}

async function searchIds(server: ImmichServer, filter: Pick<MetadataSearchBody, 'tagIds' | 'albumIds' | 'isFavorite'>, signal?: AbortSignal, accept: (item: unknown) => boolean = () => true): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const scope of searchScopes(server.capabilities)) {
    for (let page: number | null = 1; page !== null; ) {
      const result = await server.client.searchMetadataPage({ ...filter, ...scope, page, size: 1000, withDeleted: false }, signal ? { signal } : {});
      for (const item of result.items) {
        const id = (item as { id?: unknown }).id;
        if (typeof id === 'string' && accept(item)) ids.add(id);
      }
      page = result.nextPage;
    }
  }
  return ids;
}

export function* chunked<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
