/**
 * `--mark-best-favorite`: the best photo of each group becomes a favorite. Photos already favorite
 * (as listed this run) are left out of the write and of the journal, so undo never un-favorites them.
 * `PUT /assets` is all or nothing (API-NOTES §14.2); the source lists only the key owner's assets.
 */

import type { ReportAction } from '../../core/report.js';
import type { ImmichClient } from '../../sources/immich/index.js';
import type { ActionTarget, ApplyContext } from '../action-target.js';
import { planGroups, type GroupActionsPlan } from './group-plan.js';
import { chunked } from './tag-lookup.js';
import { beginWrite, errorMessage, mapLimited, settleWrite, UNCANCELLABLE, WRITE_CHUNK } from './write-support.js';

export function favoriteTarget(client: ImmichClient, includeSimilar: boolean): ActionTarget<GroupActionsPlan> {
  return {
    plan: (groups) => planGroups(groups, includeSimilar, ''),
    describe: (plan) => {
      const ids = toFavorite(plan);
      return [`Would mark ${ids.length} best photos as favorite (${plan.groups.length - ids.length} already are)`];
    },
    planned: (plan) => [{ type: 'favorite', target: 'best photos', count: toFavorite(plan).length, status: 'planned' }],
    apply: (plan, context) => applyFavorites(client, plan, context),
  };
}

/** The best photo of each group that is not a favorite yet. */
export function toFavorite(plan: GroupActionsPlan): string[] {
  const best = plan.groups.filter((group) => !group.alreadyFavorite.has(group.assetIds[0] ?? '')).map((group) => group.assetIds[0] as string);
  return [...new Set(best)];
}

async function applyFavorites(client: ImmichClient, plan: GroupActionsPlan, context: ApplyContext): Promise<ReportAction[]> {
  const ids = toFavorite(plan);
  let done = 0;
  let failed = 0;
  let firstError: string | undefined;
  for (const chunk of chunked(ids, WRITE_CHUNK)) {
    const intent = beginWrite(context, { action: 'favorite', target: 'assets', detail: undefined, items: chunk });
    let made = chunk;
    try {
      await client.updateAssets({ ids: chunk, isFavorite: true }, UNCANCELLABLE);
    } catch (error) {
      // All or nothing on the server, but the answer may be lost after it committed: ask.
      const now = await mapLimited(chunk, (id) => client.getAsset(id, UNCANCELLABLE).then((asset) => asset.isFavorite === true)).catch(() => undefined);
      made = now ? chunk.filter((_, index) => now[index]) : [];
      failed += chunk.length - made.length;
      firstError ??= errorMessage(error);
      context.logger.warn(`marking ${chunk.length} photos as favorite failed: ${errorMessage(error)}`);
      if (!now) continue;
    }
    settleWrite(context, intent, made);
    done += made.length;
  }
  const actions: ReportAction[] = [{ type: 'favorite', target: 'best photos', count: done || plan.groups.length, status: done > 0 ? 'done' : 'unchanged' }];
  if (failed > 0) actions.push({ type: 'favorite', target: 'best photos', count: failed, status: 'failed', ...(firstError ? { error: firstError } : {}) });
  return actions;
}
