/**
 * Whether a search that has ended listed everything. Some Immich-compatible servers cannot be
 * trusted here (COMPATIBLE-SERVERS.md): one caps the page size and answers `nextPage: null` to any
 * filtered search, whatever is left; a broken server can repeat a page number. So a search that
 * ends after one full page is checked against an unfiltered search of one item more: if that one
 * pages on where the filtered one stopped, the filtered answer is cut short and the caller lists
 * without filters and filters on the client. The probe is tiny (at most one page's items plus one)
 * and its lessons are kept (as are those of every search that paged), so a trusted server costs at
 * most a request or two per run, and none once a search has paged past a page of that size.
 */

import type { ImmichClient } from './immich-client.js';

/** What a finished search looked like, from `searchPages` or a hand-written loop. */
export interface PageTrail {
  pages: number;
  /** Items on the last page. */
  lastItems: number;
  /** The server answered a `nextPage` that was not ahead of the page it came with. */
  repeated: boolean;
  /** The fullest page that had more after it: pages of this server hold at least that many. */
  pagedAt: number;
}

export function newTrail(): PageTrail {
  return { pages: 0, lastItems: 0, repeated: false, pagedAt: 0 };
}

/** Records one page of a search; returns the page to ask for next, or null (also when the server repeats itself). */
export function followPage(trail: PageTrail, page: number, items: number, nextPage: number | null): number | null {
  trail.pages++;
  trail.lastItems = items;
  if (nextPage === null || items === 0) return null;
  if (nextPage <= page) {
    trail.repeated = true;
    return null;
  }
  trail.pagedAt = Math.max(trail.pagedAt, items);
  return nextPage;
}

export class PagingCheck {
  /** Unfiltered pages hold at least this many items. */
  #atLeast = 0;
  /** Unfiltered pages stop at this many items though more follow: the server's page cap. */
  #cap: number | undefined;
  /** The unfiltered listing ends within one page of this many items: nothing filtered can be longer. */
  #whole: number | undefined;
  #told = false;
  /** The probe in flight, if any. */
  #probing: Promise<void> | undefined;

  constructor(
    private readonly client: ImmichClient,
    private readonly onNotice: (message: string) => void = () => undefined,
  ) {}

  /** True when the search the trail describes can be trusted to be complete; says once in the log when not. */
  async complete(trail: PageTrail, signal?: AbortSignal): Promise<boolean> {
    this.#atLeast = Math.max(this.#atLeast, trail.pagedAt);
    if (trail.repeated) return this.#distrust(`POST /api/search/metadata answered a nextPage it had already given`);
    if (trail.pages !== 1 || trail.lastItems === 0) return true;
    if (await this.#fullPage(trail.lastItems, signal)) {
      return this.#distrust(`POST /api/search/metadata ended a filtered search after one page of ${trail.lastItems} assets while an unfiltered search pages on`);
    }
    return true;
  }

  /**
   * Whether `items` fills a page on this server while the unfiltered listing holds more. Searches that
   * end at the same time (one per album) wait for a probe in flight and read its answer: one probe
   * serves them all.
   */
  async #fullPage(items: number, signal: AbortSignal | undefined): Promise<boolean> {
    while (this.#probing) await this.#probing;
    if (this.#whole !== undefined || items < this.#atLeast) return false;
    if (this.#cap !== undefined) return items >= this.#cap;
    const probing = this.#probe(items, signal);
    this.#probing = probing.then(
      () => undefined,
      () => undefined,
    );
    try {
      await probing;
    } finally {
      this.#probing = undefined;
    }
    return this.#cap !== undefined && items >= this.#cap;
  }

  /** One unfiltered page of `items + 1`: learns the page size the server honours, or that the listing is whole. */
  async #probe(items: number, signal: AbortSignal | undefined): Promise<void> {
    const probe = await this.client.searchMetadataPage({ page: 1, size: items + 1 }, signal ? { signal } : {});
    const got = probe.items.length;
    if (got > items) this.#atLeast = Math.max(this.#atLeast, got);
    else if (probe.nextPage === null) this.#whole = got;
    else this.#cap = got;
  }

  #distrust(why: string): false {
    if (!this.#told) this.onNotice(`${why}: this server's filtered searches cannot be trusted to be complete, so photo-organizer lists without filters and filters here (slower, same result)`);
    this.#told = true;
    return false;
  }
}
