/**
 * Tagging in Immich as an action target: `--tag-only` tags every member of every actionable group
 * (with `--tag-per-group`, also a child tag `<tag>/group-0001` per group), `--tag-duplicates-of-local`
 * tags the assets that duplicate a photo of a loaded local library, and `--remove-tag` takes a tag
 * (and its children) off every asset that has it, then optionally deletes it (`--delete-tag`).
 * Writes are batched (one request per chunk of ids), skip what is already so (a second identical run
 * sends no writing request), and are journaled ahead of each request and settled once the tag is read
 * back (read-back.ts): only assets the server shows carrying the tag count, so `undo` reverses exactly
 * what was done.
 */

import type { ReportAction } from '../../core/report.js';
import type { PhotoGroup } from '../../grouping/group-engine.js';
import type { ImmichClient, ServerCapabilities, TagDto } from '../../sources/immich/index.js';
import { requireCapability } from '../../sources/immich/index.js';
import type { ActionTarget, ApplyContext } from '../action-target.js';
import { actionableGroups, isOwnPhoto } from '../plan.js';
import { chunked, TagCarriers, tagSubtree } from './tag-lookup.js';
import { addOutcome, notKeptAction, WrittenBatch, type BatchOutcome } from './read-back.js';
import { beginWrite, errorMessage, limitLines, mapLimited, UNCANCELLABLE, withSignal, WRITE_CHUNK, writeCall } from './write-support.js';

export { WRITE_CHUNK } from './write-support.js';

export interface GroupTag {
  /** `<tag>/group-0001`. */
  tagName: string;
  assetIds: string[];
}

export type TagPlan =
  | { kind: 'tag'; tagName: string; assetIds: string[]; groups: number; perGroup: GroupTag[] }
  | { kind: 'untag'; tagName: string; deleteTag: boolean };

export interface TagTargetOptions {
  client: ImmichClient;
  capabilities: ServerCapabilities;
  mode: 'tag' | 'tag-duplicates-of-local' | 'untag';
  tagName: string;
  includeSimilar: boolean;
  /** Also tag each group's members with `<tag>/<group id>`. */
  perGroup?: boolean;
  /** After `untag`, delete the tag itself (and its children) once no asset carries it. */
  deleteTag?: boolean;
}

export function immichTagTarget(options: TagTargetOptions): ActionTarget<TagPlan> {
  requireCapability(options.capabilities, 'tags', options.mode === 'untag' ? '--remove-tag' : 'tagging');
  const { client, capabilities, tagName } = options;
  const carriers = (): TagCarriers => new TagCarriers({ client, capabilities });
  return {
    plan: (groups) => (options.mode === 'untag' ? { kind: 'untag', tagName, deleteTag: Boolean(options.deleteTag) } : planTagging(groups, options)),
    describe: (plan) => {
      if (plan.kind === 'untag') {
        const then = plan.deleteTag ? `, then delete the tag` : '';
        return [`Would remove the tag '${tagName}' (and its child tags) from every asset that has it${then}`];
      }
      return [
        `Would tag ${plan.assetIds.length} assets of ${plan.groups} groups with '${tagName}' (those already tagged are left alone)`,
        ...limitLines(plan.perGroup.map((group) => `Would tag ${group.assetIds.length} assets with '${group.tagName}'`), 'group tags'),
      ];
    },
    planned: (plan) =>
      plan.kind === 'untag'
        ? [{ type: 'untag', target: tagName, count: 0, status: 'planned' }]
        : [
            { type: 'tag', target: tagName, count: plan.assetIds.length, status: 'planned' },
            ...(plan.perGroup.length > 0 ? [{ type: 'tag' as const, target: `${tagName}/group-*`, count: plan.perGroup.length, status: 'planned' as const }] : []),
          ],
    apply: (plan, context) => (plan.kind === 'untag' ? untagAll(client, carriers(), plan, context) : tagAssets(client, carriers(), plan, context)),
  };
}

