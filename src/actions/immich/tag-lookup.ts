/**
 * Reading tag and album state from Immich before writing, so writes are only what is missing. The
 * searches cover every visibility but locked whatever the server's default scope (API-NOTES §4.3):
 * an archived photo in a group is tagged and put in albums like the others, so it must be found too.
 */

import { followPage, isGone, newTrail, type ImmichClient, type MetadataSearchBody, type ServerCapabilities, type TagDto } from '../../sources/immich/index.js';
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
 * a child of the tag, so it can over-count: reading a parent tag back cannot tell an asset that carries
 * only a child from one that carries the parent (this tool writes a parent before its children).
 * Before v1.126 search has no tag filter (an older server drops `tagIds` silently and would answer
 * "everything"): then each asset's `tags` come from `GET /assets/{id}`, for the candidates given, or
 * for every asset of the library, read once per lookup object and reused. The same happens on a
 * server whose filtered searches stop early (PagingCheck).
 */
export class TagCarriers {
  #library: Promise<Map<string, TagRef[]>> | undefined;

  constructor(private readonly server: ImmichServer) {}

  /**
   * `among`: only these assets can matter (read fresh, before v1.126). `exact`: before v1.126, only
   * assets that carry the tag itself, not just a child of it (the library read may predate untagging the children).
   */
  async of(tag: TagRef, options: { among?: readonly string[]; exact?: boolean; signal?: AbortSignal | undefined } = {}): Promise<Set<string>> {
    if (this.server.capabilities.searchTagIds) {
      const found = await searchIds(this.server, { tagIds: [tag.id] }, options.signal);
      if (found !== undefined) return found;
    }
    const tagsOf = options.among !== undefined ? await readTags(this.server.client, options.among, options.signal) : await this.#wholeLibrary(options.signal);
    const matches = (other: TagRef): boolean => other.id === tag.id || (options.exact !== true && other.value.startsWith(`${tag.value}/`));
    const carrying = new Set<string>();
    for (const [id, tags] of tagsOf) if (tags.some(matches)) carrying.add(id);
    return carrying;
  }

  #wholeLibrary(signal: AbortSignal | undefined): Promise<Map<string, TagRef[]>> {
    this.#library ??= searchIds(this.server, {}, signal).then((ids) => {
      if (ids === undefined) throw new Error(`${this.server.client.baseUrl} cannot list its library completely`);
      return readTags(this.server.client, [...ids], signal);
    });
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

/**
 * Ids of the assets in an album (v1.135+ search; older servers embed them in `GET /albums/{id}`, as
 * do some compatible servers whose searches stop early).
 */
export async function assetsInAlbum(server: ImmichServer, albumId: string, signal?: AbortSignal): Promise<Set<string>> {
  const found = server.capabilities.searchAlbumIds ? await searchIds(server, { albumIds: [albumId] }, signal) : undefined;
  if (found !== undefined) return found;
  const album = await server.client.getAlbum(albumId, signal ? { signal } : {});
  if (!album.assets) throw new Error(`${server.client.baseUrl} cannot tell completely which photos album ${album.albumName} holds`);
  return new Set(album.assets.map((asset) => (asset as { id?: unknown }).id).filter((id): id is string => typeof id === 'string'));
}

/**
 * Which of `ids` are favorites now: one `isFavorite` search (per scope), each answer checked on the
 * asset itself too, so a server that ignores the filter cannot make every asset look like one.
 */
export async function favoritesAmong(server: ImmichServer, ids: readonly string[]): Promise<Set<string>> {
  const wanted = new Set(ids);
  const favorites = await searchIds(server, { isFavorite: true }, undefined, (item) => (item as { isFavorite?: unknown }).isFavorite === true);
  if (favorites !== undefined) return new Set([...favorites].filter((id) => wanted.has(id)));
  // The search cannot be trusted: each asset is asked (an asset gone since is no favorite).
  const flags = await mapLimited(ids, (id) => server.client.getAsset(id).then((asset) => asset.isFavorite === true, (error: unknown) => {
    if (isGone(error)) return false;
    throw error;
  }));
  return new Set(ids.filter((_, index) => flags[index]));
}

/** The ids a search finds (over every scope), or undefined when the server's paging cannot be trusted to have listed them all. */
async function searchIds(server: ImmichServer, filter: Pick<MetadataSearchBody, 'tagIds' | 'albumIds' | 'isFavorite'>, signal?: AbortSignal, accept: (item: unknown) => boolean = () => true): Promise<Set<string> | undefined> {
  const ids = new Set<string>();
  const filtered = Object.keys(filter).length > 0;
  for (const scope of searchScopes(server.capabilities)) {
    const trail = newTrail();
    for (let page: number | null = 1; page !== null; ) {
      const result = await server.client.searchMetadataPage({ ...filter, ...scope, page, size: 1000, withDeleted: false }, signal ? { signal } : {});
      for (const item of result.items) {
        const id = (item as { id?: unknown }).id;
        if (typeof id === 'string' && accept(item)) ids.add(id);
      }
      page = followPage(trail, page, result.items.length, result.nextPage);
    }
    if (trail.repeated || (filtered && !(await server.client.paging.complete(trail, signal)))) return undefined;
  }
  return ids;
}

export function* chunked<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
