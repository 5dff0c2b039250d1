/**
 * `--write-similarity`: one asset-metadata key `photo-organizer` per grouped asset (Immich 3.x),
 * `{group, kind, best, bestReason, distance, runId}`, written in bulk (`PUT /assets/metadata`, 1,000
 * items a request). The value each asset holds is read first; an asset whose value is the same but for
 * `runId` is left alone, so a second unchanged run writes nothing and a changed grouping rewrites
 * exactly the assets whose value changed. `runId` names the run that last wrote the value.
 */

import { isDeepStrictEqual } from 'node:util';
import type { ReportAction } from '../../core/report.js';
import { isGone, type ImmichClient } from '../../sources/immich/index.js';
import type { ActionTarget, ApplyContext } from '../action-target.js';
import type { AssetStates } from './asset-state.js';
import { planResolve, type ResolvePlan } from './resolve-plan.js';
import { applyStateWrite, WriteTally, type AssetChange } from './state-writes.js';
import { chunked } from './tag-lookup.js';
import { mapLimited, UNCANCELLABLE, WRITE_CHUNK } from './write-support.js';

export const METADATA_KEY = 'photo-organizer';

export interface SimilarityValue {
  [field: string]: unknown;
  group: string;
  kind: string;
  best: string;
  bestReason: string;
  distance: number;
  runId: string;
}

export function similarityTarget(client: ImmichClient, states: AssetStates, includeSimilar: boolean): ActionTarget<ResolvePlan> {
  return {
    plan: (groups) => planResolve(groups, includeSimilar),
    describe: (plan) => [`Would write the asset metadata key '${METADATA_KEY}' (group, best photo, distance) on ${assetCount(plan)} photos (those already holding it are left alone)`],
    planned: (plan) => [{ type: 'metadata', target: METADATA_KEY, count: assetCount(plan), status: 'planned' }],
    apply: (plan, context) => applySimilarity(client, states, plan, context),
  };
}

const assetCount = (plan: ResolvePlan): number => plan.groups.reduce((sum, group) => sum + group.members.length, 0);

/** The value each asset of the plan should hold, for this run. */
export function wantedValues(plan: ResolvePlan, runId: string): Map<string, SimilarityValue> {
  const values = new Map<string, SimilarityValue>();
  for (const group of plan.groups) {
    for (const member of group.members) {
      values.set(member.id, { group: group.key, kind: group.kind, best: group.bestId, bestReason: group.bestReason, distance: member.distance, runId });
    }
  }
  return values;
}

/** Equal but for the run that wrote it. */
export function sameSimilarity(held: Record<string, unknown> | null, wanted: SimilarityValue): boolean {
  if (held === null) return false;
  const { runId: _heldRun, ...heldRest } = held;
  const { runId: _wantedRun, ...wantedRest } = wanted;
  return isDeepStrictEqual(heldRest, wantedRest);
}

async function applySimilarity(client: ImmichClient, states: AssetStates, plan: ResolvePlan, context: ApplyContext): Promise<ReportAction[]> {
  const wanted = wantedValues(plan, context.runId);
  if (wanted.size === 0) return [];
  await states.load([...wanted.keys()], context.signal);
  const owned = await states.owned([...wanted.keys()], context.signal);
  const held = await mapLimited(owned, (state) => heldValue(client, state.id, context.signal), context.signal);
  const changes: AssetChange<Record<string, unknown> | null>[] = [];
  owned.forEach((state, index) => {
    const value = wanted.get(state.id) as SimilarityValue;
    const before = held[index] ?? null;
    if (!sameSimilarity(before, value)) changes.push({ id: state.id, before, after: value });
  });
  const tally = new WriteTally();
  for (const chunk of chunked(changes, WRITE_CHUNK)) {
    tally.add(
      await applyStateWrite(context, {
        action: 'metadata',
        target: METADATA_KEY,
        changes: chunk,
        behaviour: `the server answered 2xx to PUT /assets/metadata but the photos do not hold the key ${METADATA_KEY}`,
        send: (call) => client.upsertAssetMetadata(chunk.map((change) => ({ assetId: change.id, key: METADATA_KEY, value: change.after as SimilarityValue })), call),
        holding: async (asked) => {
          const now = await mapLimited(asked, (change) => heldValue(client, change.id));
          return new Set(asked.filter((change, index) => isDeepStrictEqual(now[index] ?? null, change.after)).map((change) => change.id));
        },
      }),
    );
    context.onProgress?.({ stage: 'apply', done: tally.done + tally.failed, total: changes.length });
  }
  const unchanged = owned.length - changes.length;
  const actions: ReportAction[] = [];
  if (tally.done > 0) actions.push({ type: 'metadata', target: METADATA_KEY, count: tally.done, status: 'done' });
  if (unchanged > 0 || changes.length === 0) actions.push({ type: 'metadata', target: METADATA_KEY, count: unchanged, status: 'unchanged' });
  actions.push(...tally.notKeptActions('metadata', METADATA_KEY));
  if (tally.failed > 0) actions.push({ type: 'metadata', target: METADATA_KEY, count: tally.failed, status: 'failed', ...(tally.error ? { error: tally.error } : {}) });
  return actions;
}

/** The `photo-organizer` value an asset holds now, or undefined (none, or the asset is gone). */
export async function heldValue(client: ImmichClient, id: string, signal?: AbortSignal): Promise<Record<string, unknown> | undefined> {
  try {
    const items = await client.getAssetMetadata(id, signal ? { signal } : UNCANCELLABLE);
    return items.find((item) => item.key === METADATA_KEY)?.value;
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}
