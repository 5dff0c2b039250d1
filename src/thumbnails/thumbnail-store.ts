/** Where the thumbnail cache keeps bytes: files on disk, or memory only (`--stream-mode`). */

export interface ThumbnailStoreStats {
  /** Bytes held right now (payload only). */
  bytes: number;
  entries: number;
  evictions: number;
  /** Entries found damaged and dropped. */
  corrupt: number;
}

export interface ThumbnailStore {
  /** The bytes stored under `name`, or undefined (missing, evicted, or damaged: a miss, never an error). */
  get(name: string): Promise<Buffer | undefined>;
  /** Stores the bytes; may evict older entries to stay under the size cap. */
  set(name: string, bytes: Buffer): Promise<void>;
  stats(): ThumbnailStoreStats;
  close(): Promise<void>;
}

export type WarningHandler = (message: string) => void;
