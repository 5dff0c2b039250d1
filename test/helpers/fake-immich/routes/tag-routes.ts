/** `/tags`: list, create (400 on duplicates), upsert paths, bulk and per-tag (un)tagging, cascading delete. */
import { randomUUID } from 'node:crypto';
import { badRequest, bodyOf, json, noContent } from '../http.js';
import type { RouteDef } from '../router.js';
import { tagDto } from '../serialize.js';
import type { FakeTag } from '../types.js';
import { fail, ok, ownedAsset, ownedTag, readableAsset, type BulkIdResult } from './access.js';

const normalizeColor = (color: string | null | undefined): string | null => (color ? (color.startsWith('#') ? color : `#${color}`) : null);

export const tagRoutes: RouteDef[] = [
  {
    method: 'GET',
    template: '/tags',
    capability: 'tags',
    handler: ({ state, user }) => json(200, [...state.tags.values()].filter((t) => t.userId === user.id).sort((a, b) => (a.value < b.value ? -1 : 1)).map(tagDto)),
  },
  {
    method: 'POST',
    template: '/tags',
    capability: 'tags',
    handler: (ctx) => {
      const { name, parentId, color } = bodyOf<{ name: string; parentId?: string | null; color?: string | null }>(ctx);
      const parent = parentId ? ownedTag(ctx, parentId, 'tag.read') : undefined;
      // POST does not split paths: "a/b" without parentId is one flat tag.
      const value = parent ? `${parent.value}/${name}` : name;
      if (ctx.state.findTag(ctx.user.id, value)) throw badRequest('A tag with that name already exists');
      const time = new Date().toISOString();
      const tag: FakeTag = { id: randomUUID(), userId: ctx.user.id, value, parentId: parent?.id ?? null, color: normalizeColor(color), createdAt: time, updatedAt: time };
      ctx.state.tags.set(tag.id, tag);
      return json(201, tagDto(tag));
    },
  },
  {
    method: 'PUT',
    template: '/tags',
    capability: 'tags',
    handler: (ctx) => {
      const { tags } = bodyOf<{ tags: string[] }>(ctx);
      const seen = new Set<string>();
      const out: FakeTag[] = [];
      for (const raw of tags) {
        const path = raw.split('/').filter(Boolean).join('/');
        if (path === '' || seen.has(path)) continue;
        seen.add(path);
        out.push(ctx.state.upsertTag(ctx.user.id, path));
      }
      return json(200, out.map(tagDto));
    },
  },
  {
    method: 'PUT',
    template: '/tags/assets',
    capability: 'tags',
    handler: (ctx) => {
      const { tagIds, assetIds } = bodyOf<{ tagIds: string[]; assetIds: string[] }>(ctx);
      // Foreign/unknown tags and assets are skipped silently; only new links count.
      const tags = tagIds.filter((id) => ctx.state.tags.get(id)?.userId === ctx.user.id);
      const assets = assetIds.filter((id) => ownedAsset(ctx, id) !== undefined);
      let count = 0;
      for (const tagId of tags) for (const assetId of assets) if (ctx.state.tagAsset(tagId, assetId)) count += 1;
      return json(200, { count });
    },
  },
  {
    method: 'GET',
    template: '/tags/{id}',
    capability: 'tags',
    handler: (ctx) => json(200, tagDto(ownedTag(ctx, ctx.params.id ?? '', 'tag.read'))),
  },
  {
    method: 'PUT',
    template: '/tags/{id}',
    capability: 'tags',
    handler: (ctx) => {
      const tag = ownedTag(ctx, ctx.params.id ?? '', 'tag.update');
      const { color } = bodyOf<{ color?: string | null }>(ctx);
      if (color !== undefined) tag.color = normalizeColor(color);
      tag.updatedAt = new Date().toISOString();
      return json(200, tagDto(tag));
    },
  },
  {
    method: 'DELETE',
    template: '/tags/{id}',
    capability: 'tags',
    handler: (ctx) => {
      ctx.state.deleteTag(ownedTag(ctx, ctx.params.id ?? '', 'tag.delete').id);
      return noContent();
    },
  },
  {
    method: 'PUT',
    template: '/tags/{id}/assets',
    capability: 'tags',
    handler: (ctx) => {
      const tag = ownedTag(ctx, ctx.params.id ?? '', 'tag.asset');
      const { ids } = bodyOf<{ ids: string[] }>(ctx);
      const results: BulkIdResult[] = ids.map((id) => {
        // A repeat within the same request is a duplicate too (the first one created the link).
        if (ctx.state.tagAssets.get(tag.id)?.has(id)) return fail(id, 'duplicate');
        if (!readableAsset(ctx, id)) return fail(id, 'no_permission');
        ctx.state.tagAsset(tag.id, id);
        return ok(id);
      });
      return json(200, results);
    },
  },
  {
    method: 'DELETE',
    template: '/tags/{id}/assets',
    capability: 'tags',
    handler: (ctx) => {
      const tag = ownedTag(ctx, ctx.params.id ?? '', 'tag.asset');
      const { ids } = bodyOf<{ ids: string[] }>(ctx);
      const linked = ctx.state.tagAssets.get(tag.id);
      return json(200, ids.map((id): BulkIdResult => (linked?.delete(id) ? ok(id) : fail(id, 'not_found'))));
    },
  },
];
