/**
 * Two Immich-compatible servers that are not Immich, as `../shared/immich/COMPATIBLE-SERVERS.md`
 * describes them from their source (neither can be run offline). Each is a set of routes laid over
 * the fake's v3.1 routes; whatever a server does like Immich stays Immich's.
 *
 * `adapter`: gumnut-ai/immich-adapter (Python, in front of the hosted Gumnut service). Search caps
 * `size` at 200 and answers `nextPage: null` to any filtered search (config `searchPaging`); tags and
 * api-keys are stubs (`GET /tags` is always `[]`, `PUT /tags` answers a made-up tag it does not
 * store, per-tag (un)tagging answers `[]`, `GET /api-keys/me` a new made-up key each time);
 * `PUT /assets` ignores `isFavorite` and answers 204. Albums and stacks are real.
 *
 * `go-backend`: denysvitali/immich-go-backend (Go, grpc-gateway). Search wants `{"filter":{...}}`
 * (Immich's top-level fields are 400 "unknown field"), 0-based pages, and answers a flat
 * `{assets, albums, total, count, page, size}`; tags come as `{"tags":[...]}`; `PUT /tags/{id}/assets`
 * wants `assetIds` and answers `{count}`; `PUT /albums/{id}/assets` wants `{"assetIds":{"ids":[...]}}`;
 * `PUT /assets` wants `assetIds`; enums like `ASSET_TYPE_IMAGE`, 64-bit integers as strings.
 */
import { randomUUID } from 'node:crypto';
import { HttpError, bodyOf, json, noContent, type RequestContext } from '../http.js';
import type { RouteDef } from '../router.js';
import { assetDto } from '../serialize.js';
import { ownedAlbum, ownedAsset, ownedTag } from './access.js';
import { searchAssets, type SearchBody } from './search-routes.js';

export type CompatibleServer = 'adapter' | 'go-backend';

const madeUpTag = (value: string): Record<string, unknown> => {
  const time = new Date().toISOString();
  return { id: randomUUID(), name: value.slice(value.lastIndexOf('/') + 1), value, createdAt: time, updatedAt: time };
};

const adapterRoutes: RouteDef[] = [
  { method: 'GET', template: '/tags', handler: () => json(200, []) },
  { method: 'POST', template: '/tags', handler: (ctx) => json(201, madeUpTag(bodyOf<{ name: string }>(ctx).name)) },
  { method: 'PUT', template: '/tags', handler: (ctx) => json(200, bodyOf<{ tags: string[] }>(ctx).tags.map(madeUpTag)) },
  { method: 'PUT', template: '/tags/assets', handler: () => json(200, { count: 0 }) },
  { method: 'PUT', template: '/tags/{id}/assets', handler: () => json(200, []) },
  { method: 'DELETE', template: '/tags/{id}/assets', handler: () => json(200, []) },
  { method: 'DELETE', template: '/tags/{id}', handler: () => noContent() },
  {
    method: 'PUT',
    template: '/assets',
    handler: (ctx) => {
      // Every field but isFavorite is passed on; isFavorite is dropped without a word.
      const { ids, isFavorite: _ignored, ...update } = bodyOf<{ ids: string[]; isFavorite?: boolean; visibility?: 'timeline' | 'archive' }>(ctx);
      for (const id of ids) {
        const asset = ownedAsset(ctx, id);
        if (asset && update.visibility !== undefined) asset.visibility = update.visibility;
      }
      return noContent();
    },
  },
  {
    method: 'GET',
    template: '/api-keys/me',
    handler: () => {
      const time = new Date().toISOString();
      return json(200, { id: randomUUID(), name: 'Current API Key', permissions: ['asset.read'], createdAt: time, updatedAt: time });
    },
  },
];

/** grpc-gateway's answer to a JSON field its protobuf message lacks. */
const unknownField = (name: string): HttpError => new HttpError(400, { code: 3, message: `proto: (line 1:2): unknown field "${name}"`, details: [] });

/** The protobuf JSON habits: enums by their proto names, 64-bit integers as strings, every default present. */
function protoAsset(ctx: RequestContext, asset: Parameters<typeof assetDto>[1]): Record<string, unknown> {
  const dto = assetDto(ctx.state, asset, { exif: true });
  return { ...dto, type: `ASSET_TYPE_${String(dto.type)}`, visibility: `ASSET_VISIBILITY_${String(dto.visibility).toUpperCase()}`, exifInfo: { ...(dto.exifInfo as object), fileSizeInByte: String(asset.exif?.fileSizeInByte ?? 0) } };
}

function onlyField(ctx: RequestContext, wanted: string): Record<string, unknown> {
  const body = bodyOf<Record<string, unknown>>(ctx);
  const stranger = Object.keys(body).find((name) => name !== wanted);
  if (stranger !== undefined) throw unknownField(stranger);
  return body;
}

const goBackendRoutes: RouteDef[] = [
  {
    method: 'POST',
    template: '/search/metadata',
    handler: (ctx) => {
      const { filter = {} } = onlyField(ctx, 'filter') as { filter?: SearchBody };
      const page = filter.page ?? 0;
      const size = filter.size ?? 30;
      const all = searchAssets(ctx, { ...filter, page: undefined, size: undefined });
      const items = all.slice(page * size, page * size + size).map((asset) => protoAsset(ctx, asset));
      return json(200, { assets: items, albums: [], total: String(all.length), count: items.length, page, size });
    },
  },
  { method: 'GET', template: '/tags', handler: (ctx) => json(200, { tags: [...ctx.state.tags.values()].filter((tag) => tag.userId === ctx.user.id).map((tag) => ({ ...tag, createdAt: tag.createdAt })) }) },
  {
    method: 'PUT',
    template: '/tags',
    handler: (ctx) => json(200, { tags: (onlyField(ctx, 'tags').tags as string[]).map((name) => ctx.state.upsertTag(ctx.user.id, name)) }),
  },
  {
    method: 'PUT',
    template: '/tags/{id}/assets',
    handler: (ctx) => {
      const tag = ownedTag(ctx, ctx.params.id ?? '', 'tag.asset');
      const ids = onlyField(ctx, 'assetIds').assetIds as string[];
      return json(200, { count: String(ids.filter((id) => ctx.state.tagAsset(tag.id, id)).length) });
    },
  },
  {
    method: 'PUT',
    template: '/albums/{id}/assets',
    handler: (ctx) => {
      const album = ownedAlbum(ctx, ctx.params.id ?? '', 'albumAsset.create');
      const { ids } = onlyField(ctx, 'assetIds').assetIds as { ids: string[] };
      return json(200, { results: ids.map((id) => ({ id, success: !album.assetIds.has(id) && Boolean(album.assetIds.add(id)) })) });
    },
  },
  {
    method: 'PUT',
    template: '/assets',
    handler: (ctx) => {
      const body = bodyOf<{ assetIds?: string[]; ids?: string[]; isFavorite?: boolean }>(ctx);
      if (body.ids !== undefined) throw unknownField('ids');
      for (const id of body.assetIds ?? []) {
        const asset = ownedAsset(ctx, id);
        if (asset && body.isFavorite !== undefined) asset.isFavorite = body.isFavorite;
      }
      return noContent();
    },
  },
];

export const COMPATIBLE_SERVER_ROUTES: Record<CompatibleServer, RouteDef[]> = { adapter: adapterRoutes, 'go-backend': goBackendRoutes };
