/** Access checks shared by the routes (Immich answers 400 "Not found or no <perm> access" on failure). */
import { noAccess, type RequestContext } from '../http.js';
import type { FakeAlbum, FakeAsset, FakeStack, FakeTag } from '../types.js';

/** Owner only, never locked: the rule behind `asset.update`, `asset.delete`, bulk tagging and stacks. */
export function ownedAsset(ctx: RequestContext, id: string): FakeAsset | undefined {
  const asset = ctx.state.assets.get(id);
  return asset && asset.ownerId === ctx.user.id && asset.visibility !== 'locked' ? asset : undefined;
}

/** Owner or partner (the rule behind per-tag tagging and album adds: Immich's `asset.share`). */
export function readableAsset(ctx: RequestContext, id: string): FakeAsset | undefined {
  const asset = ctx.state.assets.get(id);
  if (!asset || asset.visibility === 'locked') return undefined;
  return ctx.state.partnerOwners(ctx.user.id).has(asset.ownerId) ? asset : undefined;
}

/** Owner, partner, or the asset is in an album shared with the user (the rule behind `asset.read` and `asset.view`). */
export function viewableAsset(ctx: RequestContext, id: string): FakeAsset | undefined {
  const asset = readableAsset(ctx, id);
  if (asset) return asset;
  const shared = ctx.state.assets.get(id);
  return shared && shared.visibility !== 'locked' && ctx.state.inMemberAlbum(shared.id, ctx.user.id) ? shared : undefined;
}

export function requireReadableAsset(ctx: RequestContext, id: string, permission: string): FakeAsset {
  const asset = viewableAsset(ctx, id);
  if (!asset) throw noAccess(permission);
  return asset;
}

export function ownedTag(ctx: RequestContext, id: string, permission: string): FakeTag {
  const tag = ctx.state.tags.get(id);
  if (!tag || tag.userId !== ctx.user.id) throw noAccess(permission);
  return tag;
}

/** Owner or a user it is shared with (Immich's `album.read` access). */
export function memberAlbum(ctx: RequestContext, id: string, permission: string): FakeAlbum {
  const album = ctx.state.albums.get(id);
  if (!album || !ctx.state.isAlbumMember(album, ctx.user.id)) throw noAccess(permission);
  return album;
}

export function ownedAlbum(ctx: RequestContext, id: string, permission: string): FakeAlbum {
  const album = ctx.state.albums.get(id);
  if (!album || album.ownerId !== ctx.user.id) throw noAccess(permission);
  return album;
}

export function ownedStack(ctx: RequestContext, id: string, permission: string): FakeStack {
  const stack = ctx.state.stacks.get(id);
  if (!stack || stack.ownerId !== ctx.user.id) throw noAccess(permission);
  return stack;
}

export type BulkIdResult = { id: string; success: true } | { id: string; success: false; error: 'duplicate' | 'no_permission' | 'not_found' | 'unknown' };

export const ok = (id: string): BulkIdResult => ({ id, success: true });
export const fail = (id: string, error: 'duplicate' | 'no_permission' | 'not_found'): BulkIdResult => ({ id, success: false, error });
