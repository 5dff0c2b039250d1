/** Reading tag state from Immich before writing, so writes are only what is missing. */

import type { ImmichClient, TagDto } from '../../sources/immich/index.js';

/** The tag whose full value (`parent/child`) is `name`, if it exists. */
export async function findTag(client: ImmichClient, name: string, signal?: AbortSignal): Promise<TagDto | undefined> {
  const tags = await client.listTags(signal ? { signal } : {});
  return tags.find((tag) => tag.value === name);
}

/** The tag `name` and every tag below it (`name/...`), deepest first: the order to untag in. */
export function tagSubtree(tags: readonly TagDto[], name: string): TagDto[] {
  return tags
    .filter((tag) => tag.value === name || tag.value.startsWith(`${name}/`))
    .sort((a, b) => b.value.split('/').length - a.value.split('/').length || a.value.localeCompare(b.value));
}

/**
 * Ids of every asset that has the tag, paged through search. The search also matches assets that carry
 * only a child of the tag, so this can over-count; callers that write use per-asset results to be exact.
 */
export async function assetsWithTag(client: ImmichClient, tagId: string, signal?: AbortSignal): Promise<Set<string>> {
  return searchIds(client, { tagIds: [tagId] }, signal);
}

/** Ids of the assets in an album (v1.135+ search; older servers embed them in `GET /albums/{id}`). */
export async function assetsInAlbum(client: ImmichClient, albumId: string, searchAlbumIds: boolean, signal?: AbortSignal): Promise<Set<string>> {
  if (searchAlbumIds) return searchIds(client, { albumIds: [albumId] }, signal);
  const album = await client.getAlbum(albumId, signal ? { signal } : {});
  return new Set((album.assets ?? []).map((asset) => (asset as { id?: unknown }).id).filter((id): id is string => typeof id === 'string'));
}

async function searchIds(client: ImmichClient, filter: { tagIds?: string[]; albumIds?: string[] }, signal?: AbortSignal): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let page: number | null = 1; page !== null; ) {
    const result = await client.searchMetadataPage({ ...filter, page, size: 1000, withDeleted: false }, signal ? { signal } : {});
    for (const item of result.items) {
      const id = (item as { id?: unknown }).id;
      if (typeof id === 'string') ids.add(id);
    }
    page = result.nextPage;
  }
  return ids;
}

export function* chunked<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
