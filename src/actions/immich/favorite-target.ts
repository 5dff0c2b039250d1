/**
 * `--mark-best-favorite`: the best photo of each group becomes a favorite. Photos already favorite
 * (as listed this run) are left out of the write and of the journal, so undo never un-favorites them.
 * `PUT /assets` is all or nothing (API-NOTES §14.2); the source lists only the key owner's assets. One
 * favorites search reads the batch back: a server that ignores `isFavorite` is caught there.
 */

import type { ReportAction } from '../../core/report.js';
import type { ActionTarget, ApplyContext } from '../action-target.js';
import { planGroups, type GroupActionsPlan } from './group-plan.js';
import { notKeptAction, WrittenBatch } from './read-back.js';
import { chunked, favoritesAmong, type ImmichServer } from './tag-lookup.js';
import { beginWrite, errorMessage, UNCANCELLABLE, WRITE_CHUNK } from './write-support.js';

export function favoriteTarget(server: ImmichServer, includeSimilar: boolean): ActionTarget<GroupActionsPlan> {
  return {
    plan: (groups) => planGroups(groups, includeSimilar, ''),
    describe: (plan) => {
      const ids = toFavorite(plan);
      const notMine = plan.groups.filter((group) => !group.bestIsMine).length;
      const already = plan.groups.length - notMine - ids.length;
      return [`Would mark ${ids.length} best photos as favorite (${already} already are${notMine > 0 ? `; ${notMine} groups whose best photo is not yours are left alone` : ''})`];
    },
    planned: (plan) => [{ type: 'favorite', target: 'best photos', count: toFavorite(plan).length, status: 'planned' }],
    apply: (plan, context) => applyFavorites(server, plan, context),
  };
}

/** The best photo of each group that is the user's own and not a favorite yet. */
export function toFavorite(plan: GroupActionsPlan): string[] {
  const best = plan.groups.filter((group) => group.bestIsMine && !group.alreadyFavorite.has(group.assetIds[0] ?? '')).map((group) => group.assetIds[0] as string);
  return [...new Set(best)];
}

const NOT_FAVORITE = 'the server answered 2xx to PUT /assets {isFavorite: true} but the photos are not favorites';

async function applyFavorites(server: ImmichServer, plan: GroupActionsPlan, context: ApplyContext): Promise<ReportAction[]> {
  const ids = toFavorite(plan);
  const batch = new WrittenBatch({ seen: (written) => favoritesAmong(server, written), behaviour: NOT_FAVORITE });
  for (const chunk of chunked(ids, WRITE_CHUNK)) {
    const intent = beginWrite(context, { action: 'favorite', target: 'assets', detail: undefined, items: chunk });
    try {
      await server.client.updateAssets({ ids: chunk, isFavorite: true }, UNCANCELLABLE);
      batch.add(intent, chunk);
    } catch (error) {
      // All or nothing on the server, but the answer may be lost after it committed: the read-back tells.
      batch.add(intent, chunk, errorMessage(error));
      context.logger.warn(`marking ${chunk.length} photos as favorite failed: ${errorMessage(error)}`);
    }
  }
  const { done, notKept, failed, error } = await batch.settle(context);
  const actions: ReportAction[] = [{ type: 'favorite', target: 'best photos', count: done || plan.groups.length, status: done > 0 ? 'done' : 'unchanged' }];
  actions.push(...notKeptAction('favorite', 'best photos', notKept, NOT_FAVORITE));
  if (failed > 0) actions.push({ type: 'favorite', target: 'best photos', count: failed, status: 'failed', ...(error ? { error } : {}) });
  return actions;
}
