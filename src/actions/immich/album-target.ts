/**
 * `--create-albums`: one album per group, `<prefix>0001`, ... An album our earlier runs created is
 * found by the photos they put in it (group numbers shift as the library changes), else an owned album
 * of that name is reused, else one is created with the group's assets. Only missing assets are added (a second identical run writes nothing); every
 * created album and every added asset is journaled from the server's answer.
 */

import { CancelledError } from '../../core/errors.js';
import type { ReportAction } from '../../core/report.js';
import type { AlbumDto, BulkIdResultDto, ImmichClient, ServerCapabilities } from '../../sources/immich/index.js';
import type { ActionTarget, ApplyContext } from '../action-target.js';
import { planGroups, type GroupActionsPlan, type GroupPlan } from './group-plan.js';
import { albumsWeCreated, matchAlbums } from './our-albums.js';
import { assetsInAlbum, chunked, type ImmichServer } from './tag-lookup.js';
import { beginWrite, errorMessage, limitLines, mapLimited, settleWrite, UNCANCELLABLE, withSignal, WRITE_CHUNK, writeCall } from './write-support.js';

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

async function applyAlbums(options: AlbumTargetOptions, plan: GroupActionsPlan, context: ApplyContext): Promise<ReportAction[]> {
  const { client } = options;
  if (plan.groups.length === 0) return [];
  const owned = await ownedAlbums(client, context);
  const ownedIds = new Set(owned.map((album) => album.id));
  const ours = albumsWeCreated(context.journal).filter((album) => ownedIds.has(album.id));
  const existing = matchAlbums(plan.groups, ours, owned);

  // Reads first (bounded), then the writes one by one.
  const inside = await mapLimited(
    existing,
    (album) => (album ? assetsInAlbum({ client, capabilities: options.capabilities }, album.id, context.signal) : Promise.resolve(undefined)),
    context.signal,
  );
  const counts = { created: 0, completed: 0, unchanged: 0, failed: 0, error: undefined as string | undefined };
  for (const [index, group] of plan.groups.entries()) {
    const album = existing[index];
    const members = inside[index];
    try {
      if (!album || !members) {
        await createAlbum(client, group, ownedIds, context);
        counts.created++;
        continue;
      }
      const missing = group.assetIds.filter((id) => !members.has(id));
      if (missing.length === 0) {
        counts.unchanged++;
        continue;
      }
      await addToAlbum({ client, capabilities: options.capabilities }, album, missing, context);
      counts.completed++;
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      counts.failed++;
      counts.error ??= `${group.label}: ${errorMessage(error)}`;
      context.logger.warn(`album '${group.label}' failed: ${errorMessage(error)}`);
    }
  }
  const actions: ReportAction[] = [];
  if (counts.created > 0) actions.push({ type: 'album', target: `${options.prefix}* created`, count: counts.created, status: 'done' });
  if (counts.completed > 0) actions.push({ type: 'album', target: `${options.prefix}* completed`, count: counts.completed, status: 'done' });
  if (counts.unchanged > 0) actions.push({ type: 'album', target: options.prefix, count: counts.unchanged, status: 'unchanged' });
  if (counts.failed > 0) actions.push({ type: 'album', target: options.prefix, count: counts.failed, status: 'failed', ...(counts.error ? { error: counts.error } : {}) });
  return actions;
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

async function createAlbum(client: ImmichClient, group: GroupPlan, knownIds: Set<string>, context: ApplyContext): Promise<void> {
  let album: AlbumDto | undefined;
  try {
    // Not retried blindly: a retried POST /albums could make a second album of that name.
    album = await client.createAlbum(group.label, group.assetIds, { ...writeCall(context), retry: false });
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    // The answer may be lost after the server made the album: adopt a new album of that name.
    album = (await client.getAlbums({}, UNCANCELLABLE).catch(() => [])).find((candidate) => candidate.albumName === group.label && !knownIds.has(candidate.id));
    if (!album) throw error;
  }
  knownIds.add(album.id);
  context.journal.record({ runId: context.runId, action: 'album.create', target: album.id, subject: JSON.stringify(group.assetIds), detail: group.label });
}

async function addToAlbum(server: ImmichServer, album: { id: string; name: string }, missing: readonly string[], context: ApplyContext): Promise<void> {
  for (const chunk of chunked(missing, WRITE_CHUNK)) {
    const intent = beginWrite(context, { action: 'album.assets', target: album.id, detail: album.name, items: chunk });
    let results: BulkIdResultDto[];
    try {
      results = await server.client.addAssetsToAlbum(album.id, chunk, UNCANCELLABLE);
    } catch (error) {
      // The answer may be lost after the server added them: journal what the album holds now.
      const now = await assetsInAlbum(server, album.id).catch(() => undefined);
      if (now) settleWrite(context, intent, chunk.filter((id) => now.has(id)));
      throw error;
    }
    // `duplicate` for an id missing a moment ago: a retry whose first answer was lost; ours too.
    const added = results.filter((result) => result.success || result.error === 'duplicate').map((result) => result.id);
    settleWrite(context, intent, added);
    const refused = results.filter((result) => !result.success && result.error !== 'duplicate');
    if (refused.length > 0) throw new Error(`Immich refused ${refused.length} assets: ${refused[0]?.error ?? 'unknown'}`);
  }
}
