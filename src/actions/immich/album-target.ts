/**
 * `--create-albums`: one album per group, `<prefix>0001`, ... An album our earlier runs created is
 * found by the photos they put in it (group numbers shift as the library changes), else an owned album
 * of that name is reused, else one is created with the group's assets. Only missing assets are added (a
 * second identical run writes nothing); every created album and every added asset is journaled ahead
 * and settled by one read-back of the albums after the writes (read-back.ts).
 */

import { CancelledError } from '../../core/errors.js';
import type { ReportAction } from '../../core/report.js';
import type { AlbumDto, BulkIdResultDto, ImmichClient, ServerCapabilities } from '../../sources/immich/index.js';
import type { JournalEntry } from '../../store/run-repository.js';
import type { ActionTarget, ApplyContext } from '../action-target.js';
import { planGroups, type GroupActionsPlan, type GroupPlan } from './group-plan.js';
import { albumsWeCreated, matchAlbums } from './our-albums.js';
import { notKeptAction, WrittenBatch } from './read-back.js';
import { assetsInAlbum, chunked, type ImmichServer } from './tag-lookup.js';
import { beginWrite, errorMessage, limitLines, mapLimited, refusedOutright, UNCANCELLABLE, withSignal, WRITE_CHUNK } from './write-support.js';

export interface AlbumTargetOptions {
  client: ImmichClient;
  capabilities: ServerCapabilities;
  includeSimilar: boolean;
  prefix: string;
}

export function albumTarget(options: AlbumTargetOptions): ActionTarget<GroupActionsPlan> {
  const { prefix } = options;
  return {
    plan: (groups) => planGroups(groups, options.includeSimilar, prefix),
    describe: (plan) =>
      limitLines(plan.groups.map((group) => `Would put ${group.assetIds.length} photos in album '${group.label}' (creating it if it does not exist)`), 'albums'),
    planned: (plan) => [{ type: 'album', target: prefix, count: plan.groups.length, status: 'planned' }],
    apply: (plan, context) => applyAlbums(options, plan, context),
  };
}

const ALBUM_NOT_LISTED = 'the server answered 2xx to POST /albums but GET /albums does not list the album';
const NOT_IN_ALBUM = 'the server answered 2xx to PUT /albums/{id}/assets but the album does not hold the photos';

interface Counts {
  created: number;
  completed: number;
  unchanged: number;
  failed: number;
  notKept: number;
  behaviour?: string;
  error?: string;
}

async function applyAlbums(options: AlbumTargetOptions, plan: GroupActionsPlan, context: ApplyContext): Promise<ReportAction[]> {
  const { client } = options;
  const server: ImmichServer = { client, capabilities: options.capabilities };
  if (plan.groups.length === 0) return [];
  const owned = await ownedAlbums(client, context);
  const ownedIds = new Set(owned.map((album) => album.id));
  const ours = albumsWeCreated(context.journal).filter((album) => ownedIds.has(album.id));
  const existing = matchAlbums(plan.groups, ours, owned);

  // Reads first (bounded), then the writes one by one, then one read-back for them all.
  const inside = await mapLimited(existing, (album) => (album ? assetsInAlbum(server, album.id, context.signal) : Promise.resolve(undefined)), context.signal);
  const counts: Counts = { created: 0, completed: 0, unchanged: 0, failed: 0, notKept: 0 };
  const readBack = new AlbumReadBack(server);
  const written: AlbumWrite[] = [];
  for (const [index, group] of plan.groups.entries()) {
    const album = existing[index];
    const members = inside[index];
    try {
      if (!album || !members) {
        written.push(await createAlbum(client, group, ownedIds, context));
        continue;
      }
      const missing = group.assetIds.filter((id) => !members.has(id));
      if (missing.length === 0) {
        counts.unchanged++;
        continue;
      }
      written.push(await addToAlbum(server, album, missing, members.size, readBack, context));
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      noteFailed(counts, `${group.label}: ${errorMessage(error)}`);
      context.logger.warn(`album '${group.label}' failed: ${errorMessage(error)}`);
    }
  }
  for (const write of written) await settleAlbum(write, readBack, context, counts);
  const actions: ReportAction[] = [];
  if (counts.created > 0) actions.push({ type: 'album', target: `${options.prefix}* created`, count: counts.created, status: 'done' });
  if (counts.completed > 0) actions.push({ type: 'album', target: `${options.prefix}* completed`, count: counts.completed, status: 'done' });
  if (counts.unchanged > 0) actions.push({ type: 'album', target: options.prefix, count: counts.unchanged, status: 'unchanged' });
  actions.push(...notKeptAction('album', options.prefix, counts.notKept, counts.behaviour ?? NOT_IN_ALBUM));
  if (counts.failed > 0) actions.push({ type: 'album', target: options.prefix, count: counts.failed, status: 'failed', ...(counts.error ? { error: counts.error } : {}) });
  return actions;
}

function noteFailed(counts: Counts, error: string): void {
  counts.failed++;
  counts.error ??= error;
}

/**
 * Album state read back cheaply: one `GET /albums` for every album the run wrote to; an album whose
 * `assetCount` is what the writes should have made counts as holding them, any other is read in full.
 */
class AlbumReadBack {
  #counts: Promise<Map<string, number | undefined>> | undefined;

  constructor(private readonly server: ImmichServer) {}