export function planTagging(groups: readonly PhotoGroup[], options: Pick<TagTargetOptions, 'mode' | 'tagName' | 'includeSimilar' | 'perGroup'>): Extract<TagPlan, { kind: 'tag' }> {
  const ids = new Set<string>();
  const perGroup: GroupTag[] = [];
  let count = 0;
  for (const group of actionableGroups(groups, options.includeSimilar)) {
    const members = group.members.filter((member) => member.photo.source === 'immich' && isOwnPhoto(member.photo));
    // Duplicates of local: only groups that hold a photo of the loaded local library.
    if (options.mode === 'tag-duplicates-of-local' && !group.members.some((member) => member.photo.source === 'local')) continue;
    if (members.length === 0) continue;
    count++;
    for (const member of members) ids.add(member.photo.id);
    if (options.perGroup) perGroup.push({ tagName: `${options.tagName}/${group.id}`, assetIds: members.map((member) => member.photo.id).sort() });
  }
  return { kind: 'tag', tagName: options.tagName, assetIds: [...ids].sort(), groups: count, perGroup };
}

interface Tally extends BatchOutcome {
  unchanged: number;
}

const emptyTally = (unchanged = 0): Tally => ({ done: 0, notKept: 0, failed: 0, unchanged });

const TAG_NOT_LISTED = 'the server answered 2xx to PUT /tags but GET /tags does not list the tag';
const TAG_NOT_CARRIED = 'the server answered 2xx to PUT /tags/{id}/assets but the assets carry no tag';
const TAG_STILL_CARRIED = 'the server answered 2xx to DELETE /tags/{id}/assets but the assets still carry the tag';
const TAG_NOT_DELETED = 'the server answered 2xx to DELETE /tags/{id} but GET /tags still lists the tag';

async function tagAssets(client: ImmichClient, carriers: TagCarriers, plan: Extract<TagPlan, { kind: 'tag' }>, context: ApplyContext): Promise<ReportAction[]> {
  if (plan.assetIds.length === 0) return [];
  const { tags, createdNow } = await ensureTags(client, [plan.tagName, ...plan.perGroup.map((group) => group.tagName)], context);
  const main = tags.get(plan.tagName);
  // Answered as made, yet not listed: nothing can carry it (a stub tag route).
  if (!main) return notKeptAction('tag', plan.tagName, plan.assetIds.length, TAG_NOT_LISTED);
  const mainTally = await tagMissing(client, carriers, main, plan.assetIds, createdNow.has(main.id), context, true);
  const actions = tallyActions('tag', plan.tagName, mainTally);
  if (plan.perGroup.length > 0) {
    const listed = plan.perGroup.filter((group) => tags.has(group.tagName));
    const tallies = await mapLimited(
      listed,
      (group) => {
        const tag = tags.get(group.tagName) as TagDto;
        return tagMissing(client, carriers, tag, group.assetIds, createdNow.has(tag.id), context, false);
      },
      context.signal,
    );
    const unlisted = plan.perGroup.filter((group) => !tags.has(group.tagName)).reduce((sum, group) => sum + group.assetIds.length, 0);
    actions.push(...tallyActions('tag', `${plan.tagName}/group-*`, sumTallies(tallies)), ...notKeptAction('tag', `${plan.tagName}/group-*`, unlisted, TAG_NOT_LISTED));
  }
  return actions;
}

/**
 * The tags by value, creating the missing ones with one upsert; a tag the upsert answered but the
 * listing after it lacks was not kept, and is left out. Every tag that exists afterwards and did not
 * before (parents of `a/b` included) is journaled, even when the upsert failed: its answer can be
 * lost after the server committed. Until then a pending `tag.upsert` entry names them, so a run
 * killed in between still lets undo find and delete them by name.
 */
