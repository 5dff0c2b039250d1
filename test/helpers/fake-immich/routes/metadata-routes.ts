/**
 * Asset metadata (3.x; RESOLVE-NOTES §3 and Immich v3.1.0's AssetService): any key, a JSON object
 * value. Reads need `asset.read` access (owner or partner), writes `asset.update` (owner only, all or
 * nothing in the bulk forms); a repeated (asset, key) in one request is a 400.
 */
import { badRequest, bodyOf, json, noAccess, noContent, type RequestContext } from '../http.js';
import type { RouteDef } from '../router.js';
import type { FakeMetadataItem } from '../types.js';
import { ownedAsset, requireReadableAsset } from './access.js';

interface UpsertItem {
  key: string;
  value: Record<string, unknown>;
}

const itemDto = (key: string, item: FakeMetadataItem) => ({ key, value: item.value, updatedAt: item.updatedAt });

function requireOwned(ctx: RequestContext, ids: readonly string[]): void {
  if (ids.some((id) => ownedAsset(ctx, id) === undefined)) throw noAccess('asset.update');
}

function refuseRepeats(pairs: readonly string[]): void {
  const seen = new Set<string>();
  for (const pair of pairs) {
    if (seen.has(pair)) throw badRequest(`Duplicate items are not allowed: "${pair}"`);
    seen.add(pair);
  }
}

export const metadataRoutes: RouteDef[] = [
  {
    method: 'GET',
    template: '/assets/{id}/metadata',
    handler: (ctx) => {
      const asset = requireReadableAsset(ctx, ctx.params.id ?? '', 'asset.read');
      return json(200, [...(ctx.state.metadata.get(asset.id) ?? new Map<string, FakeMetadataItem>())].map(([key, item]) => itemDto(key, item)));
    },
  },
  {
    method: 'GET',
    template: '/assets/{id}/metadata/{key}',
    handler: (ctx) => {
      const asset = requireReadableAsset(ctx, ctx.params.id ?? '', 'asset.read');
      const key = ctx.params.key ?? '';
      const item = ctx.state.metadata.get(asset.id)?.get(key);
      if (!item) throw badRequest(`Metadata with key "${key}" not found for asset with id "${asset.id}"`);
      return json(200, itemDto(key, item));
    },
  },
  {
    method: 'PUT',
    template: '/assets/{id}/metadata',
    handler: (ctx) => {
      const id = ctx.params.id ?? '';
      requireOwned(ctx, [id]);
      const { items } = bodyOf<{ items: UpsertItem[] }>(ctx);
      refuseRepeats(items.map((item) => item.key));
      return json(200, items.map((item) => itemDto(item.key, ctx.state.setMetadata(id, item.key, item.value))));
    },
  },
  {
    method: 'PUT',
    template: '/assets/metadata',
    handler: (ctx) => {
      const { items } = bodyOf<{ items: (UpsertItem & { assetId: string })[] }>(ctx);
      requireOwned(ctx, items.map((item) => item.assetId));
      refuseRepeats(items.map((item) => `(${item.assetId}, ${item.key})`));
      return json(200, items.map((item) => ({ assetId: item.assetId, ...itemDto(item.key, ctx.state.setMetadata(item.assetId, item.key, item.value)) })));
    },
  },
  {
    method: 'DELETE',
    template: '/assets/{id}/metadata/{key}',
    handler: (ctx) => {
      const id = ctx.params.id ?? '';
      requireOwned(ctx, [id]);
      ctx.state.deleteMetadata(id, ctx.params.key ?? '');
      return noContent();
    },
  },
  {
    method: 'DELETE',
    template: '/assets/metadata',
    handler: (ctx) => {
      const { items } = bodyOf<{ items: { assetId: string; key: string }[] }>(ctx);
      requireOwned(ctx, items.map((item) => item.assetId));
      for (const item of items) ctx.state.deleteMetadata(item.assetId, item.key);
      return noContent();
    },
  },
];
