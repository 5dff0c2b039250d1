/**
 * `--stack`: each group becomes a stack, the best photo as primary. `POST /stacks` absorbs any stack
 * whose primary it is given and moves members out of other stacks (API-NOTES §9, §14.18), and undo
 * could not give those back: so a group with a photo already in a stack is left alone (and said so),
 * unless that stack is exactly the group with the best on top, which counts as done before.
 */

import { CancelledError } from '../../core/errors.js';
import type { ReportAction } from '../../core/report.js';
import type { ImmichClient, StackDto } from '../../sources/immich/index.js';
import type { JournalEntry } from '../../store/run-repository.js';
import type { ActionTarget, ApplyContext } from '../action-target.js';
import { planGroups, type GroupActionsPlan, type GroupPlan } from './group-plan.js';
import { notKeptAction } from './read-back.js';
import { beginWrite, errorMessage, refusedOutright, UNCANCELLABLE, withSignal } from './write-support.js';

export function stackTarget(client: ImmichClient, includeSimilar: boolean): ActionTarget<GroupActionsPlan> {
  return {
    // The best photo goes on top: a group whose best is not the user's (a reference, a partner's) has no top to give.
    plan: (groups) => {
      const planned = planGroups(groups, includeSimilar, 'stack-');
      return { groups: planned.groups.filter((group) => group.bestIsMine) };
    },
    describe: (plan) => [`Would stack ${plan.groups.length} groups, the best photo on top (groups with a photo already in a stack, or whose best photo is not yours, are left alone)`],
    planned: (plan) => [{ type: 'stack', target: 'groups', count: plan.groups.length, status: 'planned' }],
    apply: (plan, context) => applyStacks(client, plan, context),
  };
}

type Verdict = 'create' | 'done-before' | 'in-other-stack';

/** What to do with a group, given the stack (if any) each of its assets is in. */
export function stackVerdict(group: GroupPlan, stackOf: ReadonlyMap<string, StackDto>): Verdict {
  const stacks = new Set(group.assetIds.map((id) => stackOf.get(id)).filter((stack): stack is StackDto => stack !== undefined));
  if (stacks.size === 0) return 'create';
  const [only] = stacks;
  const members = new Set((only?.assets ?? []).map((asset) => asset.id));
  const same = stacks.size === 1 && only?.primaryAssetId === group.assetIds[0] && members.size === group.assetIds.length && group.assetIds.every((id) => members.has(id));
  return same ? 'done-before' : 'in-other-stack';
}

const STACK_NOT_LISTED = 'the server answered 2xx to POST /stacks but GET /stacks does not list the stack';

interface StackWrite {
  intent: JournalEntry;
  stackId: string;
  group: GroupPlan;
}

async function applyStacks(client: ImmichClient, plan: GroupActionsPlan, context: ApplyContext): Promise<ReportAction[]> {
  if (plan.groups.length === 0) return [];
  // One read of every stack the user has, instead of one per group.
  const stackOf = new Map<string, StackDto>();
  for (const stack of await client.getStacks({}, withSignal(context))) {
    for (const asset of stack.assets ?? []) stackOf.set(asset.id, stack);
    stackOf.set(stack.primaryAssetId, stack);
  }
  const counts = { created: 0, before: 0, leftAlone: 0, failed: 0, notKept: 0 };
  let firstError: string | undefined;
  const written: StackWrite[] = [];
  for (const group of plan.groups) {
    const verdict = stackVerdict(group, stackOf);
    if (verdict === 'done-before') counts.before++;
    if (verdict === 'in-other-stack') counts.leftAlone++;
    if (verdict !== 'create') continue;
    try {
      const stack = await createStack(client, group, context);
      for (const id of group.assetIds) stackOf.set(id, stack);
      written.push({ intent: stack.intent, stackId: stack.id, group });
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      counts.failed++;
      firstError ??= `${group.label}: ${errorMessage(error)}`;
      context.logger.warn(`stacking ${group.assetIds.length} photos failed: ${errorMessage(error)}`);
    }
  }
  if (written.length > 0) {
    try {
      const kept = await stacksHeld(client, written, context.verify);
      for (const write of written) {
        const members = kept.get(write.stackId);
        context.journal.settle(write.intent, members ? JSON.stringify(members) : undefined);
        if (members) counts.created++;
        else counts.notKept++;
      }
    } catch (error) {
      // Left pending: undo deletes those stacks (the photos stay).
      counts.failed += written.length;
      firstError ??= `reading the stacks back failed: ${errorMessage(error)}`;
    }
  }
  if (counts.leftAlone > 0) context.logger.warn(`${counts.leftAlone} groups have a photo already in another stack; left alone (stacking would merge or split that stack)`);
  const actions: ReportAction[] = [];
  if (counts.created > 0) actions.push({ type: 'stack', target: 'groups', count: counts.created, status: 'done' });
  if (counts.before > 0) actions.push({ type: 'stack', target: 'groups', count: counts.before, status: 'unchanged' });
  if (counts.leftAlone > 0) actions.push({ type: 'stack', target: 'groups already in another stack', count: counts.leftAlone, status: 'unchanged' });
  actions.push(...notKeptAction('stack', 'groups', counts.notKept, STACK_NOT_LISTED));
  if (counts.failed > 0) actions.push({ type: 'stack', target: 'groups', count: counts.failed, status: 'failed', ...(firstError ? { error: firstError } : {}) });
  return actions;
}

/**
 * The members of each written stack that the server shows (one `GET /stacks` for them all), by
 * stack id; a stack not listed, or without the best photo on top, is not there. Without `verify`, the answers are taken as they are.
 */
async function stacksHeld(client: ImmichClient, written: readonly StackWrite[], verify: boolean): Promise<Map<string, string[]>> {
  if (!verify) return new Map(written.map((write) => [write.stackId, write.group.assetIds]));
  const listed = new Map((await client.getStacks({}, UNCANCELLABLE)).map((stack) => [stack.id, stack]));
  const held = new Map<string, string[]>();
  for (const { stackId, group } of written) {
    const stack = listed.get(stackId);
    if (!stack || stack.primaryAssetId !== group.assetIds[0]) continue;
    const members = new Set([stack.primaryAssetId, ...(stack.assets ?? []).map((asset) => asset.id)]);
    held.set(stackId, group.assetIds.filter((id) => members.has(id)));
  }
  return held;
}

/** Journaled ahead like an album (album-target.ts): named once the server answers, settled by the read-back. */
async function createStack(client: ImmichClient, group: GroupPlan, context: ApplyContext): Promise<StackDto & { intent: JournalEntry }> {
  const [primary] = group.assetIds as [string];
  const intent = beginWrite(context, { action: 'stack.create', target: '', detail: group.label, items: group.assetIds });
  let stack: StackDto | undefined;
  try {
    // Not retried blindly: POST /stacks is not idempotent.
    stack = await client.createStack(group.assetIds, { ...UNCANCELLABLE, retry: false });
  } catch (error) {
    // The answer may be lost after the server made the stack: adopt it if it is there.
    const listed = refusedOutright(error) ? [] : await client.getStacks({ primaryAssetId: primary }, UNCANCELLABLE).catch(() => undefined);
    stack = listed?.[0];
    if (!stack) {
      // Not there, or refused: nothing was made. Not known (the server is gone): left pending.
      if (listed !== undefined) context.journal.settle(intent, undefined);
      throw error;
    }
  }
  return { ...stack, intent: context.journal.identify(intent, stack.id) };
}
