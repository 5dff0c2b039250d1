/**
 * `watch` on an Immich server, put together: the change poller, one batch per poll that found
 * something, and the outage log. The caller holds the store lock for the whole watch (taken before
 * it connects), so a second watch or organize on the same store is refused. The CLI gives it an open source and the organize settings;
 * a test gives it a `sleep` that drives the loop without waiting.
 */

import { setTimeout as wait } from 'node:timers/promises';
import type { Photo } from '../core/photo.js';
import type { Logger } from '../core/progress.js';
import { FINGERPRINT_VERSION } from '../hashing/fingerprint.js';
import type { OrganizeResult } from '../pipeline.js';
import type { ImmichPhotoSource } from '../sources/immich/immich-photo-source.js';
import { HashRepository } from '../store/hash-repository.js';
import { openStore } from '../store/open-store.js';
import { ChangePoller } from './change-poller.js';
import { OutageLog } from './outage.js';
import { runWatchBatch, type BatchSettings } from './watch-batch.js';
import { runWatchLoop, type WatchSummary } from './watch-loop.js';

export interface WatchOptions {
  server: ImmichPhotoSource;
  /** Where the server is, for the log (never with the key). */
  serverUrl: string;
  storeFile: string;
  settings: BatchSettings;
  intervalMs: number;
  signal: AbortSignal;
  logger: Logger;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  onBatch?: (count: number) => void | Promise<void>;
  onResult?: (result: OrganizeResult) => void;
  /** Outage backoff (tests shorten it). */
  firstRetryDelayMs?: number;
}

export async function watchImmich(options: WatchOptions): Promise<WatchSummary> {
  const { storeFile, logger } = options;
  // Made (and migrated) now: each poll reads it to tell new photos from known ones.
  openStore(storeFile).close();
  const poller = new ChangePoller({ client: options.server.client, capabilities: options.server.capabilities });
  const context = { storeFile, server: options.server, settings: options.settings, logger, ...(options.onResult ? { onResult: options.onResult } : {}) };
  logger.info(`watching Immich at ${options.serverUrl} every ${options.intervalMs / 1000} s; stop with Ctrl-C or SIGTERM`);
  const summary = await runWatchLoop({
    intervalMs: options.intervalMs,
    signal: options.signal,
    sleep: options.sleep ?? sleep,
    poll: (signal) => pollUnknown(poller, storeFile, signal),
    runBatch: (photos, signal) => runWatchBatch(photos, context, signal),
    outage: new OutageLog({ logger, what: `Immich at ${options.serverUrl}`, ...(options.firstRetryDelayMs !== undefined ? { firstDelayMs: options.firstRetryDelayMs } : {}) }),
    logger,
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
  });
  logger.info(`watch stopped after ${summary.batches} ${summary.batches === 1 ? 'batch' : 'batches'}; the hash database is consistent`);
  return summary;
}

/** The changed photos the store does not know with this content and fingerprint. */
async function pollUnknown(poller: ChangePoller, storeFile: string, signal: AbortSignal): Promise<Photo[]> {
  const db = openStore(storeFile, { readonly: true });
  try {
    const store = new HashRepository(db);
    return await poller.poll((photo) => {
      const stored = store.find(photo.source, photo.id);
      return stored === undefined || stored.changeKey !== photo.changeKey || stored.fingerprintVersion !== FINGERPRINT_VERSION;
    }, signal);
  } finally {
    db.close();
  }
}

/** Waits `ms`, or less when the signal stops the watch. */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await wait(ms, undefined, { signal });
  } catch {
    // Aborted: the loop sees the signal and stops.
  }
}
