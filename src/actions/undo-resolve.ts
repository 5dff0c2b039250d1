/**
 * Reversing the resolve actions' journal entries. Each names every asset with its state before and
 * after (state-writes.ts), so undo puts back exactly the state before: the previous `duplicateId` (or
 * none), the previous `photo-organizer` metadata value (or none), the previous visibility, trashed
 * photos restored from the trash, and what a kept photo inherited taken off it again. Two things the
 * API cannot do are said, not hidden: a location or date given to a photo that had none cannot be
 * removed again, and a photo the server has emptied from its trash (past its trash days) is gone.
 */

import { isGone, type AssetUpdate, type ImmichClient } from '../sources/immich/index.js';
import type { JournalEntry } from '../store/run-repository.js';
import { METADATA_KEY } from './immich/similarity-target.js';
import type { AssetChange } from './immich/state-writes.js';
import { chunked } from './immich/tag-lookup.js';
import { WRITE_CHUNK } from './immich/write-support.js';

export interface Reversal {
  /** What was (or would be) done, after "Did"/"Would". */
  line?: string;
  /** Why (part of) the entry is left as it is. */
  kept?: string;
}

type Call = { signal?: AbortSignal };

/** Key permissions undoing each resolve entry needs. */
export const RESOLVE_PERMISSIONS: Record<string, readonly string[]> = {
  review: ['asset.update'],
  metadata: ['asset.update'],
  archive: ['asset.update'],
  trash: ['asset.delete'],
  'inherit.favorite': ['asset.update'],
  'inherit.rating': ['asset.update'],
  'inherit.description': ['asset.update'],
  'inherit.album': ['albumAsset.delete'],
};

export const RESOLVE_ACTIONS = new Set([...Object.keys(RESOLVE_PERMISSIONS), 'inherit.location', 'inherit.date']);

/** The changes of a resolve entry. */
export function changesOf(entry: JournalEntry): AssetChange<unknown>[] {
  return JSON.parse(entry.subject) as AssetChange<unknown>[];
}

export async function reverseResolve(entry: JournalEntry, client: ImmichClient, dryRun: boolean, call: Call): Promise<Reversal> {
  const changes = changesOf(entry);
  const n = changes.length;
  switch (entry.action) {
    case 'review':
      if (!dryRun) for (const [before, ids] of byBefore(changes)) await updateEach(client, ids, { duplicateId: before as string | null }, call);
      return { line: `put back the previous duplicateId (or none) of ${n} assets taken onto the review page` };
    case 'metadata':
      if (!dryRun) await restoreMetadata(client, changes, call);
      return { line: `put back the previous '${METADATA_KEY}' metadata (or none) of ${n} assets` };
    case 'archive':
      if (!dryRun) for (const [before, ids] of byBefore(changes)) await updateEach(client, ids, { visibility: before as AssetUpdate['visibility'] }, call);
      return { line: `unarchive ${n} photos (their visibility before)` };
    case 'trash': {
      if (dryRun) return { line: `restore ${n} photos from Immich's trash` };
      const gone = await restoreEach(client, changes.map((change) => change.id), call);
      return {
        line: `restore ${n - gone.length} photos from Immich's trash`,
        ...(gone.length > 0 ? { kept: `${gone.length} photos are no longer in Immich's trash (emptied, or past the server's trash days): ${gone.join(', ')}` } : {}),
      };
    }
    case 'inherit.favorite':
      if (!dryRun) await updateEach(client, changes.map((change) => change.id), { isFavorite: false }, call);
      return { line: `un-favorite ${n} best photos that were made favorite like their copies` };
    case 'inherit.rating':
      if (!dryRun) for (const [before, ids] of byBefore(changes)) await updateEach(client, ids, { rating: before as number | null }, call);
      return { line: `put back the rating of ${n} best photos` };
    case 'inherit.description':
      if (!dryRun) for (const change of changes) await updateEach(client, [change.id], { description: change.before as string }, call);
      return { line: `put back the description of ${n} best photos` };
    case 'inherit.album':
      if (!dryRun) await unlessGone(() => client.removeAssetsFromAlbum(entry.target, changes.map((change) => change.id), call));
      return { line: `take ${n} best photos out of the album ${entry.target} they joined from their copies` };
    case 'inherit.location':
    case 'inherit.date': {
      const what = entry.action === 'inherit.location' ? 'location' : 'date';
      return { kept: `${n} best photos keep the ${what} they took from a copy: they had none, and Immich's API cannot remove a ${what} once set (${changes.map((change) => change.id).join(', ')})` };
    }
    default:
      return { kept: `unknown journal action ${entry.action}` };
  }
}

/** Asset ids by their value before (JSON-keyed, so null and objects group too). */
function byBefore(changes: readonly AssetChange<unknown>[]): Map<unknown, string[]> {
  const groups = new Map<string, { before: unknown; ids: string[] }>();
  for (const change of changes) {
    const key = JSON.stringify(change.before ?? null);
    const group = groups.get(key) ?? { before: change.before ?? null, ids: [] };
    group.ids.push(change.id);
    groups.set(key, group);
  }
  return new Map([...groups.values()].map((group) => [group.before, group.ids]));
}

/** `PUT /assets` is all or nothing: if an asset is gone since, the rest are done one by one. */
async function updateEach(client: ImmichClient, ids: readonly string[], update: Omit<AssetUpdate, 'ids'>, call: Call): Promise<void> {
  for (const chunk of chunked(ids, WRITE_CHUNK)) {
    if (await unlessGone(() => client.updateAssets({ ids: chunk, ...update }, call))) for (const id of chunk) await unlessGone(() => client.updateAssets({ ids: [id], ...update }, call));
  }
}

/** Restores what it can; returns the ids no longer in the trash to restore. */
async function restoreEach(client: ImmichClient, ids: readonly string[], call: Call): Promise<string[]> {
  const gone: string[] = [];
  for (const chunk of chunked(ids, WRITE_CHUNK)) {
    if (!(await unlessGone(() => client.restoreFromTrash(chunk, call)))) continue;
    for (const id of chunk) if (await unlessGone(() => client.restoreFromTrash([id], call))) gone.push(id);
  }
  return gone;
}

async function restoreMetadata(client: ImmichClient, changes: readonly AssetChange<unknown>[], call: Call): Promise<void> {
  const restore = changes.filter((change) => change.before !== null && change.before !== undefined);
  const remove = changes.filter((change) => change.before === null || change.before === undefined);
  for (const chunk of chunked(restore, WRITE_CHUNK)) {
    const items = chunk.map((change) => ({ assetId: change.id, key: METADATA_KEY, value: change.before as Record<string, unknown> }));
    if (await unlessGone(() => client.upsertAssetMetadata(items, call))) for (const item of items) await unlessGone(() => client.upsertAssetMetadata([item], call));
  }
  for (const chunk of chunked(remove, WRITE_CHUNK)) {
    const items = chunk.map((change) => ({ assetId: change.id, key: METADATA_KEY }));
    if (await unlessGone(() => client.deleteAssetMetadata(items, call))) for (const item of items) await unlessGone(() => client.deleteAssetMetadata([item], call));
  }
}

/** Runs a call; true when the object is no longer there (Immich answers 400 "Not found or no ... access"). */
export async function unlessGone(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return false;
  } catch (error) {
    if (isGone(error)) return true;
    throw error;
  }
}
