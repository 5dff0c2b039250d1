/**
 * Favorites, albums and stacks: Immich actions built per group. Each looks at the server's state
 * first and writes only what is missing (a second identical run sends no writing request), writes
 * in batches, and journals every confirmed change with what undo needs.
 */

import { throwIfCancelled } from '../../core/errors.js';
import type { ReportAction } from '../../core/report.js';
import type { PhotoGroup } from '../../grouping/group-engine.js';
import type { ImmichClient } from '../../sources/immich/index.js';
import type { ActionTarget, ApplyContext } from '../action-target.js';
import { actionableGroups } from '../plan.js';
import { chunked } from './tag-lookup.js';
import { WRITE_CHUNK } from './tag-target.js';

interface GroupPlan {
  /** Album name or stack label, e.g. `dup-0001`. */
  label: string;
  /** Best first. */
  assetIds: string[];
  /** Assets already favorite before this run (never un-favorited by undo). */
  alreadyFavorite: Set<string>;
}

export interface GroupActionsPlan {
  groups: GroupPlan[];
}

/** Immich members of the actionable groups, best first, reference photos left out. */
export function planGroups(groups: readonly PhotoGroup[], includeSimilar: boolean, labelPrefix: string): GroupActionsPlan {
  const planned: GroupPlan[] = [];
  for (const group of actionableGroups(groups, includeSimilar)) {
    const members = group.members.filter((member) => member.photo.source === 'immich' && !member.photo.isReference);
    if (members.length < 2) continue;
    planned.push({
      label: `${labelPrefix}${group.id.replace(/^group-/, '')}`,
      assetIds: members.map((member) => member.photo.id),
      alreadyFavorite: new Set(members.filter((member) => member.photo.meta.isFavorite).map((member) => member.photo.id)),
    });
  }
  return { groups: planned };
}

export function favoriteTarget(client: ImmichClient, includeSimilar: boolean): ActionTarget<GroupActionsPlan> {
  const toFavorite = (plan: GroupActionsPlan) =>
    plan.groups.map((group) => group.assetIds[0] as string).filter((id) => !plan.groups.some((g) => g.alreadyFavorite.has(id)));
  return {
    plan: (groups) => planGroups(groups, includeSimilar, ''),
    describe: (plan) => [`Would mark ${toFavorite(plan).length} best photos as favorite (${plan.groups.length - toFavorite(plan).length} already are)`],
    planned: (plan) => [{ type: 'favorite', target: 'best photos', count: toFavorite(plan).length, status: 'planned' }],
    apply: async (plan, context) => {
      const ids = toFavorite(plan);
      for (const chunk of chunked(ids, WRITE_CHUNK)) {
        throwIfCancelled(context.signal);
        await client.updateAssets({ ids: chunk, isFavorite: true }, withSignal(context));
        context.journal.record({ runId: context.runId, action: 'favorite', target: 'assets', subject: JSON.stringify(chunk), detail: undefined });
      }
      return [{ type: 'favorite', target: 'best photos', count: ids.length, status: ids.length > 0 ? 'done' : 'unchanged' }];
    },
  };
}

export function albumTarget(client: ImmichClient, includeSimilar: boolean, prefix: string): ActionTarget<GroupActionsPlan> {
  return {
    plan: (groups) => planGroups(groups, includeSimilar, prefix),
    describe: (plan) => plan.groups.map((group) => `Would put ${group.assetIds.length} photos in album '${group.label}' (creating it if it does not exist)`),
    planned: (plan) => [{ type: 'album', target: prefix, count: plan.groups.length, status: 'planned' }],
    apply: async (plan, context) => {
      const existing = new Map<string, string>();
      for (const album of await client.getAlbums({}, withSignal(context))) if (!existing.has(album.albumName)) existing.set(album.albumName, album.id);
      let created = 0;
      let added = 0;
      for (const group of plan.groups) {
        throwIfCancelled(context.signal);
        const albumId = existing.get(group.label);
        if (!albumId) {
          // Not retried blindly: a retried POST /albums could make a second album of that name.
          const album = await client.createAlbum(group.label, group.assetIds, { ...withSignal(context), retry: false });
          context.journal.record({ runId: context.runId, action: 'album.create', target: album.id, subject: JSON.stringify(group.assetIds), detail: group.label });
          created++;
          continue;
        }
        const inside = await albumAssets(client, albumId, context);
        const missing = group.assetIds.filter((id) => !inside.has(id));
        if (missing.length === 0) continue;
        await client.addAssetsToAlbum(albumId, missing, withSignal(context));
        context.journal.record({ runId: context.runId, action: 'album.assets', target: albumId, subject: JSON.stringify(missing), detail: group.label });
        added++;
      }
      const actions: ReportAction[] = [];
      if (created > 0) actions.push({ type: 'album', target: `${prefix}* created`, count: created, status: 'done' });
      if (added > 0) actions.push({ type: 'album', target: `${prefix}* completed`, count: added, status: 'done' });
      if (created + added === 0) actions.push({ type: 'album', target: prefix, count: plan.groups.length, status: 'unchanged' });
      return actions;
    },
  };
}

export function stackTarget(client: ImmichClient, includeSimilar: boolean): ActionTarget<GroupActionsPlan> {
  return {
    plan: (groups) => planGroups(groups, includeSimilar, 'stack-'),
    describe: (plan) => [`Would stack ${plan.groups.length} groups, the best photo on top`],
    planned: (plan) => [{ type: 'stack', target: 'groups', count: plan.groups.length, status: 'planned' }],
    apply: async (plan, context) => {
      let created = 0;
      for (const group of plan.groups) {
        throwIfCancelled(context.signal);
        const [primary] = group.assetIds as [string];
        const stacks = await client.getStacks({ primaryAssetId: primary }, withSignal(context));
        const wanted = new Set(group.assetIds);
        if (stacks.some((stack) => (stack.assets ?? []).length === wanted.size && (stack.assets ?? []).every((asset) => wanted.has(asset.id)))) continue;
        // Not retried blindly: POST /stacks is not idempotent (it absorbs stacks whose primary it names).
        const stack = await client.createStack(group.assetIds, { ...withSignal(context), retry: false });
        context.journal.record({ runId: context.runId, action: 'stack.create', target: stack.id, subject: JSON.stringify(group.assetIds), detail: group.label });
        created++;
      }
      return [{ type: 'stack', target: 'groups', count: created || plan.groups.length, status: created > 0 ? 'done' : 'unchanged' }];
    },
  };
}

async function albumAssets(client: ImmichClient, albumId: string, context: ApplyContext): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let page: number | null = 1; page !== null; ) {
    const result = await client.searchMetadataPage({ albumIds: [albumId], page, size: 1000 }, withSignal(context));
    for (const item of result.items) {
      const id = (item as { id?: unknown }).id;
      if (typeof id === 'string') ids.add(id);
    }
    page = result.nextPage;
  }
  return ids;
}

function withSignal(context: ApplyContext): { signal?: AbortSignal } {
  return context.signal ? { signal: context.signal } : {};
}
