/**
 * What the fault and interruption tests compare: the fake server's writable state (tags, albums,
 * favorites, stacks, by id), and that state as the journal says it should be (the state before the
 * runs with every journaled, not-undone change replayed over it). Equal means no change is lost:
 * nothing on the server the journal does not know of, nothing journaled that did not happen.
 * A pending (write-ahead, never settled) entry may or may not have happened: either way is explained.
 */

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { FakeImmich } from '../helpers/fake-immich/index.js';
import { makeImmichThumbnail } from '../helpers/fake-immich/index.js';
import { sceneJpeg } from '../helpers/images.js';
import sharp from 'sharp';

export interface ServerState {
  tags: Record<string, string[]>;
  albums: Record<string, string[]>;
  favorites: string[];
  stacks: Record<string, string[]>;
  /** Tag names by id: a pending `tag.upsert` entry knows its tags by name only. Not a fact of its own. */
  tagNames: Record<string, string>;
  /** Album names and stack primaries by id: a creation cut off before the server named it is known by these. Not facts of their own. */
  albumNames: Record<string, string>;
  stackPrimaries: Record<string, string>;
}

/** The server's writable state (a running fake, or a state read from a stopped one's file). */
export function serverState(fake: Pick<FakeImmich, 'state'>): ServerState {
  const sorted = (ids: Iterable<string>) => [...ids].sort();
  return {
    tags: Object.fromEntries([...fake.state.tags.keys()].map((id) => [id, sorted(fake.state.tagAssets.get(id) ?? [])])),
    albums: Object.fromEntries([...fake.state.albums.values()].map((album) => [album.id, sorted(album.assetIds)])),
    favorites: sorted([...fake.state.assets.values()].filter((asset) => asset.isFavorite).map((asset) => asset.id)),
    stacks: Object.fromEntries([...fake.state.stacks.values()].map((stack) => [stack.id, sorted(stack.assetIds)])),
    tagNames: Object.fromEntries([...fake.state.tags.values()].map((tag) => [tag.id, tag.value])),
    albumNames: Object.fromEntries([...fake.state.albums.values()].map((album) => [album.id, album.albumName])),
    stackPrimaries: Object.fromEntries([...fake.state.stacks.values()].map((stack) => [stack.id, stack.primaryAssetId])),
  };
}

interface JournalRow {
  action: string;
  /** Empty for an album or stack creation cut off before the server named it. */
  target: string;
  subject: string;
  detail: string | null;
  /** Recorded before its request and never settled (the run died meanwhile). */
  pending: boolean;
}

/** Changes the journal holds and no undo has reversed, oldest first; none when the run never made its store. */
export function journalRows(storeFile: string): JournalRow[] {
  if (!existsSync(storeFile)) return [];
  const db = new Database(storeFile, { readonly: true });
  try {
    if (!hasTable(db, 'journal')) return [];
    const rows = db.prepare('SELECT action, target, subject, detail, pending FROM journal WHERE undone_at IS NULL ORDER BY applied_at, run_id, seq').all() as (Omit<JournalRow, 'pending'> & { pending: number })[];
    return rows.map((row) => ({ ...row, pending: row.pending === 1 }));
  } finally {
    db.close();
  }
}

/** A run killed while it made its store leaves a database without tables. */
function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Runs that applied changes, newest first: the order to undo them in (a later run's changes rest on an earlier one's). */
export function appliedRunIds(storeFile: string): string[] {
  if (!existsSync(storeFile)) return [];
  const db = new Database(storeFile, { readonly: true });
  try {
    if (!hasTable(db, 'runs')) return [];
    return (db.prepare('SELECT id FROM runs WHERE dry_run = 0 ORDER BY started_at DESC, id DESC').all() as { id: string }[]).map((row) => row.id);
  } finally {
    db.close();
  }
}

/** `before` with every change the journal holds applied over it. */
export function replayJournal(before: ServerState, rows: readonly JournalRow[]): ServerState {
  const tags = new Map(Object.entries(before.tags).map(([id, ids]) => [id, new Set(ids)]));
  const albums = new Map(Object.entries(before.albums).map(([id, ids]) => [id, new Set(ids)]));
  const stacks = new Map(Object.entries(before.stacks).map(([id, ids]) => [id, new Set(ids)]));
  const favorites = new Set(before.favorites);
  const ids = (row: JournalRow) => JSON.parse(row.subject) as string[];
  const members = (map: Map<string, Set<string>>, key: string) => map.get(key) ?? map.set(key, new Set()).get(key) ?? new Set<string>();
  for (const row of rows) {
    // A creation the server never named: see journalGap.
    if (row.target === '' && (row.action === 'album.create' || row.action === 'stack.create')) continue;
    switch (row.action) {
      case 'tag.create':
        members(tags, row.target);
        break;
      case 'tag.assets':
        for (const id of ids(row)) members(tags, row.target).add(id);
        break;
      case 'untag.assets':
        for (const id of ids(row)) members(tags, row.target).delete(id);
        break;
      case 'favorite':
        for (const id of ids(row)) favorites.add(id);
        break;
      case 'album.create':
        for (const id of ids(row)) members(albums, row.target).add(id);
        break;
      case 'album.assets':
        for (const id of ids(row)) members(albums, row.target).add(id);
        break;
      case 'stack.create':
        for (const id of ids(row)) members(stacks, row.target).add(id);
        break;
      case 'tag.upsert':
        // Names, not ids: see journalGap.
        break;
      default:
        throw new Error(`the replay does not know journal action ${row.action}`);
    }
  }
  const plain = (map: Map<string, Set<string>>) => Object.fromEntries([...map].map(([id, set]) => [id, [...set].sort()]));
  return { tags: plain(tags), albums: plain(albums), favorites: [...favorites].sort(), stacks: plain(stacks), tagNames: before.tagNames, albumNames: before.albumNames, stackPrimaries: before.stackPrimaries };
}

