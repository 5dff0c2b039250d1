/** Model → response DTOs, with exactly the keys Immich 3.1 sends (see test/fixtures/immich/recorded). */
import { apiAtLeast, type SpecVersion } from './config.js';
import type { FakeState } from './state.js';
import type { FakeAlbum, FakeAsset, FakeStack, FakeTag, FakeUser } from './types.js';

type Dto = Record<string, unknown>;

export interface AssetView {
  /** `owner` object (GET /assets/{id} only). */
  owner?: boolean;
  /** `tags` array (GET /assets/{id}, GET /stacks/{id}). */
  tags?: boolean;
  /** `stack` summary or null (GET /assets/{id} only). */
  stack?: boolean;
  /** `exifInfo` (search withExif, GET /assets/{id}, stacks). */
  exif?: boolean;
  /** The requesting user: Immich reports `isFavorite: false` for assets they do not own (partner assets). */
  viewerId?: string;
  /** The emulated API (default 3.1.0): older ones lack `visibility` (< 1.133) and `width`/`height`/`isEdited` (< 2.5). */
  api?: SpecVersion;
}

export function userDto(user: FakeUser): Dto {
  return { id: user.id, email: user.email, name: user.name, profileImagePath: '', avatarColor: user.avatarColor, profileChangedAt: user.createdAt };
}

export function userAdminDto(user: FakeUser): Dto {
  return {
    ...userDto(user), storageLabel: user.storageLabel, shouldChangePassword: true, isAdmin: user.isAdmin, createdAt: user.createdAt,
    deletedAt: null, updatedAt: user.updatedAt, oauthId: '', quotaSizeInBytes: null, quotaUsageInBytes: 0, status: 'active', license: null,
  };
}

export function tagDto(tag: FakeTag): Dto {
  // Immich omits parentId and color when they are null.
  const dto: Dto = { id: tag.id };
  if (tag.parentId) dto.parentId = tag.parentId;
  dto.name = tag.value.slice(tag.value.lastIndexOf('/') + 1);
  dto.value = tag.value;
  dto.createdAt = tag.createdAt;
  dto.updatedAt = tag.updatedAt;
  if (tag.color) dto.color = tag.color;
  return dto;
}

export function assetDto(state: FakeState, asset: FakeAsset, view: AssetView = {}): Dto {
  const dto: Dto = { id: asset.id, createdAt: asset.createdAt, ownerId: asset.ownerId };
  if (view.owner) {
    const owner = state.users.get(asset.ownerId);
    if (owner) dto.owner = userDto(owner);
  }
  Object.assign(dto, {
    libraryId: asset.libraryId, type: asset.type, originalPath: asset.originalPath, originalFileName: asset.originalFileName,
    originalMimeType: asset.originalMimeType, thumbhash: asset.thumbhash, fileCreatedAt: asset.fileCreatedAt,
    fileModifiedAt: asset.fileModifiedAt, localDateTime: asset.localDateTime, updatedAt: asset.updatedAt,
    isFavorite: asset.isFavorite && (view.viewerId === undefined || view.viewerId === asset.ownerId), isArchived: asset.visibility === 'archive', isTrashed: asset.deletedAt !== null,
    visibility: asset.visibility, duration: asset.duration,
  });
  if (view.exif && asset.exif) dto.exifInfo = { ...asset.exif };
  dto.livePhotoVideoId = asset.livePhotoVideoId;
  if (view.tags) dto.tags = state.tagsOfAsset(asset.id).map(tagDto);
  dto.people = [];
  dto.checksum = asset.checksum;
  if (view.stack) {
    const stack = asset.stackId ? state.stacks.get(asset.stackId) : undefined;
    // Recorded: a stack left with only its primary shows as `stack: null` on the asset (the stack itself still exists).
    dto.stack = stack && stack.assetIds.length > 1 ? { id: stack.id, primaryAssetId: stack.primaryAssetId, assetCount: stack.assetIds.length } : null;
  }
  Object.assign(dto, {
    isOffline: asset.isOffline, hasMetadata: true, duplicateId: asset.duplicateId, resized: asset.thumbnail !== null,
    width: asset.width, height: asset.height, isEdited: false,
  });
  return view.api === undefined ? dto : shapeAssetForApi(dto, asset, view.api);
}

