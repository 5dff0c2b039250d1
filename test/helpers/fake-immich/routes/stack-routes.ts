/** `/stacks`: first id is primary, primaries absorb their stack, members move; 400 texts as recorded. */
import { badRequest, bodyOf, json, noAccess, noContent } from '../http.js';
import type { RouteDef } from '../router.js';
import { stackDto } from '../serialize.js';
import { ownedAsset, ownedStack } from './access.js';

export const stackRoutes: RouteDef[] = [
  {
    method: 'GET',
    template: '/stacks',
    capability: 'stacks',
    handler: (ctx) => {
      const primary = ctx.query.get('primaryAssetId');
      const stacks = [...ctx.state.stacks.values()].filter((s) => s.ownerId === ctx.user.id && (primary === null || s.primaryAssetId === primary));
      return json(200, stacks.map((s) => stackDto(ctx.state, s, false, ctx.config.api)));
    },
  },
  {
    method: 'POST',
    template: '/stacks',
    capability: 'stacks',
    handler: (ctx) => {
      const { assetIds } = bodyOf<{ assetIds: string[] }>(ctx);
      if (assetIds.some((id) => !ownedAsset(ctx, id))) throw noAccess('asset.update');
      return json(201, stackDto(ctx.state, ctx.state.addStack(ctx.user.id, assetIds), false, ctx.config.api));
    },
  },
  {
    method: 'DELETE',
    template: '/stacks',
    capability: 'stacks',
    handler: (ctx) => {
      const { ids } = bodyOf<{ ids: string[] }>(ctx);
      const stacks = ids.map((id) => ownedStack(ctx, id, 'stack.delete'));
      for (const stack of stacks) ctx.state.deleteStack(stack.id);
      return noContent();
    },
  },
  {
    method: 'GET',
    template: '/stacks/{id}',
    capability: 'stacks',
    handler: (ctx) => json(200, stackDto(ctx.state, ownedStack(ctx, ctx.params.id ?? '', 'stack.read'), true)),
  },
  {
    method: 'PUT',
    template: '/stacks/{id}',
    capability: 'stacks',
    handler: (ctx) => {
      const stack = ownedStack(ctx, ctx.params.id ?? '', 'stack.update');
      const { primaryAssetId } = bodyOf<{ primaryAssetId?: string }>(ctx);
      if (primaryAssetId !== undefined) {
        if (!stack.assetIds.includes(primaryAssetId)) throw badRequest('Primary asset must be in the stack');
        stack.primaryAssetId = primaryAssetId;
      }
      return json(200, stackDto(ctx.state, stack, true));
    },
  },
  {
    method: 'DELETE',
    template: '/stacks/{id}',
    capability: 'stacks',
    handler: (ctx) => {
      ctx.state.deleteStack(ownedStack(ctx, ctx.params.id ?? '', 'stack.delete').id);
      return noContent();
    },
  },
  {
    method: 'DELETE',
    template: '/stacks/{id}/assets/{assetId}',
    capability: 'stacks',
    handler: (ctx) => {
      const stack = ownedStack(ctx, ctx.params.id ?? '', 'stack.update');
      const assetId = ctx.params.assetId ?? '';
      if (!stack.assetIds.includes(assetId)) throw noAccess('stack.update');
      if (stack.primaryAssetId === assetId) throw badRequest("Cannot remove stack's primary asset");
      stack.assetIds = stack.assetIds.filter((id) => id !== assetId);
      const asset = ctx.state.assets.get(assetId);
      if (asset) asset.stackId = null;
      return noContent();
    },
  },
];
