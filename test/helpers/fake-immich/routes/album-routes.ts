/**
 * `/albums` (v3 shapes: no `assets` array; v1/v2 shapes for an older emulated API), per-id add/remove
 * results and the many×many add.
 */
import { apiAtLeast } from '../config.js';
import { badRequest, bodyOf, json, noAccess, noContent, type Reply, type RequestContext } from '../http.js';
import type { RouteDef } from '../router.js';
import { albumDto, legacyAlbumDto } from '../serialize.js';
import type { FakeAlbum } from '../types.js';
import { fail, memberAlbum, ok, ownedAlbum, readableAsset, type BulkIdResult } from './access.js';

/** The album as the emulated API shows it; `embedAssets` only matters before v3. */
function albumOut(ctx: RequestContext, album: FakeAlbum, withLastModified: boolean, embedAssets: boolean): Record<string, unknown> {
  return apiAtLeast(ctx.config, 3, 0) ? albumDto(ctx.state, album, withLastModified) : legacyAlbumDto(ctx.state, album, withLastModified, embedAssets, ctx.config.api);
}

export const albumRoutes: RouteDef[] = [
  {
    method: 'GET',
    template: '/albums',
    capability: 'albums',
    handler: (ctx) => {
      const { query, state, user } = ctx;
      const assetId = query.get('assetId');
      const name = query.get('name');
      const id = query.get('id');
      const isShared = query.get('isShared');
      const isOwned = query.get('isOwned');
      const shared = (a: FakeAlbum): boolean => a.sharedWith.length > 0;
      let albums: FakeAlbum[];
      if (apiAtLeast(ctx.config, 3, 0)) {
        // v3: every album the user is a member of (owner or shared with); `assetId` ignores the other filters.
        albums = [...state.albums.values()].filter((a) => state.isAlbumMember(a, user.id));
        if (assetId !== null) {
          albums = albums.filter((a) => a.assetIds.has(assetId));
        } else {
          if (name !== null) albums = albums.filter((a) => a.albumName === name);
          if (id !== null) albums = albums.filter((a) => a.id === id);
          if (isOwned !== null) albums = albums.filter((a) => (a.ownerId === user.id) === (isOwned === 'true'));
          if (isShared !== null) albums = albums.filter((a) => shared(a) === (isShared === 'true'));
        }
      } else {
        // v1/v2: no parameter means owned albums only; `shared=true` the shared ones (owned and shared with me), `shared=false` owned unshared ones.
        const sharedParam = query.get('shared');
        albums = [...state.albums.values()].filter((a) =>
          sharedParam === 'true' ? state.isAlbumMember(a, user.id) && shared(a) : a.ownerId === user.id && (sharedParam !== 'false' || !shared(a)),
        );
        if (assetId !== null) albums = [...state.albums.values()].filter((a) => state.isAlbumMember(a, user.id) && a.assetIds.has(assetId));
      }
      albums.sort((a, b) => (a.createdAt === b.createdAt ? 0 : a.createdAt < b.createdAt ? 1 : -1));
      return json(200, albums.map((a) => albumOut(ctx, a, true, false)));
    },
  },
  {
    method: 'POST',
    template: '/albums',
    capability: 'albums',
    handler: (ctx) => {
      const { albumName, description, assetIds } = bodyOf<{ albumName: string; description?: string; assetIds?: string[] }>(ctx);
      // Assets the user may not share are dropped silently (assetCount tells).
      const accepted = (assetIds ?? []).filter((id) => readableAsset(ctx, id) !== undefined);
      const album = ctx.state.addAlbum({ ownerId: ctx.user.id, albumName, assetIds: accepted, ...(description === undefined ? {} : { description }) });
      return json(201, albumOut(ctx, album, false, true));
    },
  },
  {
    method: 'GET',
    template: '/albums/{id}',
    capability: 'albums',
    handler: (ctx) => json(200, albumOut(ctx, memberAlbum(ctx, ctx.params.id ?? '', 'album.read'), true, ctx.query.get('withoutAssets') !== 'true')),
  },
  {
    method: 'PATCH',
    template: '/albums/{id}',
    capability: 'albums',
    handler: (ctx) => {
      const album = ownedAlbum(ctx, ctx.params.id ?? '', 'album.update');
      const { albumName, description } = bodyOf<{ albumName?: string; description?: string }>(ctx);
      if (albumName !== undefined) album.albumName = albumName;
      if (description !== undefined) album.description = description;
      album.updatedAt = new Date().toISOString();
      return json(200, albumOut(ctx, album, true, true));
    },
  },
  {
    method: 'DELETE',
    template: '/albums/{id}',
    capability: 'albums',
    handler: (ctx) => {
      ctx.state.albums.delete(ownedAlbum(ctx, ctx.params.id ?? '', 'album.delete').id);
      // 200 with an empty body before v1.138.
      return apiAtLeast(ctx.config, 1, 138) ? noContent() : ({ status: 200 } satisfies Reply);
    },
  },
  {
    method: 'PUT',
    template: '/albums/{id}/assets',
    capability: 'albums',
    handler: (ctx) => {
      const album = ctx.state.albums.get(ctx.params.id ?? '');
      // The lookup runs before the access check, hence a different message for unknown albums.
      if (!album) throw badRequest('Album not found');
      if (album.ownerId !== ctx.user.id) throw noAccess('albumAsset.create');
      const { ids } = bodyOf<{ ids: string[] }>(ctx);
      const results = ids.map((id): BulkIdResult => {
        if (album.assetIds.has(id)) return fail(id, 'duplicate');
        if (!readableAsset(ctx, id)) return fail(id, 'no_permission');
        album.assetIds.add(id);
        return ok(id);
      });
      ctx.state.refreshAlbumThumbnail(album);
      return json(200, results);
    },
  },
  {
    method: 'DELETE',
    template: '/albums/{id}/assets',
    capability: 'albums',
    handler: (ctx) => {
      const album = ownedAlbum(ctx, ctx.params.id ?? '', 'albumAsset.delete');
      const { ids } = bodyOf<{ ids: string[] }>(ctx);
      const results = ids.map((id): BulkIdResult => (album.assetIds.delete(id) ? ok(id) : fail(id, 'not_found')));
      ctx.state.refreshAlbumThumbnail(album);
      return json(200, results);
    },
  },
  {
    method: 'PUT',
    template: '/albums/assets',
    capability: 'albumsAssetsBulk',
    handler: (ctx) => {
      const { albumIds, assetIds } = bodyOf<{ albumIds: string[]; assetIds: string[] }>(ctx);
      const albums = albumIds.map((id) => ownedAlbum(ctx, id, 'albumAsset.create'));
      const assets = assetIds.filter((id) => readableAsset(ctx, id) !== undefined);
      if (assets.length === 0 && assetIds.length > 0) return json(200, { success: false, error: 'no_permission' });
      let added = 0;
      for (const album of albums) {
        for (const id of assets) {
          if (!album.assetIds.has(id)) {
            album.assetIds.add(id);
            added += 1;
          }
        }
        ctx.state.refreshAlbumThumbnail(album);
      }
      return json(200, added > 0 ? { success: true } : { success: false, error: 'duplicate' });
    },
  },
];