/** The asset fields as the older API sent them (its OpenAPI document's AssetResponseDto). */
function shapeAssetForApi(dto: Dto, asset: FakeAsset, api: SpecVersion): Dto {
  const version = { api };
  if (!apiAtLeast(version, 3, 0)) Object.assign(dto, { deviceAssetId: asset.originalFileName, deviceId: 'fake-device' });
  if (!apiAtLeast(version, 1, 133)) delete dto.visibility;
  if (!apiAtLeast(version, 1, 140)) delete dto.createdAt;
  if (!apiAtLeast(version, 2, 5)) {
    delete dto.width;
    delete dto.height;
    delete dto.isEdited;
  }
  return dto;
}

/**
 * v1/v2 album shape: owner in `ownerId`/`owner`, `albumUsers` lists only the other users, and `assets`
 * is always there: empty in lists, the album's assets in `GET /albums/{id}` (unless `withoutAssets`) and `POST /albums`.
 */
export function legacyAlbumDto(state: FakeState, album: FakeAlbum, withLastModified: boolean, embedAssets: boolean, api: SpecVersion): Dto {
  const dto = albumDto(state, album, withLastModified);
  const owner = state.users.get(album.ownerId);
  const members = [...album.assetIds].map((id) => state.assets.get(id)).filter((a): a is FakeAsset => a !== undefined && a.deletedAt === null);
  return {
    ...dto,
    ownerId: album.ownerId,
    owner: owner ? userDto(owner) : null,
    // v1/v2 list only the other users, never the owner.
    albumUsers: sharedUsers(state, album),
    assets: embedAssets ? members.map((a) => assetDto(state, a, { exif: true, api })) : [],
  };
}

function sharedUsers(state: FakeState, album: FakeAlbum): Dto[] {
  return album.sharedWith.flatMap((member) => {
    const user = state.users.get(member.userId);
    return user ? [{ user: userDto(user), role: member.role }] : [];
  });
}

export function albumDto(state: FakeState, album: FakeAlbum, withLastModified: boolean): Dto {
  const owner = state.users.get(album.ownerId);
  const dto: Dto = {
    albumName: album.albumName, description: album.description, albumThumbnailAssetId: album.albumThumbnailAssetId,
    createdAt: album.createdAt, updatedAt: album.updatedAt, id: album.id,
    // v3: the owner first, then the users it is shared with.
    albumUsers: [...(owner ? [{ user: userDto(owner), role: 'owner' }] : []), ...sharedUsers(state, album)],
    shared: album.sharedWith.length > 0, hasSharedLink: false,
  };
  const members = [...album.assetIds].map((id) => state.assets.get(id)).filter((a): a is FakeAsset => a !== undefined && a.deletedAt === null);
  // Empty albums omit startDate/endDate (and lastModifiedAssetTimestamp).
  if (members.length > 0) {
    const dates = members.map((a) => a.fileCreatedAt).sort();
    dto.startDate = dates[0];
    dto.endDate = dates[dates.length - 1];
  }
  dto.assetCount = members.length;
  dto.isActivityEnabled = album.isActivityEnabled;
  dto.order = album.order;
  if (withLastModified && members.length > 0) dto.lastModifiedAssetTimestamp = members.map((a) => a.updatedAt).sort().at(-1);
  return dto;
}

export function stackDto(state: FakeState, stack: FakeStack, withTags: boolean, api?: SpecVersion): Dto {
  const members = stack.assetIds.map((id) => state.assets.get(id)).filter((a): a is FakeAsset => a !== undefined);
  const primaryFirst = [...members.filter((a) => a.id === stack.primaryAssetId), ...members.filter((a) => a.id !== stack.primaryAssetId)];
  return {
    id: stack.id, primaryAssetId: stack.primaryAssetId,
    assets: primaryFirst.map((a) => assetDto(state, a, { exif: true, tags: withTags, ...(api ? { api } : {}) })),
  };
}
