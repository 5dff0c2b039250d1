/**
 * The in-memory "database" of the fake plus the seeding API tests use. Ids are random UUID v4
 * (Immich validates v4 strictly, so anything else would be rejected by a real server).
 */
import { createHash, randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { FakeAlbum, FakeApiKey, FakeAsset, FakeExif, FakeMedia, FakeMetadataItem, FakePartner, FakeStack, FakeTag, FakeUser } from './types.js';

export interface SeedUser extends Partial<FakeUser> {
  email?: string;
}

export interface SeedApiKey {
  userId: string;
  /** Defaults to `['all']`. */
  permissions?: string[];
  /** Defaults to a random secret. */
  secret?: string;
  name?: string;
}

export interface SeedAsset extends Partial<Omit<FakeAsset, 'exif' | 'thumbnail' | 'preview' | 'original'>> {
  ownerId: string;
  /** Partial exif merged into defaults; `null` = no exif row at all. */
  exif?: Partial<FakeExif> | null;
  /** Thumbnail bytes (WebP or JPEG, content type sniffed) or null for "not generated yet". */
  thumbnail?: Buffer | FakeMedia | null;
  preview?: Buffer | FakeMedia | null;
  original?: Buffer | FakeMedia | null;
  /** Shortcut for `isTrashed`: sets deletedAt to now. */
  trashed?: boolean;
}

export interface SeedAlbum {
  ownerId: string;
  albumName: string;
  description?: string;
  assetIds?: string[];
  id?: string;
}

export interface SeedTag {
  userId: string;
  /** Path like `a/b`; missing parents are created like `PUT /tags` does. */
  value: string;
  color?: string | null;
}

const nowIso = (): string => new Date().toISOString();

export function sniffImageType(bytes: Buffer): string {
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (bytes[0] === 0x89 && bytes.subarray(1, 4).toString('latin1') === 'PNG') return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  return 'application/octet-stream';
}

const toMedia = (value: Buffer | FakeMedia | null | undefined): FakeMedia | null => {
  if (!value) return null;
  return Buffer.isBuffer(value) ? { bytes: value, contentType: sniffImageType(value) } : value;
};

export const mimeFromName = (name: string): string => {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  const map: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', heic: 'image/heic', gif: 'image/gif', mp4: 'video/mp4', mov: 'video/quicktime' };
  return map[ext] ?? 'application/octet-stream';
};

export function defaultExif(overrides: Partial<FakeExif> = {}): FakeExif {
  return {
    make: null, model: null, exifImageWidth: null, exifImageHeight: null, fileSizeInByte: null, orientation: null,
    dateTimeOriginal: null, modifyDate: null, timeZone: null, lensModel: null, fNumber: null, focalLength: null,
    iso: null, exposureTime: null, latitude: null, longitude: null, city: null, state: null, country: null,
    description: '', projectionType: null, rating: null, ...overrides,
  };
}

export class FakeState {
  readonly users = new Map<string, FakeUser>();
  readonly apiKeys = new Map<string, FakeApiKey>();
  readonly assets = new Map<string, FakeAsset>();
  readonly tags = new Map<string, FakeTag>();
  /** tagId → asset ids carrying exactly that tag. */
  readonly tagAssets = new Map<string, Set<string>>();
  readonly albums = new Map<string, FakeAlbum>();
  readonly stacks = new Map<string, FakeStack>();
  readonly partners: FakePartner[] = [];
  /** assetId → key → item (asset metadata, 3.x). */
  readonly metadata = new Map<string, Map<string, FakeMetadataItem>>();
  /** `trash.days` of the server's config (Immich's default 30): how long a trashed asset is kept. */
  trashDays = 30;

  addUser(seed: SeedUser = {}): FakeUser {
    const time = nowIso();
    const user: FakeUser = {
      id: randomUUID(), email: `user${this.users.size + 1}@example.com`, name: `User ${this.users.size + 1}`,
      isAdmin: this.users.size === 0, avatarColor: 'gray', storageLabel: null, createdAt: time, updatedAt: time, ...seed,
    };
    this.users.set(user.id, user);
    return user;
  }

  addApiKey(seed: SeedApiKey): FakeApiKey {
    const time = nowIso();
    const key: FakeApiKey = {
      id: randomUUID(), name: seed.name ?? 'test key', secret: seed.secret ?? randomUUID().replaceAll('-', ''),
      userId: seed.userId, permissions: seed.permissions ?? ['all'], createdAt: time, updatedAt: time,
    };
    this.apiKeys.set(key.id, key);
    return key;
  }

  findKeyBySecret(secret: string): FakeApiKey | undefined {
    for (const key of this.apiKeys.values()) if (key.secret === secret) return key;
    return undefined;
  }

  addAsset(seed: SeedAsset): FakeAsset {
    const time = nowIso();
    const id = seed.id ?? randomUUID();
    const name = seed.originalFileName ?? `IMG_${this.assets.size + 1}.jpg`;
    const original = toMedia(seed.original);
    const fileCreatedAt = seed.fileCreatedAt ?? time;
    const checksum = seed.checksum ?? createHash('sha1').update(original?.bytes ?? id).digest('base64');
    const { exif, thumbnail, preview, trashed, ...rest } = seed;
    const asset: FakeAsset = {
      id, type: 'IMAGE', originalFileName: name, originalPath: `/data/upload/${seed.ownerId}/${id}${name.slice(name.lastIndexOf('.'))}`,
      originalMimeType: mimeFromName(name), checksum, libraryId: null, visibility: 'timeline', deletedAt: trashed ? time : null,
      isFavorite: false, isOffline: false, fileCreatedAt, fileModifiedAt: fileCreatedAt, localDateTime: fileCreatedAt,
      createdAt: time, updatedAt: time, width: null, height: null, thumbhash: null, duplicateId: null, livePhotoVideoId: null,
      stackId: null, duration: null, rating: null, description: '', ...rest,
      exif: exif === null ? null : defaultExif({ fileSizeInByte: original?.bytes.length ?? null, exifImageWidth: seed.width ?? null, exifImageHeight: seed.height ?? null, dateTimeOriginal: fileCreatedAt, modifyDate: fileCreatedAt, ...exif }),
      thumbnail: toMedia(thumbnail), preview: toMedia(preview), original,
    };
    if (asset.thumbnail && !asset.thumbhash) asset.thumbhash = createHash('sha1').update(asset.id).digest('base64').slice(0, 24);
    this.assets.set(id, asset);
    return asset;
  }

  /**
   * Seeds `count` assets cheaply (20,000 in well under a second): thumbnails are shared buffers,
   * checksums are derived from the index, fileCreatedAt counts down one minute per asset.
   */
  addManyAssets(count: number, template: Omit<SeedAsset, 'id'> & { thumbnails?: Buffer[] }, start = new Date('2024-01-01T00:00:00.000Z')): FakeAsset[] {
    const out: FakeAsset[] = [];
    const { thumbnails, ...seed } = template;
    for (let i = 0; i < count; i += 1) {
      const thumb = thumbnails && thumbnails.length > 0 ? thumbnails[i % thumbnails.length] : seed.thumbnail;
      out.push(this.addAsset({
        ...seed,
        originalFileName: seed.originalFileName ?? `IMG_${String(i).padStart(6, '0')}.jpg`,
        checksum: createHash('sha1').update(`asset-${this.assets.size}`).digest('base64'),
        fileCreatedAt: new Date(start.getTime() - i * 60_000).toISOString(),
        thumbnail: thumb ?? null,
      }));
    }
    return out;
  }

  /** Creates (or reuses) every prefix of `value`, like `PUT /tags`. Returns the leaf. */
  upsertTag(userId: string, value: string, color: string | null = null): FakeTag {
    const parts = value.split('/').filter(Boolean);
    let parent: FakeTag | undefined;
    for (let i = 0; i < parts.length; i += 1) {
      const path = parts.slice(0, i + 1).join('/');
      let tag = this.findTag(userId, path);
      if (!tag) {
        const time = nowIso();
        tag = { id: randomUUID(), userId, value: path, parentId: parent?.id ?? null, color: null, createdAt: time, updatedAt: time };
        this.tags.set(tag.id, tag);
      } else if (parent) {
        tag.parentId = parent.id;
      }
      parent = tag;
    }
    if (!parent) throw new Error(`empty tag path: "${value}"`);
    if (color !== null) parent.color = color;
    return parent;
  }

  findTag(userId: string, value: string): FakeTag | undefined {
    for (const tag of this.tags.values()) if (tag.userId === userId && tag.value === value) return tag;
    return undefined;
  }

  /** Adds a tag link; returns true when it is new. */
  tagAsset(tagId: string, assetId: string): boolean {
    let set = this.tagAssets.get(tagId);
    if (!set) this.tagAssets.set(tagId, (set = new Set()));
    if (set.has(assetId)) return false;
    set.add(assetId);
    return true;
  }

  /** The tag and all its descendants (deleting a parent cascades to these). */
  tagSubtree(tagId: string): Set<string> {
    const ids = new Set([tagId]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const tag of this.tags.values()) {
        if (tag.parentId && ids.has(tag.parentId) && !ids.has(tag.id)) {
          ids.add(tag.id);
          grew = true;
        }
      }
    }
    return ids;
  }

  deleteTag(tagId: string): void {
    for (const id of this.tagSubtree(tagId)) {
      this.tags.delete(id);
      this.tagAssets.delete(id);
    }
  }

  tagsOfAsset(assetId: string): FakeTag[] {
    const out: FakeTag[] = [];
    for (const [tagId, set] of this.tagAssets) {
      const tag = this.tags.get(tagId);
      if (tag && set.has(assetId)) out.push(tag);
    }
    return out.sort((a, b) => a.value.localeCompare(b.value));
  }

  addAlbum(seed: SeedAlbum): FakeAlbum {
    const time = nowIso();
    const album: FakeAlbum = {
      id: seed.id ?? randomUUID(), ownerId: seed.ownerId, albumName: seed.albumName, description: seed.description ?? '',
      createdAt: time, updatedAt: time, albumThumbnailAssetId: null, assetIds: new Set(), sharedWith: [], isActivityEnabled: true, order: 'desc',
    };
    this.albums.set(album.id, album);
    for (const assetId of seed.assetIds ?? []) album.assetIds.add(assetId);
    this.refreshAlbumThumbnail(album);
    return album;
  }

  /** Immich fills an unset album thumbnail with the newest member asset. */
  refreshAlbumThumbnail(album: FakeAlbum): void {
    if (album.albumThumbnailAssetId && album.assetIds.has(album.albumThumbnailAssetId)) return;
    let newest: FakeAsset | undefined;
    for (const id of album.assetIds) {
      const asset = this.assets.get(id);
      if (asset && (!newest || asset.fileCreatedAt > newest.fileCreatedAt)) newest = asset;
    }
    album.albumThumbnailAssetId = newest?.id ?? null;
  }

  /** Creates a stack with Immich's rules: first id is primary; a given primary's stack is absorbed; members move. */
  addStack(ownerId: string, assetIds: string[]): FakeStack {
    const members: string[] = [];
    const push = (id: string): void => {
      if (!members.includes(id)) members.push(id);
    };
    for (const id of assetIds) {
      const existing = this.stackOfPrimary(id);
      push(id);
      if (existing) {
        for (const member of existing.assetIds) push(member);
        this.stacks.delete(existing.id);
      }
    }
    for (const id of members) this.removeFromStack(id);
    const stack: FakeStack = { id: randomUUID(), ownerId, primaryAssetId: members[0] ?? '', assetIds: members, createdAt: nowIso() };
    this.stacks.set(stack.id, stack);
    for (const id of members) {
      const asset = this.assets.get(id);
      if (asset) asset.stackId = stack.id;
    }
    return stack;
  }

  stackOfPrimary(assetId: string): FakeStack | undefined {
    for (const stack of this.stacks.values()) if (stack.primaryAssetId === assetId) return stack;
    return undefined;
  }

  private removeFromStack(assetId: string): void {
    const asset = this.assets.get(assetId);
    const stack = asset?.stackId ? this.stacks.get(asset.stackId) : undefined;
    if (!asset || !stack) return;
    stack.assetIds = stack.assetIds.filter((id) => id !== assetId);
    asset.stackId = null;
  }

  deleteStack(stackId: string): void {
    const stack = this.stacks.get(stackId);
    if (!stack) return;
    for (const id of stack.assetIds) {
      const asset = this.assets.get(id);
      if (asset && asset.stackId === stackId) asset.stackId = null;
    }
    this.stacks.delete(stackId);
  }

  /** Upserts one metadata item (Immich stores the value as given and stamps `updatedAt`). */
  setMetadata(assetId: string, key: string, value: Record<string, unknown>): FakeMetadataItem {
    let items = this.metadata.get(assetId);
    if (!items) this.metadata.set(assetId, (items = new Map<string, FakeMetadataItem>()));
    const item = { value: structuredClone(value), updatedAt: nowIso() };
    items.set(key, item);
    return item;
  }

  deleteMetadata(assetId: string, key: string): void {
    this.metadata.get(assetId)?.delete(key);
  }

  /**
   * Immich's nightly "asset deletion check": assets trashed more than `trashDays` ago are deleted for
   * good (with their album, tag and metadata links). Returns the ids removed. `now` lets tests move time.
   */
  purgeTrash(now: Date = new Date()): string[] {
    const cutoff = now.getTime() - this.trashDays * 86_400_000;
    const purged = [...this.assets.values()].filter((asset) => asset.deletedAt !== null && Date.parse(asset.deletedAt) <= cutoff).map((asset) => asset.id);
    for (const id of purged) this.deleteAssetForGood(id);
    return purged;
  }

  /** A hard delete (`force`, trash disabled, or the trash emptied): the asset and every link to it go. */
  deleteAssetForGood(id: string): void {
    this.assets.delete(id);
    this.metadata.delete(id);
    for (const set of this.tagAssets.values()) set.delete(id);
    for (const album of this.albums.values()) album.assetIds.delete(id);
  }

  /**
   * What a client may change (tags and their links, albums, stacks, the asset flags, asset metadata), saved so that
   * `restore()` puts it back: a server that answers a write as done and then drops it.
   */
  checkpoint(): () => void {
    const tags = new Map([...this.tags].map(([id, tag]) => [id, { ...tag }]));
    const tagAssets = new Map([...this.tagAssets].map(([id, set]) => [id, new Set(set)]));
    const albums = new Map([...this.albums].map(([id, album]) => [id, { ...album, assetIds: new Set(album.assetIds), sharedWith: [...album.sharedWith] }]));
    const stacks = new Map([...this.stacks].map(([id, stack]) => [id, { ...stack, assetIds: [...stack.assetIds] }]));
    const flags = new Map([...this.assets].map(([id, asset]) => [id, { isFavorite: asset.isFavorite, stackId: asset.stackId, visibility: asset.visibility, duplicateId: asset.duplicateId, deletedAt: asset.deletedAt }]));
    const metadata = new Map([...this.metadata].map(([id, items]) => [id, new Map([...items].map(([key, item]) => [key, structuredClone(item)]))]));
    const replace = <K, V>(target: Map<K, V>, source: Map<K, V>): void => {
      target.clear();
      for (const [key, value] of source) target.set(key, value);
    };
    return () => {
      replace(this.tags, tags);
      replace(this.tagAssets, tagAssets);
      replace(this.albums, albums);
      replace(this.stacks, stacks);
      replace(this.metadata, metadata);
      for (const [id, saved] of flags) {
        const asset = this.assets.get(id);
        if (asset) Object.assign(asset, saved);
      }
    };
  }

  /** Everything the fake holds, as bytes: what a server that is stopped and started again keeps on disk. */
  toBytes(): Buffer {
    return serialize({ users: this.users, apiKeys: this.apiKeys, assets: this.assets, tags: this.tags, tagAssets: this.tagAssets, albums: this.albums, stacks: this.stacks, partners: this.partners, metadata: this.metadata, trashDays: this.trashDays });
  }

  /** A state saved with `toBytes`. */
  static fromBytes(bytes: Buffer): FakeState {
    const saved = deserialize(bytes) as Pick<FakeState, 'users' | 'apiKeys' | 'assets' | 'tags' | 'tagAssets' | 'albums' | 'stacks' | 'partners' | 'metadata' | 'trashDays'>;
    const state = new FakeState();
    const media = (value: FakeMedia | null): FakeMedia | null => (value ? { ...value, bytes: Buffer.from(value.bytes) } : null);
    for (const [id, user] of saved.users) state.users.set(id, user);
    for (const [id, key] of saved.apiKeys) state.apiKeys.set(id, key);
    for (const [id, asset] of saved.assets) state.assets.set(id, { ...asset, thumbnail: media(asset.thumbnail), preview: media(asset.preview), original: media(asset.original) });
    for (const [id, tag] of saved.tags) state.tags.set(id, tag);
    for (const [id, ids] of saved.tagAssets) state.tagAssets.set(id, ids);
    for (const [id, album] of saved.albums) state.albums.set(id, { ...album, sharedWith: album.sharedWith ?? [] });
    for (const [id, stack] of saved.stacks) state.stacks.set(id, stack);
    for (const [id, items] of saved.metadata) state.metadata.set(id, items);
    state.partners.push(...saved.partners);
    state.trashDays = saved.trashDays;
    return state;
  }

  /**
   * `sharedById` shares their library with `sharedWithId`. Seeded with "show in timeline" on (as the
   * receiving user would turn it on); `POST /partners` creates it off, as Immich does.
   */
  addPartner(sharedById: string, sharedWithId: string, inTimeline = true): FakePartner {
    const partner = { sharedById, sharedWithId, inTimeline };
    this.partners.push(partner);
    return partner;
  }

  /** Owners whose assets `userId` sees in search: self plus partners sharing with them and shown in their timeline (`getMyPartnerIds(timelineEnabled)`). */
  visibleOwners(userId: string): Set<string> {
    const owners = new Set([userId]);
    for (const p of this.partners) if (p.sharedWithId === userId && p.inTimeline) owners.add(p.sharedById);
    return owners;
  }

  /** Owners whose assets `userId` may open (partner access does not depend on the timeline setting). */
  partnerOwners(userId: string): Set<string> {
    const owners = new Set([userId]);
    for (const p of this.partners) if (p.sharedWithId === userId) owners.add(p.sharedById);
    return owners;
  }

  /** Shares an album with another user (editor: may add photos; viewer: may look). */
  shareAlbum(albumId: string, userId: string, role: 'editor' | 'viewer' = 'viewer'): void {
    const album = this.albums.get(albumId);
    if (!album) throw new Error(`no album ${albumId}`);
    album.sharedWith.push({ userId, role });
  }

  /** The user owns the album or it is shared with them (Immich's `album_user` row). */
  isAlbumMember(album: FakeAlbum, userId: string): boolean {
    return album.ownerId === userId || album.sharedWith.some((member) => member.userId === userId);
  }

  /** An asset in an album shared with (or owned by) the user: Immich's album access to assets. */
  inMemberAlbum(assetId: string, userId: string): boolean {
    for (const album of this.albums.values()) if (album.assetIds.has(assetId) && this.isAlbumMember(album, userId)) return true;
    return false;
  }
}
