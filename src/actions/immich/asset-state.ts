/**
 * What the server holds for the assets the resolve actions may change, read just before they write
 * (`GET /assets/{id}`, bounded) and kept current as they write: the state before that every journal
 * entry records, the ownership check that keeps other users' photos out, and what makes a second run
 * send no writing request. One instance per run, shared by the resolve targets.
 */

import { isGone, type AssetDto, type ImmichClient } from '../../sources/immich/index.js';
import { mapLimited } from './write-support.js';

export type Visibility = 'timeline' | 'archive' | 'hidden' | 'locked';

export interface AssetState {
  id: string;
  ownerId: string;
  duplicateId: string | null;
  visibility: Visibility;
  isTrashed: boolean;
  isFavorite: boolean;
  rating: number | null;
  description: string;
  latitude: number | null;
  longitude: number | null;
  dateTimeOriginal: string | null;
}

export function toAssetState(asset: AssetDto): AssetState {
  const exif = asset.exifInfo;
  const visibility = asset.visibility ?? (asset.isArchived ? 'archive' : 'timeline');
  return {
    id: asset.id,
    ownerId: asset.ownerId,
    duplicateId: asset.duplicateId ?? null,
    visibility: isVisibility(visibility) ? visibility : 'timeline',
    isTrashed: asset.isTrashed === true,
    isFavorite: asset.isFavorite === true,
    // Immich reads 0 as "no rating" (v3 refuses to store it).
    rating: exif?.rating ? exif.rating : null,
    description: exif?.description ?? '',
    latitude: exif?.latitude ?? null,
    longitude: exif?.longitude ?? null,
    dateTimeOriginal: exif?.dateTimeOriginal ?? null,
  };
}

function isVisibility(value: string): value is Visibility {
  return value === 'timeline' || value === 'archive' || value === 'hidden' || value === 'locked';
}

export class AssetStates {
  readonly #states = new Map<string, AssetState | undefined>();
  #me: Promise<string> | undefined;

  constructor(private readonly client: ImmichClient) {}

  /** The key's own user id: an asset is ours to change only when its `ownerId` is this. */
  me(signal?: AbortSignal): Promise<string> {
    this.#me ??= this.client.me(signal ? { signal } : {}).then((user) => user.id);
    return this.#me;
  }

  /** Reads the assets not read yet; an asset gone since (400 "not found") is undefined. */
  async load(ids: readonly string[], signal?: AbortSignal): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.#states.has(id));
    const read = await mapLimited(missing, (id) => this.#read(id, signal), signal);
    missing.forEach((id, index) => this.#states.set(id, read[index]));
  }

  /** Reads these assets again (after a write whose answer was lost), whatever is cached. */
  async reload(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.#states.delete(id);
    await this.load(ids);
  }

  get(id: string): AssetState | undefined {
    return this.#states.get(id);
  }

  /** The assets (already loaded) this key's user owns and that are not in the trash. */
  async owned(ids: readonly string[], signal?: AbortSignal): Promise<AssetState[]> {
    const me = await this.me(signal);
    return ids.map((id) => this.#states.get(id)).filter((state): state is AssetState => state !== undefined && state.ownerId === me && !state.isTrashed);
  }

  /** Records what a confirmed write changed, so later writes of the run see it. */
  update(id: string, change: Partial<AssetState>): void {
    const state = this.#states.get(id);
    if (state) this.#states.set(id, { ...state, ...change });
  }

  async #read(id: string, signal: AbortSignal | undefined): Promise<AssetState | undefined> {
    try {
      return toAssetState(await this.client.getAsset(id, signal ? { signal } : {}));
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
  }
}
