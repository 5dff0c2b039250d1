/**
 * `--immich-review`: each group onto Immich's own "Review duplicates" page, by giving its assets one
 * `duplicateId` (`PUT /assets {ids, duplicateId}`; RESOLVE-NOTES §1). Only the key owner's assets that
 * are not in the trash; a group needs two of them.
 *
 * Groups Immich's ML job made are never split or shrunk: when a member already has a `duplicateId`,
 * that id is kept and our other members join it; when members carry several, they are merged into the
 * first (every asset of the others moves with it), as Immich's own detection job merges overlapping
 * groups. A second run finds every member already in its group and writes nothing.
 */

import { randomUUID } from 'node:crypto';
import type { ReportAction } from '../../core/report.js';
import type { ImmichClient } from '../../sources/immich/index.js';
import type { ActionTarget, ApplyContext } from '../action-target.js';
import type { AssetStates } from './asset-state.js';
import { planResolve, type ResolveGroup, type ResolvePlan } from './resolve-plan.js';
import { applyStateWrite, WriteTally, type AssetChange } from './state-writes.js';
import { withSignal } from './write-support.js';

export function reviewTarget(client: ImmichClient, states: AssetStates, includeSimilar: boolean): ActionTarget<ResolvePlan> {
  return {
    plan: (groups) => planResolve(groups, includeSimilar),
    describe: (plan) => {
      const groups = reviewable(plan);
      return [`Would put ${groups.length} groups (${count(groups)} photos) on Immich's "Review duplicates" page (duplicateId; those already there are left alone)`];
    },
    planned: (plan) => [{ type: 'review', target: 'duplicateId', count: count(reviewable(plan)), status: 'planned' }],
    apply: (plan, context) => applyReview(client, states, plan, context),
  };
}

const reviewable = (plan: ResolvePlan): ResolveGroup[] => plan.groups.filter((group) => group.members.length >= 2);
const count = (groups: readonly ResolveGroup[]): number => groups.reduce((sum, group) => sum + group.members.length, 0);

async function applyReview(client: ImmichClient, states: AssetStates, plan: ResolvePlan, context: ApplyContext): Promise<ReportAction[]> {
  const groups = reviewable(plan);
  if (groups.length === 0) return [];
  await states.load(groups.flatMap((group) => group.members.map((member) => member.id)), context.signal);
  const otherMembers = new ImmichGroups(client, context);
  const tally = new WriteTally();
  let unchanged = 0;
  for (const group of groups) {
    const members = await states.owned(group.members.map((member) => member.id), context.signal);
    if (members.length < 2) continue;
    const existing = [...new Set(members.map((member) => member.duplicateId).filter((id): id is string => id !== null))];
    const target = existing[0] ?? randomUUID();
    // Immich's other groups these members belong to move into the target whole, never in part.
    const absorbed = existing.length > 1 ? await otherMembers.of(existing.slice(1)) : [];
    await states.load(absorbed, context.signal);
    const moving = [...members, ...(await states.owned(absorbed, context.signal))].filter((state) => state.duplicateId !== target);
    const changes: AssetChange<string | null>[] = [...new Map(moving.map((state) => [state.id, { id: state.id, before: state.duplicateId, after: target }])).values()];
    if (changes.length === 0) {
      unchanged += members.length;
      continue;
    }
    const outcome = await applyStateWrite(context, {
      action: 'review',
      target,
      detail: group.id,
      changes,
      send: (call) => client.updateAssets({ ids: changes.map((change) => change.id), duplicateId: target }, call),
      behaviour: 'the server answered 2xx to PUT /assets {duplicateId} but the photos do not carry the duplicateId',
      holding: async (asked) => {
        await states.reload(asked.map((change) => change.id));
        return new Set(asked.filter((change) => states.get(change.id)?.duplicateId === target).map((change) => change.id));
      },
    });
    for (const change of outcome.done) states.update(change.id, { duplicateId: target });
    tally.add(outcome);
    unchanged += members.length - changes.filter((change) => members.some((member) => member.id === change.id)).length;
  }
  const actions: ReportAction[] = [];
  if (tally.done > 0) actions.push({ type: 'review', target: 'duplicateId', count: tally.done, status: 'done' });
  if (unchanged > 0 || tally.done + tally.failed + tally.notKept === 0) actions.push({ type: 'review', target: 'duplicateId', count: unchanged, status: 'unchanged' });
  actions.push(...tally.notKeptActions('review', 'duplicateId'));
  if (tally.failed > 0) actions.push({ type: 'review', target: 'duplicateId', count: tally.failed, status: 'failed', ...(tally.error ? { error: tally.error } : {}) });
  return actions;
}

/** The members of Immich's duplicate groups, from one `GET /duplicates`, read only when a merge needs it. */
class ImmichGroups {
  #groups: Promise<Map<string, string[]>> | undefined;

  constructor(
    private readonly client: ImmichClient,
    private readonly context: ApplyContext,
  ) {}

  async of(duplicateIds: readonly string[]): Promise<string[]> {
    this.#groups ??= this.client.getDuplicates(withSignal(this.context)).then((groups) => new Map(groups.map((group) => [group.duplicateId, group.assets.map((asset) => asset.id)])));
    const groups = await this.#groups;
    return duplicateIds.flatMap((id) => groups.get(id) ?? []);
  }
}