async function ensureTags(client: ImmichClient, names: readonly string[], context: ApplyContext): Promise<{ tags: Map<string, TagDto>; createdNow: Set<string> }> {
  const before = await client.listTags(withSignal(context));
  const tags = new Map(before.map((tag) => [tag.value, tag]));
  const createdNow = new Set<string>();
  const missing = [...new Set(names)].filter((name) => !tags.has(name));
  if (missing.length === 0) return { tags, createdNow };
  const intent = beginWrite(context, { action: 'tag.upsert', target: 'tags', detail: missing.join(', '), items: missing });
  let failure: Error | undefined;
  try {
    for (const chunk of chunked(missing, WRITE_CHUNK)) await client.upsertTags(chunk, UNCANCELLABLE);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  let after: TagDto[];
  try {
    after = await client.listTags(UNCANCELLABLE);
  } catch (error) {
    throw failure ?? error;
  }
  const created = after.filter((tag) => !tags.has(tag.value)).sort((a, b) => a.value.split('/').length - b.value.split('/').length);
  for (const tag of created) {
    context.journal.record({ runId: context.runId, action: 'tag.create', target: tag.id, subject: JSON.stringify({ name: tag.value }), detail: tag.value });
    tags.set(tag.value, tag);
    createdNow.add(tag.id);
  }
  // The tag.create entries above say all the upsert did.
  context.journal.settle(intent, undefined);
  if (failure !== undefined) throw failure;
  return { tags, createdNow };
}

/** Tags the assets not yet tagged, a chunk per request, then reads the tag back once and journals the ids that carry it. */
async function tagMissing(client: ImmichClient, carriers: TagCarriers, tag: TagDto, assetIds: readonly string[], isNew: boolean, context: ApplyContext, progress: boolean): Promise<Tally> {
  const already = isNew ? new Set<string>() : await carriers.of(tag, { among: assetIds, exact: true, signal: context.signal });
  const missing = assetIds.filter((id) => !already.has(id));
  const tally = emptyTally(assetIds.length - missing.length);
  const batch = new WrittenBatch({ seen: (ids) => carriers.of(tag, { among: ids, exact: true }), behaviour: TAG_NOT_CARRIED });
  let sent = 0;
  for (const chunk of chunked(missing, WRITE_CHUNK)) {
    const intent = beginWrite(context, { action: 'tag.assets', target: tag.id, detail: tag.value, items: chunk });
    try {
      const results = await client.tagAssets(tag.id, chunk, UNCANCELLABLE);
      // Only an explicit refusal counts against an id (`duplicate` for an id untagged a moment ago is a
      // retried request whose first answer was lost: that link is ours too); the read-back decides the rest.
      const refused = new Set(results.filter((result) => !result.success && result.error !== 'duplicate').map((result) => result.id));
      if (refused.size > 0) noteFailure(tally, refused.size, `Immich refused ${refused.size} assets: ${results.find((result) => refused.has(result.id))?.error ?? 'unknown'}`);
      batch.add(intent, chunk.filter((id) => !refused.has(id)));
    } catch (error) {
      // The answer may be lost after the server tagged: the read-back tells what it holds.
      batch.add(intent, chunk, errorMessage(error));
      context.logger.warn(`tagging ${chunk.length} assets with '${tag.value}' failed: ${errorMessage(error)}`);
    }
    sent += chunk.length;
    if (progress) context.onProgress?.({ stage: 'apply', done: sent, total: missing.length });
  }
  addOutcome(tally, await batch.settle(context));
  return tally;
}

async function untagAll(client: ImmichClient, carriers: TagCarriers, plan: Extract<TagPlan, { kind: 'untag' }>, context: ApplyContext): Promise<ReportAction[]> {
  const subtree = tagSubtree(await client.listTags(withSignal(context)), plan.tagName);
  if (subtree.length === 0) return [{ type: 'untag', target: plan.tagName, count: 0, status: 'unchanged' }];
  // Deepest first, so an asset found through a child tag is already off it when its parent is done.
  const depths = [...new Set(subtree.map((tag) => tag.value.split('/').length))].sort((a, b) => b - a);
  const tallies: Tally[] = [];
  const carried = new Set<string>();
  for (const depth of depths) {
    const level = subtree.filter((tag) => tag.value.split('/').length === depth);
    tallies.push(...(await mapLimited(level, (tag) => untagOne(client, carriers, tag, carried, context), context.signal)));
  }
  const total = sumTallies(tallies);
  const actions = tallyActions('untag', plan.tagName, total);
  const root = subtree.find((tag) => tag.value === plan.tagName);
  if (plan.deleteTag && root) actions.push(await deleteTag(client, carriers, root, subtree, [...carried], context));
  return actions;
}

/** `carried` collects every asset found carrying a tag of the subtree. */
async function untagOne(client: ImmichClient, carriers: TagCarriers, tag: TagDto, carried: Set<string>, context: ApplyContext): Promise<Tally> {
  const carrying = [...(await carriers.of(tag, { exact: true, signal: context.signal }))].sort();
  for (const id of carrying) carried.add(id);
  const tally = emptyTally();
  const untaggedNow = async (ids: readonly string[]): Promise<Set<string>> => {
    const now = await carriers.of(tag, { among: ids, exact: true });
    return new Set(ids.filter((id) => !now.has(id)));
  };
  const batch = new WrittenBatch({ seen: untaggedNow, behaviour: TAG_STILL_CARRIED });
  for (const chunk of chunked(carrying, WRITE_CHUNK)) {
    const intent = beginWrite(context, { action: 'untag.assets', target: tag.id, detail: tag.value, items: chunk });
    try {
      const results = await client.untagAssets(tag.id, chunk, UNCANCELLABLE);
      // `not_found` after the children were done: a retried request whose first answer was lost.
      const refused = new Set(results.filter((result) => !result.success && result.error !== 'not_found').map((result) => result.id));
      if (refused.size > 0) noteFailure(tally, refused.size, `Immich refused ${refused.size} assets: ${results.find((result) => refused.has(result.id))?.error ?? 'unknown'}`);
      batch.add(intent, chunk.filter((id) => !refused.has(id)));
    } catch (error) {
      batch.add(intent, chunk, errorMessage(error));
      context.logger.warn(`untagging ${chunk.length} assets from '${tag.value}' failed: ${errorMessage(error)}`);
    }
  }
  addOutcome(tally, await batch.settle(context));
  return tally;
}

/** Deletes the (now unused) tag and its children: after untagging, so no XMP sidecar keeps it (API-NOTES §14.11). */
async function deleteTag(client: ImmichClient, carriers: TagCarriers, root: TagDto, subtree: readonly TagDto[], carried: readonly string[], context: ApplyContext): Promise<ReportAction> {
  const left = await carriers.of(root, { among: carried, signal: context.signal });
  if (left.size > 0) {
    return { type: 'untag', target: `${root.value} (tag kept)`, count: left.size, status: 'failed', error: `${left.size} assets still carry it` };
  }
  await client.deleteTag(root.id, writeCall(context));
  const names = subtree.map((tag) => tag.value).sort();
  if (context.verify && (await client.listTags(UNCANCELLABLE)).some((tag) => tag.id === root.id)) {
    return { type: 'untag', target: `${root.value} (tag kept)`, count: names.length, status: 'not kept', error: TAG_NOT_DELETED };
  }
  context.journal.record({ runId: context.runId, action: 'tag.delete', target: root.id, subject: JSON.stringify({ names }), detail: root.value });
  return { type: 'untag', target: `${root.value} (tag deleted)`, count: names.length, status: 'done' };
}

function noteFailure(tally: Tally, count: number, error: string): void {
  tally.failed += count;
  tally.error ??= error;
}

function sumTallies(tallies: readonly Tally[]): Tally {
  const total = emptyTally();
  for (const tally of tallies) {
    total.unchanged += tally.unchanged;
    addOutcome(total, tally);
  }
  return total;
}

function tallyActions(type: 'tag' | 'untag', target: string, tally: Tally): ReportAction[] {
  const actions: ReportAction[] = [];
  if (tally.done > 0) actions.push({ type, target, count: tally.done, status: 'done' });
  if (tally.unchanged > 0 || (tally.done === 0 && tally.failed === 0 && tally.notKept === 0)) actions.push({ type, target, count: tally.unchanged, status: 'unchanged' });
  actions.push(...notKeptAction(type, target, tally.notKept, type === 'tag' ? TAG_NOT_CARRIED : TAG_STILL_CARRIED));
  if (tally.failed > 0) actions.push({ type, target, count: tally.failed, status: 'failed', ...(tally.error ? { error: tally.error } : {}) });
  return actions;
}
