/**
 * What changed on the server since the last poll: `POST /search/metadata` with `updatedAfter`
 * (API-NOTES §4: "good for incremental rescans"). Immich compares `updatedAt >= updatedAfter`, and
 * `updatedAt` moves on every write to the asset row, including the thumbnail job's thumbhash, so a
 * photo uploaded before its thumbnail existed comes back once it has one.
 *
 * The cursor is the newest `updatedAt` the server has shown us (its own clock, so a skewed client
 * clock does not matter), and each poll looks `overlapMs` further back than it: a write whose
 * transaction committed late, stamped a little before the cursor, is still seen. What the overlap
 * brings again is recognised by (id, updatedAt) and by the caller's `isNew` (the hash store), so it
 * is handed on only once. What it remembers shrinks as the cursor moves: memory stays flat however
 * long it runs. `updatedAfter` is checked here too, so a compatible server that ignores the filter
 * costs a longer listing, not a wrong answer.
 *
 * The first poll has no cursor and lists the whole library: what the store does not know yet (all
 * of it, on a new store) is the first batch.
 */

import type { Photo } from '../core/photo.js';
import { assetToPhoto } from '../sources/immich/asset-photo.js';
import { searchPages } from '../sources/immich/asset-listing.js';
import { newTrail } from '../sources/immich/paging-check.js';
import type { ImmichClient } from '../sources/immich/immich-client.js';
import { parseAsset, type AssetDto, type MetadataSearchBody } from '../sources/immich/immich-dto.js';
import type { ServerCapabilities } from '../sources/immich/server-capabilities.js';

export interface ChangePollerOptions {
  client: ImmichClient;
  capabilities: Pick<ServerCapabilities, 'visibilityFilter'>;
  /** How far behind the cursor each poll looks again (default 2 minutes). */
  overlapMs?: number;
  pageSize?: number;
}

type Filter = Omit<MetadataSearchBody, 'page' | 'size' | 'withExif' | 'updatedAfter'>;

export class ChangePoller {
  readonly #options: ChangePollerOptions;
  #ownerId: string | undefined;
  /** Newest `updatedAt` seen, in ms of the server's clock. */
  #cursor: number | undefined;
  /** Assets handed on, by id → the `updatedAt` they had then (only those within the overlap). */
  readonly #handedOn = new Map<string, number>();

  constructor(options: ChangePollerOptions) {
    this.#options = options;
  }

  /** The cursor as the server's time, for logs and tests. */
  get cursor(): string | undefined {
    return this.#cursor === undefined ? undefined : new Date(this.#cursor).toISOString();
  }

  /** How many assets the poller remembers (bounded by the changes within the overlap). */
  get remembered(): number {
    return this.#handedOn.size;
  }

  /**
   * The key owner's photos changed since the last poll that `isNew` accepts (not trashed; timeline
   * and archive, as `organize` lists them). Throws the client's error when the server cannot be
   * asked; the cursor then stays where it was.
   */
  async poll(isNew: (photo: Photo) => boolean, signal?: AbortSignal): Promise<Photo[]> {
    this.#ownerId ??= (await this.#options.client.me({ signal })).id;
    const since = this.#cursor === undefined ? undefined : new Date(this.#cursor - this.#overlapMs).toISOString();
    const found = new Map<string, { photo: Photo; updatedAt: number }>();
    let newest = this.#cursor;
    const notBefore = since === undefined ? undefined : Date.parse(since);
    const take = (items: unknown[]) => {
      for (const raw of items) {
        const asset = parseAsset(raw);
        if (asset === undefined) continue;
        const updatedAt = timeOf(asset);
        if (updatedAt !== undefined && (newest === undefined || updatedAt > newest)) newest = updatedAt;
        if (found.has(asset.id) || !this.#wanted(asset)) continue;
        if (notBefore !== undefined && updatedAt !== undefined && updatedAt < notBefore) continue;
        if (updatedAt !== undefined && this.#handedOn.get(asset.id) === updatedAt) continue;
        const photo = assetToPhoto(asset);
        if (isNew(photo)) found.set(asset.id, { photo, updatedAt: updatedAt ?? newest ?? 0 });
      }
    };
    if (!(await this.#search(since, take, signal))) {
      // A server whose filtered searches stop early (PagingCheck): everything, filtered here.
      for (const withExif of [true, false]) {
        for await (const { items } of searchPages(this.#options.client, { withExif }, this.#pageOptions(signal))) take(items);
      }
    }
    this.#cursor = newest;
    for (const [id, { updatedAt }] of found) this.#handedOn.set(id, updatedAt);
    this.#forgetBefore(newest === undefined ? undefined : newest - this.#overlapMs);
    return [...found.values()].map((entry) => entry.photo);
  }

  /** The filtered searches; false as soon as one of them cannot be trusted to have listed everything. */
  async #search(since: string | undefined, take: (items: unknown[]) => void, signal: AbortSignal | undefined): Promise<boolean> {
    for (const filter of this.#filters()) {
      // With exif first (size, camera, date); exif is an inner join, so a second pass without it finds the rest.
      for (const withExif of [true, false]) {
        const trail = newTrail();
        const body = { ...filter, withExif, ...(since !== undefined ? { updatedAfter: since } : {}) };
        for await (const { items } of searchPages(this.#options.client, body, { ...this.#pageOptions(signal), trail })) take(items);
        if (!(await this.#options.client.paging.complete(trail, signal))) return false;
      }
    }
    return true;
  }

  #pageOptions(signal: AbortSignal | undefined): { signal?: AbortSignal; pageSize?: number } {
    return { ...(signal ? { signal } : {}), ...(this.#options.pageSize ? { pageSize: this.#options.pageSize } : {}) };
  }

  get #overlapMs(): number {
    return this.#options.overlapMs ?? 2 * 60_000;
  }

  /** Entries older than what the next poll asks for can never be listed again. */
  #forgetBefore(oldest: number | undefined): void {
    if (oldest === undefined) return;
    for (const [id, updatedAt] of this.#handedOn) if (updatedAt < oldest) this.#handedOn.delete(id);
  }

  /** The owner's still images, not in the trash (the search leaves trashed ones out; a server that does not is checked here). */
  #wanted(asset: AssetDto): boolean {
    return asset.ownerId === this.#ownerId && asset.type === 'IMAGE' && asset.isTrashed !== true && asset.visibility !== 'hidden' && asset.visibility !== 'locked';
  }

  /** As `organize` lists: timeline and archive (before v1.133, archived included with `withArchived`). */
  #filters(): Filter[] {
    const base: Filter = { type: 'IMAGE', withDeleted: false };
    if (!this.#options.capabilities.visibilityFilter) return [{ ...base, withArchived: true, isVisible: true }];
    return [{ ...base, visibility: 'timeline' }, { ...base, visibility: 'archive' }];
  }
}

function timeOf(asset: AssetDto): number | undefined {
  if (!asset.updatedAt) return undefined;
  const time = Date.parse(asset.updatedAt);
  return Number.isNaN(time) ? undefined : time;
}
