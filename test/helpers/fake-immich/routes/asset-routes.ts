/** Asset reads and updates: GET/PUT `/assets/{id}`, bulk PUT/DELETE `/assets`, statistics, trash restore. */
import { bodyOf, json, noAccess, noContent, type RequestContext } from '../http.js';
import type { RouteDef } from '../router.js';
import { assetDto } from '../serialize.js';
import type { FakeAsset, AssetVisibility } from '../types.js';
import { ownedAsset, requireReadableAsset } from './access.js';

interface AssetUpdate {
  isFavorite?: boolean;
  visibility?: AssetVisibility;
  duplicateId?: string | null;
  rating?: number | null;
  description?: string;
  dateTimeOriginal?: string;
  latitude?: number;
  longitude?: number;
}

function applyUpdate(ctx: RequestContext, asset: FakeAsset, update: AssetUpdate): void {
  if (update.isFavorite !== undefined) asset.isFavorite = update.isFavorite;
  if (update.duplicateId !== undefined) asset.duplicateId = update.duplicateId;
  if (update.rating !== undefined) asset.rating = update.rating;
  if (update.description !== undefined) asset.description = update.description;
  if (update.visibility !== undefined) {
    asset.visibility = update.visibility;
    // Locking an asset also removes it from every album.
    if (update.visibility === 'locked') for (const album of ctx.state.albums.values()) album.assetIds.delete(asset.id);
  }
  if (asset.exif) {
    if (update.rating !== undefined) asset.exif.rating = update.rating;
    if (update.description !== undefined) asset.exif.description = update.description;
    if (update.dateTimeOriginal !== undefined) asset.exif.dateTimeOriginal = update.dateTimeOriginal;
    if (update.latitude !== undefined) asset.exif.latitude = update.latitude;
    if (update.longitude !== undefined) asset.exif.longitude = update.longitude;
  }
  asset.updatedAt = new Date().toISOString();
}

/** All or nothing: one id that is not owned fails the whole batch (Immich's `asset.update`/`asset.delete` check). */
function requireAllOwned(ctx: RequestContext, ids: string[], permission: string): FakeAsset[] {
  const assets = ids.map((id) => ownedAsset(ctx, id));
  if (assets.some((a) => a === undefined)) throw noAccess(permission);
  return assets as FakeAsset[];
}

export const assetRoutes: RouteDef[] = [
  {
    method: 'GET',
    template: '/assets/{id}',
    handler: (ctx) => json(200, assetDto(ctx.state, requireReadableAsset(ctx, ctx.params.id ?? '', 'asset.read'), { owner: true, tags: true, stack: true, exif: true, viewerId: ctx.user.id, api: ctx.config.api })),
  },
  {
    method: 'PUT',
    template: '/assets/{id}',
    handler: (ctx) => {
      const asset = ownedAsset(ctx, ctx.params.id ?? '');
      if (!asset) throw noAccess('asset.update');
      applyUpdate(ctx, asset, bodyOf<AssetUpdate>(ctx));
      return json(200, assetDto(ctx.state, asset, { exif: true, api: ctx.config.api }));
    },
  },
  {
    method: 'PUT',
    template: '/assets',
    handler: (ctx) => {
      const { ids, ...update } = bodyOf<AssetUpdate & { ids: string[] }>(ctx);
      for (const asset of requireAllOwned(ctx, ids, 'asset.update')) applyUpdate(ctx, asset, update);
      return noContent();
    },
  },
  {
    method: 'DELETE',
    template: '/assets',
    handler: (ctx) => {
      const { ids, force } = bodyOf<{ ids: string[]; force?: boolean }>(ctx);
      const assets = requireAllOwned(ctx, ids, 'asset.delete');
      const hardDelete = force === true || ctx.config.features.trash === false;
      for (const asset of assets) {
        if (hardDelete) {
          ctx.state.deleteAssetForGood(asset.id);
        } else {
          asset.deletedAt = new Date().toISOString();
        }
      }
      return noContent();
    },
  },
  {
    method: 'POST',
    template: '/trash/restore/assets',
    handler: (ctx) => {
      const { ids } = bodyOf<{ ids: string[] }>(ctx);
      // Immich restores only trashed ones but answers the number of ids it was given (TrashService.restoreAssets).
      for (const asset of requireAllOwned(ctx, ids, 'asset.delete')) asset.deletedAt = null;
      return json(200, { count: ids.length });
    },
  },
  {
    method: 'GET',
    template: '/assets/statistics',
    handler: (ctx) => {
      const visibility = ctx.query.get('visibility');
      const isFavorite = ctx.query.get('isFavorite');
      const isTrashed = ctx.query.get('isTrashed');
      let images = 0;
      let videos = 0;
      for (const asset of ctx.state.assets.values()) {
        if (asset.ownerId !== ctx.user.id) continue;
        if (visibility !== null ? asset.visibility !== visibility : asset.visibility === 'locked') continue;
        if (isFavorite !== null && String(asset.isFavorite) !== isFavorite) continue;
        if ((asset.deletedAt !== null) !== (isTrashed === 'true')) continue;
        if (asset.type === 'IMAGE') images += 1;
        if (asset.type === 'VIDEO') videos += 1;
      }
      return json(200, { images, videos, total: images + videos });
    },
  },
  {
    method: 'POST',
    template: '/assets/bulk-upload-check',
    capability: 'upload',
    handler: (ctx) => {
      const { assets } = bodyOf<{ assets: { id: string; checksum: string }[] }>(ctx);
      const byChecksum = new Map<string, FakeAsset>();
      for (const asset of ctx.state.assets.values()) if (asset.ownerId === ctx.user.id) byChecksum.set(asset.checksum, asset);
      const results = assets.map(({ id, checksum }) => {
        const known = byChecksum.get(Buffer.from(checksum, /^[0-9a-f]{40}$/i.test(checksum) ? 'hex' : 'base64').toString('base64'));
        return known ? { id, action: 'reject', reason: 'duplicate', assetId: known.id, isTrashed: known.deletedAt !== null } : { id, action: 'accept' };
      });
      return json(200, { results });
    },
  },
];


