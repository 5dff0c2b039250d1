/**
 * Shared pieces of the Immich end-to-end tests: seeding the fake server with real photos (their
 * thumbnails made as Immich would), the CLI arguments of a run, the server's writable state by name,
 * and the state the journal says the server should be in.
 */

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { makeImmichThumbnail, type FakeImmich } from './fake-immich/index.js';

export const SAMPLE = path.resolve(import.meta.dirname, '../../sample');

/** Two groups (flowers 3, Eiffel 2) and one unique photo. */
export const SAMPLE_PHOTOS = ['camera/yellow-flower.jpg', 'phone/yellow-flower-q60.jpg', 'phone/yellow-flower-small.jpg', 'camera/eiffel-tower.jpg', 'backup/eiffel-tower.webp', 'camera/moose.jpg'];

export const fromSample = (files: readonly string[]) => files.map((file) => [path.basename(file), readFileSync(path.join(SAMPLE, file))] as const);

/** Assets on the fake server from real image bytes, with the thumbnail Immich would make of them. */
export async function seedAssets(fake: FakeImmich, ownerId: string, photos: readonly (readonly [string, Buffer])[]): Promise<void> {
  for (const [index, [name, bytes]] of photos.entries()) {
    fake.state.addAsset({
      ownerId,
      originalFileName: name,
      checksum: createHash('sha1').update(bytes).digest('base64'),
      fileCreatedAt: new Date(Date.UTC(2024, 4, index + 1)).toISOString(),
      width: 512,
      height: 384,
      thumbnail: await makeImmichThumbnail(bytes),
      exif: { fileSizeInByte: bytes.length },
    });
  }
}

/** `organize --source immich` against the fake, with a temp hash database and cache. */
export function organizeArgs(fake: FakeImmich, root: string, ...extra: string[]): string[] {
  return ['organize', '--source', 'immich', '--immich-url', fake.url, '--save-hashes', path.join(root, 'h.db'), '--cache-dir', path.join(root, 'cache'), ...extra];
}

export function undoArgs(fake: FakeImmich, root: string, runId: string, ...extra: string[]): string[] {
  return ['undo', runId, '--save-hashes', path.join(root, 'h.db'), '--immich-url', fake.url, ...extra];
}

/** The newest run that changed something (its journal has entries). */
export function lastChangingRun(root: string): string {
  const db = new Database(path.join(root, 'h.db'), { readonly: true });
  const row = db.prepare('SELECT r.id AS id FROM runs r WHERE EXISTS (SELECT 1 FROM journal j WHERE j.run_id = r.id) ORDER BY r.started_at DESC, r.id DESC LIMIT 1').get() as { id: string } | undefined;
  db.close();
  if (!row) throw new Error('no run changed anything');
  return row.id;
}

export function assetId(fake: FakeImmich, name: string): string {
  const asset = [...fake.state.assets.values()].find((candidate) => candidate.originalFileName === name);
  if (!asset) throw new Error(`no asset ${name}`);
  return asset.id;
}

const nameOf = (fake: FakeImmich, id: string) => fake.state.assets.get(id)?.originalFileName ?? id;
const names = (fake: FakeImmich, ids: Iterable<string>) => [...ids].map((id) => nameOf(fake, id)).sort();

/** Everything this tool may change, by name: tag value → files, album name → files (sorted), favorites, stacks (primary first). */
export function snapshot(fake: FakeImmich) {
  return {
    tags: Object.fromEntries(
      [...fake.state.tags.values()].map((tag): [string, string[]] => [tag.value, names(fake, fake.state.tagAssets.get(tag.id) ?? [])]).sort(),
    ),
    albums: [...fake.state.albums.values()].map((album) => `${album.albumName}: ${names(fake, album.assetIds).join(', ')}`).sort(),
    favorites: names(fake, [...fake.state.assets.values()].filter((asset) => asset.isFavorite).map((asset) => asset.id)),
    stacks: [...fake.state.stacks.values()].map((stack) => [nameOf(fake, stack.primaryAssetId), ...names(fake, stack.assetIds.filter((id) => id !== stack.primaryAssetId))].join(' > ')).sort(),
  };
}

export interface IdState {
  tags: Record<string, string[]>;
  albums: Record<string, string[]>;
  favorites: string[];
  stacks: Record<string, string[]>;
}

/** The server's writable state by id. */
export function idState(fake: FakeImmich): IdState {
  const sorted = (ids: Iterable<string>) => [...ids].sort();
  return {
    tags: Object.fromEntries([...fake.state.tags.keys()].map((id) => [id, sorted(fake.state.tagAssets.get(id) ?? [])])),
    albums: Object.fromEntries([...fake.state.albums.values()].map((album) => [album.id, sorted(album.assetIds)])),
    favorites: sorted([...fake.state.assets.values()].filter((asset) => asset.isFavorite).map((asset) => asset.id)),
    stacks: Object.fromEntries([...fake.state.stacks.values()].map((stack) => [stack.id, sorted(stack.assetIds)])),
  };
}

/** `before` with every journaled (not undone) change of the store applied: what the server must hold. */
export function journalState(before: IdState, storeFile: string): IdState {
  const db = new Database(storeFile, { readonly: true });
  const rows = db.prepare('SELECT action, target, subject FROM journal WHERE undone_at IS NULL ORDER BY applied_at, run_id, seq').all() as { action: string; target: string; subject: string }[];
  db.close();
  const state: IdState = structuredClone(before);
  const add = (map: Record<string, string[]>, key: string, ids: string[]) => (map[key] = [...new Set([...(map[key] ?? []), ...ids])].sort());
  for (const row of rows) {
    // A creation cut off before the server named it (the e2e fault tests never cut one off).
    if (row.target === '') throw new Error(`unnamed journal entry ${row.action}`);
    const ids = row.action === 'tag.create' || row.action === 'tag.delete' ? [] : (JSON.parse(row.subject) as string[]);
    if (row.action === 'tag.create') add(state.tags, row.target, []);
    else if (row.action === 'tag.assets') add(state.tags, row.target, ids);
    else if (row.action === 'untag.assets') state.tags[row.target] = (state.tags[row.target] ?? []).filter((id) => !ids.includes(id));
    else if (row.action === 'favorite') state.favorites = [...new Set([...state.favorites, ...ids])].sort();
    else if (row.action === 'album.create' || row.action === 'album.assets') add(state.albums, row.target, ids);
    else if (row.action === 'stack.create') add(state.stacks, row.target, ids);
    else throw new Error(`unexpected journal action ${row.action}`);
  }
  return state;
}

/**
 * Every asset by name with all the resolve actions may change: duplicateId, the `photo-organizer`
 * metadata value, visibility, trash membership, and what a kept photo may inherit.
 */
export function resolveSnapshot(fake: FakeImmich) {
  const albumsOf = (id: string) => [...fake.state.albums.values()].filter((album) => album.assetIds.has(id)).map((album) => album.albumName).sort();
  return Object.fromEntries(
    [...fake.state.assets.values()]
      .map((asset) => [
        asset.originalFileName,
        {
          duplicateId: asset.duplicateId,
          metadata: fake.state.metadata.get(asset.id)?.get('photo-organizer')?.value ?? null,
          visibility: asset.visibility,
          trashed: asset.deletedAt !== null,
          favorite: asset.isFavorite,
          rating: asset.exif?.rating ?? null,
          description: asset.exif?.description ?? '',
          albums: albumsOf(asset.id),
        },
      ] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
