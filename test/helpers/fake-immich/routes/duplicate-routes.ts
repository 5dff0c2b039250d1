/**
 * `/duplicates`: the groups of `duplicateId` (set by Immich's ML job, or by `PUT /assets {ids,
 * duplicateId}`: RESOLVE-NOTES §1), and the dismiss routes. As Immich v3.1.0's DuplicateRepository:
 * only the user's own assets that are not trashed, not stacked, timeline or archive, and have an exif
 * row; each `GET` first clears the `duplicateId` of a group's only member.
 */
import { bodyOf, json, noContent, type RequestContext } from '../http.js';
import type { RouteDef } from '../router.js';
import { assetDto } from '../serialize.js';
import type { FakeAsset } from '../types.js';

function groups(ctx: RequestContext): Map<string, FakeAsset[]> {
  const out = new Map<string, FakeAsset[]>();
  for (const asset of ctx.state.assets.values()) {
    // Immich ignores trashed, stacked, hidden and locked assets here (and those without exif: an inner join).
    if (!asset.duplicateId || asset.ownerId !== ctx.user.id || asset.deletedAt !== null || asset.stackId !== null || asset.exif === null) continue;
    if (asset.visibility !== 'timeline' && asset.visibility !== 'archive') continue;
    out.set(asset.duplicateId, [...(out.get(asset.duplicateId) ?? []), asset]);
  }
  return out;
}

/** `cleanupSingletonGroups`: counted over every visibility (not over trashed or stacked assets). */
function clearSingletons(ctx: RequestContext): void {
  const members = new Map<string, FakeAsset[]>();
  for (const asset of ctx.state.assets.values()) {
    if (!asset.duplicateId || asset.ownerId !== ctx.user.id || asset.deletedAt !== null || asset.stackId !== null) continue;
    members.set(asset.duplicateId, [...(members.get(asset.duplicateId) ?? []), asset]);
  }
  for (const group of members.values()) if (group.length === 1 && group[0]) group[0].duplicateId = null;
}

function clear(ctx: RequestContext, duplicateId: string): void {
  for (const asset of ctx.state.assets.values()) if (asset.ownerId === ctx.user.id && asset.duplicateId === duplicateId) asset.duplicateId = null;
}

export const duplicateRoutes: RouteDef[] = [
  {
    method: 'GET',
    template: '/duplicates',
    capability: 'duplicates',
    handler: (ctx) => {
      clearSingletons(ctx);
      const out = [];
      for (const [duplicateId, assets] of groups(ctx)) {
        if (assets.length < 2) continue;
        assets.sort((a, b) => (a.localDateTime < b.localDateTime ? -1 : 1));
        const keep = [...assets].sort((a, b) => (b.exif?.fileSizeInByte ?? 0) - (a.exif?.fileSizeInByte ?? 0))[0];
        out.push({ duplicateId, assets: assets.map((a) => assetDto(ctx.state, a, { exif: true, tags: true })), suggestedKeepAssetIds: keep ? [keep.id] : [] });
      }
      return json(200, out);
    },
  },
  {
    method: 'DELETE',
    template: '/duplicates/{id}',
    capability: 'duplicates',
    handler: (ctx) => {
      clear(ctx, ctx.params.id ?? '');
      return noContent();
    },
  },
  {
    method: 'DELETE',
    template: '/duplicates',
    capability: 'duplicates',
    handler: (ctx) => {
      for (const id of bodyOf<{ ids: string[] }>(ctx).ids) clear(ctx, id);
      return noContent();
    },
  },
];
