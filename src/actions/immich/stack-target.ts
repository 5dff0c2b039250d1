/**
 * `--stack`: each group becomes a stack, the best photo as primary. `POST /stacks` absorbs any stack
 * whose primary it is given and moves members out of other stacks (API-NOTES §9, §14.18), and undo
 * could not give those back: so a group with a photo already in a stack is left alone (and said so),
 * unless that stack is exactly the group with the best on top, which counts as done before.
 */

import { CancelledError } from '../../core/errors.js';
import type { ReportAction } from '../../core/report.js';
import type { ImmichClient, StackDto } from '../../sources/immich/index.js';
import type { ActionTarget, ApplyContext } from '../action-target.js';
import { planGroups, type GroupActionsPlan, type GroupPlan } from './group-plan.js';
import { errorMessage, UNCANCELLABLE, withSignal, writeCall } from './write-support.js';

export function stackTarget(client: ImmichClient, includeSimilar: boolean): ActionTarget<GroupActionsPlan> {
  return {
    plan: (groups) => planGroups(groups, includeSimilar, 'stack-'),
    describe: (plan) => [`Would stack ${plan.groups.length} groups, the best photo on top (groups with a photo already in a stack are left alone)`],
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

async function applyStacks(client: ImmichClient, plan: GroupActionsPlan, context: ApplyContext): Promise<ReportAction[]> {
  if (plan.groups.length === 0) return [];
  // One read of every stack the user has, instead of one per group.
  const stackOf = new Map<string, StackDto>();
  for (const stack of await client.getStacks({}, withSignal(context))) {
    for (const asset of stack.assets ?? []) stackOf.set(asset.id, stack);
    stackOf.set(stack.primaryAssetId, stack);
  }
  const counts = { created: 0, before: 0, leftAlone: 0, failed: 0 };
  let firstError: string | undefined;
  for (const group of plan.groups) {
    const verdict = stackVerdict(group, stackOf);
    if (verdict === 'done-before') counts.before++;
    if (verdict === 'in-other-stack') counts.leftAlone++;
    if (verdict !== 'create') continue;
    try {
      const stack = await createStack(client, group, context);
      for (const id of group.assetIds) stackOf.set(id, stack);
      counts.created++;
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      counts.failed++;
      firstError ??= `${group.label}: ${errorMessage(error)}`;
      context.logger.warn(`stacking ${group.assetIds.length} photos failed: ${errorMessage(error)}`);
    }
  }
  if (counts.leftAlone > 0) context.logger.warn(`${counts.leftAlone} groups have a photo already in another stack; left alone (stacking would merge or split that stack)`);
  const actions: ReportAction[] = [];
  if (counts.created > 0) actions.push({ type: 'stack', target: 'groups', count: counts.created, status: 'done' });
  if (counts.before > 0) actions.push({ type: 'stack', target: 'groups', count: counts.before, status: 'unchanged' });
  if (counts.leftAlone > 0) actions.push({ type: 'stack', target: 'groups already in another stack', count: counts.leftAlone, status: 'unchanged' });
  if (counts.failed > 0) actions.push({ type: 'stack', target: 'groups', count: counts.failed, status: 'failed', ...(firstError ? { error: firstError } : {}) });
  return actions;
}

async function createStack(client: ImmichClient, group: GroupPlan, context: ApplyContext): Promise<StackDto> {
  const [primary] = group.assetIds as [string];
  let stack: StackDto | undefined;
  try {
    // Not retried blindly: POST /stacks is not idempotent.
    stack = await client.createStack(group.assetIds, { ...writeCall(context), retry: false });
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    // The answer may be lost after the server made the stack: adopt it if it is there.
    stack = (await client.getStacks({ primaryAssetId: primary }, UNCANCELLABLE).catch(() => []))[0];
    if (!stack) throw error;
  }
  context.journal.record({ runId: context.runId, action: 'stack.create', target: stack.id, subject: JSON.stringify(group.assetIds), detail: group.label });
  return stack;
}
