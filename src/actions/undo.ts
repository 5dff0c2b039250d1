/**
 * Reversing a run from its journal, newest change first: untag what it tagged, re-tag what it
 * untagged (re-creating a tag it deleted), un-favorite only what it made favorite, take out of albums
 * what it added, delete albums and tags it created once nothing else is in them, delete stacks it
 * created. Each reversed entry is marked undone, so undoing twice changes nothing the second time.
 * Something already gone on the server (an album or tag deleted by hand) counts as reversed.
 */

import { throwIfCancelled, UsageError } from '../core/errors.js';
import { ImmichHttpError, type ImmichClient, type TagDto } from '../sources/immich/index.js';
import type { JournalEntry, RunRepository } from '../store/run-repository.js';
import { chunked, TagCarriers, type ImmichServer } from './immich/tag-lookup.js';
import { errorMessage, WRITE_CHUNK } from './immich/write-support.js';
import { changesOf, RESOLVE_ACTIONS, RESOLVE_PERMISSIONS, reverseResolve, unlessGone, type Reversal } from './undo-resolve.js';

export interface UndoOutcome {
  reversed: number;
  /** Entries left as they are on purpose (local copies, an album someone added photos to), with why. */
  skipped: { entry: JournalEntry; reason: string }[];
  /** Entries the server refused to reverse; undo can be run again for them. */
  failed: { entry: JournalEntry; reason: string }[];
  /** Dry-run lines, or what was done. */
  lines: string[];
}

type Call = { signal?: AbortSignal };

/** The key permissions undoing these entries needs (API-NOTES §2.1), to refuse before any change. */
const PERMISSIONS: Record<string, readonly string[]> = {
  'tag.assets': ['tag.read', 'tag.asset'],
  'untag.assets': ['tag.read', 'tag.asset', 'tag.create'],
  'tag.delete': ['tag.read', 'tag.create'],
  'tag.create': ['tag.read', 'tag.delete', 'asset.read'],
  'tag.upsert': ['tag.read', 'tag.delete', 'asset.read'],
  favorite: ['asset.update'],
  'album.assets': ['albumAsset.delete'],
  'album.create': ['albumAsset.delete', 'album.read', 'album.delete'],
  'stack.create': ['stack.delete'],
  ...RESOLVE_PERMISSIONS,
};

export function undoPermissions(entries: readonly JournalEntry[]): string[] {
  const needed = new Set<string>();
  for (const entry of entries) if (entry.undoneAt === undefined) for (const permission of PERMISSIONS[entry.action] ?? []) needed.add(permission);
  return [...needed].sort();
}

export async function undoRun(runId: string, journal: RunRepository, server: ImmichServer | undefined, dryRun: boolean, signal?: AbortSignal): Promise<UndoOutcome> {
  const outcome: UndoOutcome = { reversed: 0, skipped: [], failed: [], lines: [] };
  const entries = journal.journal(runId).filter((entry) => entry.undoneAt === undefined).reverse();
  const call: Call = signal ? { signal } : {};
  const client = server?.client;
  if (client) await checkSameServer(runId, client, entries, call);
  const tags = new TagResolver(client, call);
  const carriers = server && new TagCarriers(server);
  for (const entry of entries) {
    if (entry.action === 'copy') {
      outcome.skipped.push({ entry, reason: `copied file ${entry.target} is left in place (the original was never touched)` });
      continue;
    }
    if (!client || !carriers) throw new Error(`run ${runId} changed Immich: undo needs the server (--immich-url, --immich-api-key)`);
    throwIfCancelled(signal);
    try {
      const result = await reverse(entry, client, tags, carriers, dryRun, call);
      if (result.kept !== undefined) {
        outcome.skipped.push({ entry, reason: result.kept });
        if (!result.line) continue;
      }
      if (result.line) outcome.lines.push(`${dryRun ? 'Would' : 'Did'} ${result.line}${entry.pending ? PENDING_NOTE : ''}`);
    } catch (error) {
      if (signal?.aborted) throw error;
      outcome.failed.push({ entry, reason: `${entry.action} ${entry.detail ?? entry.target}: ${errorMessage(error)}` });
      continue;
    }
    if (!dryRun) journal.markUndone(runId, entry.seq);
    outcome.reversed++;
  }
  return outcome;
}

/** A write-ahead entry never settled: the run died while the server had the request. */
const PENDING_NOTE = ' (sent as the run was cut off, so perhaps never applied: reversed in full)';