/** Single facts (an asset in a tag, an album, a favorite, ...) of a state, as comparable strings. */
function facts(state: ServerState): Set<string> {
  return new Set([
    ...Object.entries(state.tags).flatMap(([id, ids]) => [`tag ${id}`, ...ids.map((asset) => `tag ${id} ${asset}`)]),
    ...Object.entries(state.albums).flatMap(([id, ids]) => [`album ${id}`, ...ids.map((asset) => `album ${id} ${asset}`)]),
    ...Object.entries(state.stacks).flatMap(([id, ids]) => [`stack ${id}`, ...ids.map((asset) => `stack ${id} ${asset}`)]),
    ...state.favorites.map((asset) => `favorite ${asset}`),
  ]);
}

/** The facts only `a` holds and those only `b` holds. */
export function factsApart(a: ServerState, b: ServerState): { onlyInA: string[]; onlyInB: string[] } {
  const left = facts(a);
  const right = facts(b);
  return { onlyInA: [...left].filter((fact) => !right.has(fact)), onlyInB: [...right].filter((fact) => !left.has(fact)) };
}

/**
 * Facts on the server that no journal entry explains (`unjournaled`: a change lost to undo), and
 * journaled facts the server lacks (`phantom`). A pending entry explains its facts either way.
 */
export function journalGap(server: ServerState, before: ServerState, rows: readonly JournalRow[]): { unjournaled: string[]; phantom: string[] } {
  const settled = facts(replayJournal(before, rows.filter((row) => !row.pending)));
  const withPending = facts(replayJournal(before, rows));
  const onServer = facts(server);
  const upserted = new Set(rows.filter((row) => row.pending && row.action === 'tag.upsert').flatMap((row) => JSON.parse(row.subject) as string[]));
  // `tag <id>` alone is the tag's existence: explained when a pending upsert names it.
  const upsertedTag = (fact: string) => /^tag \S+$/.test(fact) && upserted.has(server.tagNames[fact.slice(4)] ?? '');
  // An album or stack (and its photos) made by a creation cut off before the server named it: known by name, or by its top photo.
  const unnamed = rows.filter((row) => row.pending && row.target === '');
  const madeUnnamed = (fact: string): boolean => {
    const [kind = '', id = '', asset] = fact.split(' ');
    return unnamed.some((row) => {
      const photos = JSON.parse(row.subject) as string[];
      const same = kind === 'album' ? row.action === 'album.create' && server.albumNames[id] === row.detail : kind === 'stack' && row.action === 'stack.create' && server.stackPrimaries[id] === photos[0];
      return same && (asset === undefined || photos.includes(asset));
    });
  };
  return {
    unjournaled: [...onServer].filter((fact) => !settled.has(fact) && !withPending.has(fact) && !upsertedTag(fact) && !madeUnnamed(fact)),
    phantom: [...settled].filter((fact) => withPending.has(fact) && !onServer.has(fact)),
  };
}

/** How many single changes on the server the journal does not explain (see `journalGap`). */
export function changesUnexplained(server: ServerState, before: ServerState, rows: readonly JournalRow[]): number {
  const { unjournaled, phantom } = journalGap(server, before, rows);
  return unjournaled.length + phantom.length;
}

/** How many single changes differ between two states. */
export function changesApart(a: ServerState, b: ServerState): number {
  const { onlyInA, onlyInB } = factsApart(a, b);
  return onlyInA.length + onlyInB.length;
}

export interface SeedPhoto {
  name: string;
  thumbnail: Buffer;
  checksum: string;
  bytes: number;
}

/** Four scenes with two or three copies each (re-encoded, resized) and three unique photos: 13 assets, 4 groups. */
export async function seedPhotos(): Promise<SeedPhoto[]> {
  const photos: SeedPhoto[] = [];
  const add = async (name: string, bytes: Buffer) =>
    photos.push({ name, bytes: bytes.length, checksum: createHash('sha1').update(bytes).digest('base64'), thumbnail: await makeImmichThumbnail(bytes) });
  for (let scene = 0; scene < 4; scene++) {
    const original = await sceneJpeg({ seed: 500 + scene, width: 640, height: 480 });
    await add(`scene${scene}.jpg`, original);
    await add(`scene${scene}-small.jpg`, await sharp(original).resize(400).jpeg({ quality: 70 }).toBuffer());
    if (scene < 2) await add(`scene${scene}-q50.jpg`, await sharp(original).jpeg({ quality: 50 }).toBuffer());
  }
  for (let unique = 0; unique < 3; unique++) await add(`unique${unique}.jpg`, await sceneJpeg({ seed: 600 + unique, width: 640, height: 480 }));
  return photos;
}

export function addAssets(fake: FakeImmich, ownerId: string, photos: readonly SeedPhoto[]): void {
  photos.forEach((photo, index) =>
    fake.state.addAsset({
      ownerId,
      originalFileName: photo.name,
      checksum: photo.checksum,
      fileCreatedAt: new Date(Date.UTC(2024, 0, index + 1)).toISOString(),
      width: 640,
      height: 480,
      thumbnail: photo.thumbnail,
      exif: { fileSizeInByte: photo.bytes },
    }),
  );
}
