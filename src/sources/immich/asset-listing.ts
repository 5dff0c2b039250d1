/**
 * Streaming every asset of one search, page by page, with one page fetched ahead so the network and
 * the consumer overlap. At most two pages (2 × 1000 items) are held at a time.
 */

import type { ImmichClient, SearchPage } from './immich-client.js';
import type { MetadataSearchBody } from './immich-dto.js';

export const PAGE_SIZE = 1000;

export interface PageEvent {
  page: number;
  items: unknown[];
}

export async function* searchPages(
  client: ImmichClient,
  filter: Omit<MetadataSearchBody, 'page' | 'size'>,
  options: { pageSize?: number; signal?: AbortSignal } = {},
): AsyncGenerator<PageEvent> {
  const size = options.pageSize ?? PAGE_SIZE;
  const fetchPage = (page: number): Promise<SearchPage> => client.searchMetadataPage({ ...filter, page, size }, { signal: options.signal });
  let page = 1;
  let pending: Promise<SearchPage> | undefined = fetchPage(page);
  try {
    while (pending !== undefined) {
      const current = await pending;
      pending = undefined;
      // A server that repeats the page number would loop forever; only ever move forward.
      const next = current.nextPage !== null && current.nextPage > page && current.items.length > 0 ? current.nextPage : null;
      if (next !== null) pending = fetchPage(next);
      yield { page, items: current.items };
      if (next !== null) page = next;
    }
  } finally {
    // The consumer stopped early: the look-ahead request must not become an unhandled rejection.
    pending?.catch(() => undefined);
  }
}