async function reverse(entry: JournalEntry, client: ImmichClient, tags: TagResolver, carriers: TagCarriers, dryRun: boolean, call: Call): Promise<Reversal> {
  const ids = () => JSON.parse(entry.subject) as string[];
  const name = entry.detail ?? entry.target;
  switch (entry.action) {
    case 'tag.assets': {
      const list = ids();
      if (!dryRun && (await tags.exists(entry.target))) for (const chunk of chunked(list, WRITE_CHUNK)) await client.untagAssets(entry.target, chunk, call);
      return { line: `remove tag '${name}' from ${list.length} assets` };
    }
    case 'untag.assets': {
      const list = ids();
      if (!dryRun) {
        const tagId = await tags.idFor(entry.target, entry.detail);
        for (const chunk of chunked(list, WRITE_CHUNK)) await client.tagAssets(tagId, chunk, call);
      }
      return { line: `put tag '${name}' back on ${list.length} assets` };
    }
    case 'tag.delete': {
      const { names } = JSON.parse(entry.subject) as { names: string[] };
      if (!dryRun) await tags.recreate(names);
      return { line: `re-create the tag '${name}' this run deleted (${names.length} tags with its children)` };
    }
    case 'tag.create': {
      if (dryRun) return { line: `delete the tag '${name}' this run created, if no other asset carries it` };
      if (!(await tags.exists(entry.target))) return { line: `find the tag '${name}' already deleted` };
      const stillUsed = (await carriers.of({ id: entry.target, value: name }, { signal: call.signal })).size;
      if (stillUsed > 0) return { kept: `tag '${name}' is on ${stillUsed} assets tagged by someone else; kept` };
      await client.deleteTag(entry.target, call);
      return { line: `delete the tag '${name}' this run created` };
    }
    case 'tag.upsert': {
      // Only ever pending (a settled upsert leaves tag.create entries): the tags are known by name.
      const names = ids();
      if (dryRun) return { line: `delete the tags ${names.map((n) => `'${n}'`).join(', ')} if this run created them and no asset carries them` };
      return deleteUnusedByName(client, tags, carriers, names, call);
    }
    case 'favorite': {
      const list = ids();
      if (!dryRun) await unfavorite(client, list, call);
      return { line: `un-favorite ${list.length} assets this run made favorite` };
    }
    case 'album.assets': {
      const list = ids();
      if (!dryRun) await unlessGone(() => client.removeAssetsFromAlbum(entry.target, list, call));
      return { line: `take ${list.length} assets out of album '${name}'` };
    }
    case 'album.create':
      if (dryRun) return { line: `take this run's photos out of album '${name}' and delete it if nothing else is in it` };
      return entry.target === '' ? undoUnnamedAlbum(entry, client, call) : undoAlbumCreate(entry, client, call);
    case 'stack.create': {
      // Members survive; only the grouping goes. Cut off before the server named it: the stack with the group's best on top and only its photos.
      const id = entry.target !== '' ? entry.target : await unnamedStack(entry, client, call);
      if (!dryRun && id !== undefined) await unlessGone(() => client.deleteStack(id, call));
      return { line: `unstack '${name}'` };
    }
    default:
      return RESOLVE_ACTIONS.has(entry.action) ? reverseResolve(entry, client, dryRun, call) : { kept: `unknown journal action ${entry.action}` };
  }
}

/** Deletes the tags of these names that exist and no asset carries, deepest first (a parent after its children). */
async function deleteUnusedByName(client: ImmichClient, tags: TagResolver, carriers: TagCarriers, names: readonly string[], call: Call): Promise<Reversal> {
  const deleted: string[] = [];
  const kept: string[] = [];
  for (const name of [...names].sort((a, b) => b.split('/').length - a.split('/').length)) {
    const id = await tags.idOf(name);
    if (id === undefined) continue;
    if ((await carriers.of({ id, value: name }, { signal: call.signal })).size > 0) kept.push(name);
    else {
      await unlessGone(() => client.deleteTag(id, call));
      deleted.push(name);
    }
  }
  return {
    line: `delete ${deleted.length} tags this run created as it was cut off`,
    ...(kept.length > 0 ? { kept: `tags ${kept.join(', ')} carry assets; kept` } : {}),
  };
}

/**
 * The journal does not name its server, and an object that is not found counts as already undone:
 * so before anything is marked, a few of the run's photos must be on this server (this tool never
 * deletes photos). None of them there means another server, or another user's key.
 */
async function checkSameServer(runId: string, client: ImmichClient, entries: readonly JournalEntry[], call: Call): Promise<void> {
  const sample = [...new Set(entries.flatMap((entry) => assetIdsOf(entry).slice(0, 2)))].slice(0, 5);
  if (sample.length === 0) return;
  try {
    for (const id of sample) if (!(await unlessGone(() => client.getAsset(id, call)))) return;
  } catch (error) {
    // A key without asset.read cannot tell; the rest of undo does not need it.
    if (error instanceof ImmichHttpError && error.status === 403) return;
    throw error;
  }
  throw new UsageError(`none of the photos run ${runId} changed is on ${client.baseUrl} for this key: is it the server (and user) the run was made with? Nothing was changed.`);
}

const ASSET_LISTS = new Set(['tag.assets', 'untag.assets', 'favorite', 'album.assets', 'album.create', 'stack.create']);

