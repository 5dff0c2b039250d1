/**
 * Which groups a `watch` batch acts on: those holding a photo the batch brought. Their other
 * members come from the store, which knows their pixels but not their state now, so each is read
 * fresh (`GET /assets/{id}`): its favorite flag (the plan never favorites again, and undo never
 * un-favorites, a photo that already was one), and whether it is still there. A group with a member
 * deleted or trashed since it was stored is left out of this batch: its gone members leave the store
 * and its new photos are tried again in the next batch, grouped without them.
 */

import pLimit from 'p-limit';
import type { Logger } from '../core/progress.js';
import type { PhotoGroup } from '../grouping/group-engine.js';
import type { ImmichClient } from '../sources/immich/immich-client.js';
import { ImmichHttpError, isGone } from '../sources/immich/immich-errors.js';

export interface BatchScope {
  readonly narrow: (groups: PhotoGroup[], signal?: AbortSignal) => Promise<PhotoGroup[]>;
  /** Stored photos found deleted or trashed: to drop from the store. */
  readonly gone: string[];
  /** New photos whose group was left out: to try again next batch. */
  readonly deferred: string[];
}

export function batchScope(client: ImmichClient, changedIds: ReadonlySet<string>, logger: Logger, concurrency = 4): BatchScope {
  const gone: string[] = [];
  const deferred: string[] = [];
  const narrow = async (groups: PhotoGroup[], signal?: AbortSignal): Promise<PhotoGroup[]> => {
    const touched = groups.filter((group) => group.members.some((member) => changedIds.has(member.photo.id)));
    const stored = touched.flatMap((group) => group.members).filter((member) => member.photo.source === 'immich' && !member.photo.isReference && !changedIds.has(member.photo.id));
    const states = new Map<string, { favorite: boolean } | 'gone'>();
    const ask = async (id: string) => {
      try {
        const asset = await client.getAsset(id, { signal });
        states.set(id, asset.isTrashed === true ? 'gone' : { favorite: asset.isFavorite === true });
      } catch (error) {
        if (!isGone(error) && !(error instanceof ImmichHttpError && error.status === 404)) throw error;
        states.set(id, 'gone');
      }
    };
    const limit = pLimit(concurrency);
    await Promise.all([...new Set(stored.map((member) => member.photo.id))].map((id) => limit(() => ask(id))));
    const kept: PhotoGroup[] = [];
    for (const group of touched) {
      const missing = group.members.filter((member) => states.get(member.photo.id) === 'gone').map((member) => member.photo.id);
      if (missing.length > 0) {
        gone.push(...missing);
        deferred.push(...group.members.filter((member) => changedIds.has(member.photo.id)).map((member) => member.photo.id));
        logger.debug(`${group.id} waits for the next batch: ${missing.length} of its photos are no longer in the library`);
        continue;
      }
      for (const member of group.members) {
        const state = states.get(member.photo.id);
        if (state !== undefined && state !== 'gone') member.photo.meta = { ...member.photo.meta, isFavorite: state.favorite };
      }
      kept.push(group);
    }
    return kept;
  };
  return { narrow, gone, deferred };
}
