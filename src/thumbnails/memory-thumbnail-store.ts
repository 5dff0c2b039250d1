/**
 * Thumbnails in memory only, for `--stream-mode`: nothing is written to disk, and a small LRU keeps
 * the few thumbnails asked for twice in a run (the report's contact sheet) without a second download.
 */

import { LRUCache } from 'lru-cache';
import type { ThumbnailStore, ThumbnailStoreStats } from './thumbnail-store.js';

export const DEFAULT_MEMORY_MAX_BYTES = 32 * 1024 * 1024;

export class MemoryThumbnailStore implements ThumbnailStore {
  readonly #entries: LRUCache<string, Buffer>;
  #evictions = 0;

  constructor(maxBytes: number = DEFAULT_MEMORY_MAX_BYTES) {
    this.#entries = new LRUCache<string, Buffer>({
      maxSize: Math.max(1, maxBytes),
      sizeCalculation: (bytes) => Math.max(1, bytes.length),
      dispose: (_bytes, _name, reason) => {
        if (reason === 'evict') this.#evictions++;
      },
    });
  }

  get(name: string): Promise<Buffer | undefined> {
    return Promise.resolve(this.#entries.get(name));
  }

  set(name: string, bytes: Buffer): Promise<void> {
    this.#entries.set(name, bytes);
    return Promise.resolve();
  }

  stats(): ThumbnailStoreStats {
    return { bytes: this.#entries.calculatedSize, entries: this.#entries.size, evictions: this.#evictions, corrupt: 0 };
  }

  close(): Promise<void> {
    this.#entries.clear();
    return Promise.resolve();
  }
}
