/**
 * The thumbnail cache in front of a source's `thumbnail()`: asks the store first, fetches on a miss,
 * keeps the answer. Keys hold everything that changes the bytes (asset id, change key, thumbnail
 * size, a layout version), so an edited asset can never be served its old thumbnail.
 *
 * A cache is disposable: a damaged entry is a warning and a miss, and a failed write is a warning;
 * neither ever fails the photo. Concurrent requests for one key share a single fetch.
 */

import { createHash } from 'node:crypto';
import { DiskThumbnailStore } from './disk-thumbnail-store.js';
import { DEFAULT_MEMORY_MAX_BYTES, MemoryThumbnailStore } from './memory-thumbnail-store.js';
import type { ThumbnailStore, WarningHandler } from './thumbnail-store.js';

export const DEFAULT_CACHE_MAX_BYTES = 5000 * 1024 * 1024;

/** Bump when what a cached thumbnail means changes (e.g. a different rendition is requested). */
const KEY_VERSION = 'thumb-key-v1';

export interface ThumbnailKey {
  /** The photo's stable id (an Immich asset id). */
  id: string;
  /** Changes whenever the content may have (the Immich checksum). */
  changeKey: string;
  /** Which rendition, e.g. Immich's `thumbnail` or `preview`. */
  size: string;
}

export interface ThumbnailCacheOptions {
  /** Folder for the files; required unless `streamMode`. */
  cacheDir?: string;
  /** Size cap for the files on disk (default 5000 MB). */
  maxBytes?: number;
  /** Memory only: not a single file is written (`--stream-mode`). */
  streamMode?: boolean;
  /** Memory budget in stream mode (default 32 MB). */
  memoryMaxBytes?: number;
  /** Receives warnings (damaged entries, failed writes); the CLI logs them. */
  onWarning?: WarningHandler;
}

export interface ThumbnailCacheStats {
  hits: number;
  misses: number;
  /** Bytes held by the store now. */
  bytes: number;
  entries: number;
  evictions: number;
  corrupt: number;
  writeErrors: number;
}

export class ThumbnailCache {
  readonly #store: ThumbnailStore;
  readonly #warn: WarningHandler;
  readonly #inFlight = new Map<string, Promise<Buffer>>();
  readonly #writes = new Set<Promise<void>>();
  #hits = 0;
  #misses = 0;
  #writeErrors = 0;

  private constructor(store: ThumbnailStore, warn: WarningHandler) {
    this.#store = store;
    this.#warn = warn;
  }

  static async open(options: ThumbnailCacheOptions): Promise<ThumbnailCache> {
    const warn = options.onWarning ?? (() => undefined);
    if (options.streamMode === true) {
      return new ThumbnailCache(new MemoryThumbnailStore(options.memoryMaxBytes ?? DEFAULT_MEMORY_MAX_BYTES), warn);
    }
    if (options.cacheDir === undefined) throw new TypeError('ThumbnailCache: cacheDir is required unless streamMode is on');
    const maxBytes = options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    return new ThumbnailCache(await DiskThumbnailStore.open(options.cacheDir, maxBytes, warn), warn);
  }

  /** The cached bytes, or undefined. Never throws for a cache problem. */
  async get(key: ThumbnailKey): Promise<Buffer | undefined> {
    const bytes = await this.#read(entryName(key));
    if (bytes === undefined) this.#misses++;
    else this.#hits++;
    return bytes;
  }

  /** Stores the bytes. A failed write (disk full, permissions) is a warning, not an error. */
  async set(key: ThumbnailKey, bytes: Buffer): Promise<void> {
    try {
      await this.#store.set(entryName(key), bytes);
    } catch (error) {
      this.#writeErrors++;
      this.#warn(`thumbnail cache: could not store a thumbnail (${error instanceof Error ? error.message : String(error)}); continuing without caching it`);
    }
  }

  /** Cached bytes, or the fetcher's (stored for next time). Fetch errors reach the caller. */
  async getOrFetch(key: ThumbnailKey, fetcher: () => Promise<Buffer>): Promise<Buffer> {
    const name = entryName(key);
    const running = this.#inFlight.get(name);
    if (running !== undefined) return running;
    const work = (async (): Promise<Buffer> => {
      const cached = await this.#read(name);
      if (cached !== undefined) {
        this.#hits++;
        return cached;
      }
      this.#misses++;
      const bytes = await fetcher();
      // The caller need not wait for the disk; close() does.
      const write = this.set(key, bytes);
      this.#writes.add(write);
      void write.finally(() => this.#writes.delete(write));
      return bytes;
    })();
    this.#inFlight.set(name, work);
    try {
      return await work;
    } finally {
      this.#inFlight.delete(name);
    }
  }

  stats(): ThumbnailCacheStats {
    return { hits: this.#hits, misses: this.#misses, writeErrors: this.#writeErrors, ...this.#store.stats() };
  }

  /** Waits for pending writes and file housekeeping. */
  async close(): Promise<void> {
    while (this.#writes.size > 0) await Promise.all([...this.#writes]);
    await this.#store.close();
  }

  async #read(name: string): Promise<Buffer | undefined> {
    try {
      return await this.#store.get(name);
    } catch (error) {
      this.#warn(`thumbnail cache: read failed (${error instanceof Error ? error.message : String(error)}); treating as a miss`);
      return undefined;
    }
  }
}

/** A fixed-length, filesystem-safe name for a key; ids and change keys may hold any character. */
export function entryName(key: ThumbnailKey): string {
  return createHash('sha256').update(`${KEY_VERSION}\0${key.id}\0${key.changeKey}\0${key.size}`).digest('hex');
}
