/**
 * One `watch` batch: the organize flow run on the batch's photos grouped against the whole store,
 * acting only on the groups they are in, journaled as one run (`watch`) that `undo` can reverse.
 * Says which photos to try again: those that failed, those whose group waits for a deleted member
 * to leave the store, and all of them when a change did not go through.
 */

import type { Photo } from '../core/photo.js';
import type { Logger } from '../core/progress.js';
import { organize, summaryLine, type OrganizeRequest, type OrganizeResult } from '../pipeline.js';
import type { ImmichPhotoSource } from '../sources/immich/immich-photo-source.js';
import { HashRepository } from '../store/hash-repository.js';
import { openStore } from '../store/open-store.js';
import { batchScope } from './batch-scope.js';
import { batchSource } from './batch-source.js';
import type { BatchOutcome } from './watch-loop.js';

/** What every batch shares: the organize settings and target, as `organize` would use them. */
export type BatchSettings = Omit<OrganizeRequest, 'source' | 'storeFile' | 'signal' | 'narrowGroups' | 'command' | 'storeLocked' | 'logger'>;

export interface WatchBatchContext {
  storeFile: string;
  server: ImmichPhotoSource;
  settings: BatchSettings;
  logger: Logger;
  /** Each batch's result (the CLI prints nothing more; tests look at it). */
  onResult?: (result: OrganizeResult) => void;
}

export async function runWatchBatch(photos: readonly Photo[], context: WatchBatchContext, signal: AbortSignal): Promise<BatchOutcome> {
  const { storeFile, server, logger } = context;
  const changedIds = new Set(photos.map((photo) => photo.id));
  const scope = batchScope(server.client, changedIds, logger, context.settings.concurrency);
  const result = await organize({
    ...context.settings,
    source: batchSource(photos, storeFile, server),
    storeFile,
    storeLocked: true,
    command: 'watch',
    narrowGroups: scope.narrow,
    logger,
    signal,
  });
  if (scope.gone.length > 0) {
    forget(storeFile, scope.gone);
    logger.info(`${scope.gone.length} photos no longer in the library were dropped from the hash database`);
  }
  const { report } = result;
  logger.info(`batch ${report.runId}: ${photos.length} new or changed; ${summaryLine(report)}`);
  for (const action of report.actions.filter((candidate) => candidate.status === 'failed' || candidate.status === 'not kept')) {
    logger.warn(`${action.type} ${action.target}: ${action.error ?? action.status} (tried again next batch)`);
  }
  context.onResult?.(result);
  const changeFailed = report.actions.some((action) => action.status === 'failed' || action.status === 'not kept');
  if (changeFailed) return { retry: photos };
  const failed = new Set(report.skipped.filter((item) => item.reason.startsWith('failed: ')).map((item) => item.id));
  const deferred = new Set(scope.deferred);
  return { retry: photos.filter((photo) => failed.has(photo.id) || deferred.has(photo.id)) };
}

function forget(storeFile: string, ids: readonly string[]): void {
  const db = openStore(storeFile);
  try {
    new HashRepository(db).forget('immich', ids);
  } finally {
    db.close();
  }
}
