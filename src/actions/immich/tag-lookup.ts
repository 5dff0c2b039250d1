/** Reading tag state from Immich before writing, so writes are only what is missing. */

import type { ImmichClient, TagDto } from '../../sources/immich/index.js';

/** The tag whose full value (`parent/child`) is `name`, if it exists. */
export async function findTag(client: ImmichClient, name: string, signal?: AbortSignal): Promise<TagDto | undefined> {
  const tags = await client.listTags(signal ? { signal } : {});
  return tags.find((tag) => tag.value === name);
}

/** Ids of every asset that has the tag (or a child of it), paged through search. */
export async function assetsWithTag(client: ImmichClient, tagId: string, signal?: AbortSignal): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let page: number | null = 1; page !== null; ) {
    const result = await client.searchMetadataPage({ tagIds: [tagId], page, size: 1000, withDeleted: false }, signal ? { signal } : {});
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
