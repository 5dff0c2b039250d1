/**
 * Tagging in Immich as an action target: `--tag-only` tags every member of every actionable group,
 * `--tag-duplicates-of-local` tags the assets that duplicate a photo of a loaded local library, and
 * `--remove-tag` takes a tag off every asset that has it. Writes are batched (one request per
 * chunk of ids), skip what is already so (a second identical run sends no writing request) and are
 * journaled right after the server confirms them, so `undo` can reverse exactly what was done.
 */

import { CapabilityError, throwIfCancelled } from '../../core/errors.js';
import type { ReportAction } from '../../core/report.js';
import type { PhotoGroup } from '../../grouping/group-engine.js';
import type { ImmichClient, ServerCapabilities } from '../../sources/immich/index.js';
import type { ActionTarget, ApplyContext } from '../action-target.js';
import { actionableGroups } from '../plan.js';
import { assetsWithTag, chunked, findTag } from './tag-lookup.js';

export const WRITE_CHUNK = 1000;

export type TagPlan =
  | { kind: 'tag'; tagName: string; assetIds: string[]; groups: number }
  | { kind: 'untag'; tagName: string };

export interface TagTargetOptions {
  client: ImmichClient;
  capabilities: ServerCapabilities;
  mode: 'tag' | 'tag-duplicates-of-local' | 'untag';
  tagName: string;
  includeSimilar: boolean;
}

export function immichTagTarget(options: TagTargetOptions): ActionTarget<TagPlan> {
  if (!options.capabilities.tags) {
    throw new CapabilityError(`this Immich server (v${options.capabilities.version.major}.${options.capabilities.version.minor}) has no tags API (needs v1.113 or newer)`);
  }
  const { client, tagName } = options;
  return {
    plan: (groups) => (options.mode === 'untag' ? { kind: 'untag', tagName } : planTagging(groups, options)),
    describe: (plan) =>
      plan.kind === 'untag'
        ? [`Would remove the tag '${tagName}' from every asset that has it`]
        : [`Would tag ${plan.assetIds.length} assets of ${plan.groups} groups with '${tagName}' (those already tagged are left alone)`],
    planned: (plan) => [{ type: plan.kind === 'untag' ? 'untag' : 'tag', target: tagName, count: plan.kind === 'untag' ? 0 : plan.assetIds.length, status: 'planned' }],
    apply: (plan, context) => (plan.kind === 'untag' ? untagAll(client, tagName, context) : tagAssets(client, plan, context)),
  };
}

function planTagging(groups: readonly PhotoGroup[], options: TagTargetOptions): TagPlan {
  const ids = new Set<string>();
  let count = 0;
  for (const group of actionableGroups(groups, options.includeSimilar)) {
    const members = group.members.filter((member) => member.photo.source === 'immich' && !member.photo.isReference);
    // Duplicates of local: only groups that hold a photo of the loaded local library.
    if (options.mode === 'tag-duplicates-of-local' && !group.members.some((member) => member.photo.source === 'local')) continue;
    if (members.length === 0) continue;
    count++;
    for (const member of members) ids.add(member.photo.id);
  }
  return { kind: 'tag', tagName: options.tagName, assetIds: [...ids].sort(), groups: count };
}

async function tagAssets(client: ImmichClient, plan: Extract<TagPlan, { kind: 'tag' }>, context: ApplyContext): Promise<ReportAction[]> {
  if (plan.assetIds.length === 0) return [];
  const signal = context.signal;
  let tag = await findTag(client, plan.tagName, signal);
  if (!tag) {
    const [created] = await client.upsertTags([plan.tagName], { signal });
    if (!created) throw new Error(`Immich did not create the tag '${plan.tagName}'`);
    tag = created;
    context.journal.record({ runId: context.runId, action: 'tag.create', target: tag.id, subject: JSON.stringify({ name: plan.tagName }), detail: undefined });
  }
  const already = await assetsWithTag(client, tag.id, signal);
  const missing = plan.assetIds.filter((id) => !already.has(id));
  let done = 0;
  for (const chunk of chunked(missing, WRITE_CHUNK)) {
    throwIfCancelled(signal);
    await client.bulkTagAssets([tag.id], chunk, { signal });
    context.journal.record({ runId: context.runId, action: 'tag.assets', target: tag.id, subject: JSON.stringify(chunk), detail: plan.tagName });
    done += chunk.length;
    context.onProgress?.({ stage: 'apply', done, total: missing.length });
  }
  const actions: ReportAction[] = [];
  if (done > 0) actions.push({ type: 'tag', target: plan.tagName, count: done, status: 'done' });
  if (plan.assetIds.length - done > 0) actions.push({ type: 'tag', target: plan.tagName, count: plan.assetIds.length - done, status: 'unchanged' });
  return actions;
}

async function untagAll(client: ImmichClient, tagName: string, context: ApplyContext): Promise<ReportAction[]> {
  const tag = await findTag(client, tagName, context.signal);
  if (!tag) return [{ type: 'untag', target: tagName, count: 0, status: 'unchanged' }];
  const tagged = [...(await assetsWithTag(client, tag.id, context.signal))].sort();
  for (const chunk of chunked(tagged, WRITE_CHUNK)) {
    throwIfCancelled(context.signal);
    await client.untagAssets(tag.id, chunk, context.signal ? { signal: context.signal } : {});
    context.journal.record({ runId: context.runId, action: 'untag.assets', target: tag.id, subject: JSON.stringify(chunk), detail: tagName });
  }
  return [{ type: 'untag', target: tagName, count: tagged.length, status: tagged.length > 0 ? 'done' : 'unchanged' }];
}
