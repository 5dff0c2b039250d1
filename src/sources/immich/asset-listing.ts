/**
 * Streaming every asset of one search, page by page, with one page fetched ahead so the network and
 * the consumer overlap. At most two pages (2 × 1000 items) are held at a time. The `trail` tells the
 * caller how the search ended, for `PagingCheck`.
 */

import type { ImmichClient, SearchPage } from './immich-client.js';
import type { MetadataSearchBody } from './immich-dto.js';
import { followPage, newTrail, type PageTrail } from './paging-check.js';

export const PAGE_SIZE = 1000;

export interface PageEvent {
  page: number;
  items: unknown[];
}

export async function* searchPages(
  client: ImmichClient,
  filter: Omit<MetadataSearchBody, 'page' | 'size'>,
  options: { pageSize?: number; signal?: AbortSignal; trail?: PageTrail } = {},
): AsyncGenerator<PageEvent> {
  const trail = options.trail ?? newTrail();
  const size = options.pageSize ?? PAGE_SIZE;
  const fetchPage = (page: number): Promise<SearchPage> => client.searchMetadataPage({ ...filter, page, size }, { signal: options.signal });
  let page = 1;
  let pending: Promise<SearchPage> | undefined = fetchPage(page);
  try {
    while (pending !== undefined) {
      const current = await pending;
      pending = undefined;
      // A server that repeats the page number would loop forever: only ever move forward (the trail says it happened).
      const next = followPage(trail, page, current.items.length, current.nextPage);
      if (next !== null) pending = fetchPage(next);
      yield { page, items: current.items };
      if (next !== null) page = next;
    }
  } finally {
    // The consumer stopped early: the look-ahead request must not become an unhandled rejection.
    pending?.catch(() => undefined);
  }
}