function assetIdsOf(entry: JournalEntry): string[] {
  if (ASSET_LISTS.has(entry.action)) return JSON.parse(entry.subject) as string[];
  return RESOLVE_ACTIONS.has(entry.action) ? changesOf(entry).map((change) => change.id) : [];
}

/** Our photos out, then the album itself only if it is empty now: photos someone added since stay. */
async function undoAlbumCreate(entry: JournalEntry, client: ImmichClient, call: Call): Promise<Reversal> {
  const name = entry.detail ?? entry.target;
  const gone = await unlessGone(() => client.removeAssetsFromAlbum(entry.target, JSON.parse(entry.subject) as string[], call));
  if (gone) return { line: `find album '${name}' already deleted` };
  const album = await client.getAlbum(entry.target, call);
  const left = album.assetCount ?? album.assets?.length ?? 0;
  if (left > 0) return { line: `take this run's photos out of album '${name}'`, kept: `album '${name}' kept: ${left} photos were added to it by someone else` };
  await unlessGone(() => client.deleteAlbum(entry.target, call));
  return { line: `delete album '${name}' this run created` };
}

/**
 * An album whose creation was cut off before the server named it: the albums of that name holding
 * nothing but this run's photos (possibly none) are the one it made; any other album of the name is left alone.
 */
async function undoUnnamedAlbum(entry: JournalEntry, client: ImmichClient, call: Call): Promise<Reversal> {
  const name = entry.detail ?? '';
  const ours = new Set(JSON.parse(entry.subject) as string[]);
  let deleted = 0;
  for (const album of (await client.getAlbums({ name }, call)).filter((candidate) => candidate.albumName === name)) {
    const members = await albumMembers(client, album.id, call);
    if (!members.every((id) => ours.has(id))) continue;
    if (members.length > 0) await unlessGone(() => client.removeAssetsFromAlbum(album.id, members, call));
    await unlessGone(() => client.deleteAlbum(album.id, call));
    deleted++;
  }
  return { line: deleted > 0 ? `delete album '${name}' this run created` : `find no album '${name}' left of this run` };
}

/** The album's photos: embedded before v3, else one album search. */
async function albumMembers(client: ImmichClient, albumId: string, call: Call): Promise<string[]> {
  const album = await client.getAlbum(albumId, call);
  if (album.assets) return album.assets.map((asset) => (asset as { id: string }).id);
  if ((album.assetCount ?? 0) === 0) return [];
  const page = await client.searchMetadataPage({ albumIds: [albumId], size: 1000, withDeleted: false }, call);
  return page.items.map((item) => (item as { id: string }).id);
}

/** The stack of a cut-off `stack.create`: the group's best on top and nothing but the group's photos. */
async function unnamedStack(entry: JournalEntry, client: ImmichClient, call: Call): Promise<string | undefined> {
  const group = JSON.parse(entry.subject) as string[];
  const [stack] = await client.getStacks({ primaryAssetId: group[0] ?? '' }, call);
  return stack && (stack.assets ?? []).every((asset) => group.includes(asset.id)) ? stack.id : undefined;
}

/** All or nothing on the server: if one asset is gone since, the rest are done one by one. */
async function unfavorite(client: ImmichClient, ids: string[], call: Call): Promise<void> {
  for (const chunk of chunked(ids, WRITE_CHUNK)) {
    const whole = await unlessGone(() => client.updateAssets({ ids: chunk, isFavorite: false }, call));
    if (whole) for (const id of chunk) await unlessGone(() => client.updateAssets({ ids: [id], isFavorite: false }, call));
  }
}

/** The server's tags, read once and kept current as undo re-creates tags a run deleted. */
class TagResolver {
  #tags: TagDto[] | undefined;

  constructor(
    private readonly client: ImmichClient | undefined,
    private readonly call: Call,
  ) {}

  async #list(): Promise<TagDto[]> {
    this.#tags ??= this.client ? await this.client.listTags(this.call) : [];
    return this.#tags;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.#list()).some((tag) => tag.id === id);
  }

  /** The id of the tag of that name, if there is one. */
  async idOf(name: string): Promise<string | undefined> {
    return (await this.#list()).find((tag) => tag.value === name)?.id;
  }

  /** The journaled tag id if it still exists, else the tag of that name (re-created if need be). */
  async idFor(id: string, name: string | undefined): Promise<string> {
    const tags = await this.#list();
    const found = tags.find((tag) => tag.id === id) ?? tags.find((tag) => tag.value === name);
    if (found) return found.id;
    if (name === undefined) throw new Error(`tag ${id} no longer exists`);
    await this.recreate([name]);
    const made = (await this.#list()).find((tag) => tag.value === name);
    if (!made) throw new Error(`Immich did not re-create the tag '${name}'`);
    return made.id;
  }

  async recreate(names: string[]): Promise<void> {
    if (!this.client) return;
    for (const chunk of chunked(names, WRITE_CHUNK)) await this.client.upsertTags(chunk, this.call);
    this.#tags = await this.client.listTags(this.call);
  }
}