  /** Undefined when the server does not list the album at all. */
  async holding(albumId: string, ids: readonly string[], expectedCount: number): Promise<Set<string> | undefined> {
    this.#counts ??= this.server.client.getAlbums({}, UNCANCELLABLE).then((albums) => new Map(albums.map((album) => [album.id, album.assetCount ?? undefined])));
    const counts = await this.#counts;
    if (!counts.has(albumId)) return undefined;
    if (counts.get(albumId) === expectedCount) return new Set(ids);
    const members = await assetsInAlbum(this.server, albumId);
    return new Set(ids.filter((id) => members.has(id)));
  }
}

/** One album's writes, waiting for the read-back. */
type AlbumWrite =
  | { kind: 'create'; intent: JournalEntry; albumId: string; ids: readonly string[] }
  | { kind: 'add'; batch: WrittenBatch; refused: number; refusal?: string };

/** Created albums are journaled with the photos seen in them (or dropped when the album is not there); additions through their batch. */
async function settleAlbum(write: AlbumWrite, readBack: AlbumReadBack, context: ApplyContext, counts: Counts): Promise<void> {
  if (write.kind === 'add') {
    const outcome = await write.batch.settle(context);
    if (outcome.failed > 0 || write.refused > 0) noteFailed(counts, outcome.error ?? write.refusal ?? 'failed');
    else if (outcome.notKept > 0) counts.notKept++;
    else counts.completed++;
    return;
  }
  let held: Set<string> | undefined = new Set(write.ids);
  if (context.verify) {
    try {
      held = await readBack.holding(write.albumId, write.ids, write.ids.length);
    } catch (error) {
      // Left pending: undo takes this run's photos out and deletes the album if it is empty.
      noteFailed(counts, `reading album ${write.albumId} back failed: ${errorMessage(error)}`);
      return;
    }
  }
  // An album that is there is journaled even when empty: its existence is this run's doing.
  context.journal.settle(write.intent, held === undefined ? undefined : JSON.stringify([...held]));
  if (held !== undefined && held.size === write.ids.length) {
    counts.created++;
    return;
  }
  counts.notKept++;
  counts.behaviour ??= held === undefined ? ALBUM_NOT_LISTED : NOT_IN_ALBUM;
}

/** Albums the key's user owns: v3 lists shared-with-me ones too, and those cannot take our assets. */
async function ownedAlbums(client: ImmichClient, context: ApplyContext): Promise<AlbumDto[]> {
  const [me, albums] = await Promise.all([client.me(withSignal(context)), client.getAlbums({}, withSignal(context))]);
  return albums.filter((album) => {
    if (album.ownerId) return album.ownerId === me.id;
    const owner = album.albumUsers?.find((member) => member.role === 'owner');
    return owner === undefined || owner.user.id === me.id;
  });
}

/**
 * Journaled ahead (pending, its id not known yet), named once the server answers, settled by the
 * read-back. A refusal drops the intent; an answer lost with the server gone leaves it pending and
 * without an id: undo then finds the album by its name and photos.
 */
async function createAlbum(client: ImmichClient, group: GroupPlan, knownIds: Set<string>, context: ApplyContext): Promise<AlbumWrite> {
  const intent = beginWrite(context, { action: 'album.create', target: '', detail: group.label, items: group.assetIds });
  let album: AlbumDto | undefined;
  try {
    // Not retried blindly: a retried POST /albums could make a second album of that name.
    album = await client.createAlbum(group.label, group.assetIds, { ...UNCANCELLABLE, retry: false });
  } catch (error) {
    // The answer may be lost after the server made the album: adopt a new album of that name.
    const listed = refusedOutright(error) ? [] : await client.getAlbums({}, UNCANCELLABLE).catch(() => undefined);
    album = listed?.find((candidate) => candidate.albumName === group.label && !knownIds.has(candidate.id));
    if (!album) {
      // Not there, or refused: nothing was made. Not known (the server is gone): left pending.
      if (listed !== undefined) context.journal.settle(intent, undefined);
      throw error;
    }
  }
  knownIds.add(album.id);
  return { kind: 'create', intent: context.journal.identify(intent, album.id), albumId: album.id, ids: group.assetIds };
}

async function addToAlbum(server: ImmichServer, album: { id: string; name: string }, missing: readonly string[], before: number, readBack: AlbumReadBack, context: ApplyContext): Promise<AlbumWrite> {
  const claimed: string[] = [];
  const batch = new WrittenBatch({ seen: (ids) => readBack.holding(album.id, ids, before + claimed.length).then((held) => held ?? new Set()), behaviour: NOT_IN_ALBUM });
  let refused = 0;
  let refusal: string | undefined;
  for (const chunk of chunked(missing, WRITE_CHUNK)) {
    const intent = beginWrite(context, { action: 'album.assets', target: album.id, detail: album.name, items: chunk });
    let results: BulkIdResultDto[];
    try {
      results = await server.client.addAssetsToAlbum(album.id, chunk, UNCANCELLABLE);
    } catch (error) {
      // The answer may be lost after the server added them: the read-back tells what the album holds.
      batch.add(intent, chunk, errorMessage(error));
      break;
    }
    // `duplicate` for an id missing a moment ago: a retry whose first answer was lost; ours too.
    const rejected = new Set(results.filter((result) => !result.success && result.error !== 'duplicate').map((result) => result.id));
    const added = chunk.filter((id) => !rejected.has(id));
    claimed.push(...added);
    batch.add(intent, added);
    if (rejected.size > 0) {
      refused += rejected.size;
      refusal ??= `Immich refused ${rejected.size} assets: ${results.find((result) => rejected.has(result.id))?.error ?? 'unknown'}`;
    }
  }
  return { kind: 'add', batch, refused, ...(refusal !== undefined ? { refusal } : {}) };
}
