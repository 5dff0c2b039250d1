/**
 * `--archive-others` / `--trash-others`: every copy of a group (every member but the best) is archived
 * (`PUT /assets {visibility: archive}`: off the timeline, still in albums and search) or moved to
 * Immich's trash (`DELETE /assets` without `force`: the server keeps it for its trash days). Never the
 * best photo, never a group whose best is a reference photo (nothing of it would be left in Immich),
 * never another user's asset (its `ownerId` is read first). Before a copy goes, the best photo
 * inherits what the copy carries and it lacks (inheritance.ts); a group whose inheritance failed keeps
 * its copies as they are. Every change is journaled with the state before it.
 */

import { formatBytes } from '../../core/format-bytes.js';
import type { ReportAction } from '../../core/report.js';
import type { AlbumDto, ImmichClient } from '../../sources/immich/index.js';
import type { ActionTarget, ApplyContext } from '../action-target.js';
import type { AssetState, AssetStates } from './asset-state.js';
import { inherit, isEmpty, type Inheritance } from './inheritance.js';
import { writeInheritance } from './inheritance-writes.js';
import { othersOf, planResolve, type ResolveMember, type ResolvePlan } from './resolve-plan.js';
import { applyStateWrite, WriteTally, type AssetChange } from './state-writes.js';
import { chunked } from './tag-lookup.js';
import { limitLines, mapLimited, WRITE_CHUNK } from './write-support.js';

export type OthersMode = 'archive' | 'trash';

/** "archive 3 photos", "move 3 photos to Immich's trash". */
const NOT_KEPT: Record<OthersMode, string> = {
  archive: 'the server answered 2xx to PUT /assets {visibility: "archive"} but the photos are not archived',
  trash: 'the server answered 2xx to DELETE /assets but the photos are not in the trash',
};

const VERB: Record<OthersMode, (what: string) => string> = { archive: (what) => `archive ${what}`, trash: (what) => `move ${what} to Immich's trash` };

export function othersTarget(client: ImmichClient, states: AssetStates, includeSimilar: boolean, mode: OthersMode): ActionTarget<ResolvePlan> {
  return {
    plan: (groups) => planResolve(groups, includeSimilar),
    describe: (plan) => {
      const copies = plan.groups.flatMap((group) => othersOf(group).map((copy) => ({ group, copy })));
      const left = plan.groups.filter((group) => !group.bestInImmich).length;
      return [
        ...limitLines(
          copies.map(({ group, copy }) => `Would ${VERB[mode](copy.name)} (${group.id}, ${formatBytes(copy.bytes)}; the best photo ${nameOf(group.members, group.bestId)} is kept and inherits what it lacks)`),
          'photos',
        ),
        `Would ${VERB[mode](`${copies.length} photos (${formatBytes(sum(copies.map(({ copy }) => copy.bytes)))})`)} in all${left > 0 ? `; ${left} groups whose best photo is a reference photo or another user's are left alone` : ''}`,
      ];
    },
    planned: (plan) => {
      const copies = plan.groups.flatMap(othersOf);
      return [{ type: mode, target: 'non-best photos', count: copies.length, bytes: sum(copies.map((copy) => copy.bytes)), status: 'planned' }];
    },
    question: (plan) => {
      if (mode !== 'trash') return undefined;
      const copies = plan.groups.flatMap(othersOf);
      return copies.length > 0 ? `Move ${copies.length} photos (${formatBytes(sum(copies.map((copy) => copy.bytes)))}) to Immich's trash, keeping the best photo of each group?` : undefined;
    },
    apply: (plan, context) => applyOthers(client, states, plan, context, mode),
  };
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
const nameOf = (members: readonly ResolveMember[], id: string): string => members.find((member) => member.id === id)?.name ?? id;

interface GroupWork {
  keeper: AssetState;
  copies: AssetState[];
  bytes: Map<string, number>;
}

async function applyOthers(client: ImmichClient, states: AssetStates, plan: ResolvePlan, context: ApplyContext, mode: OthersMode): Promise<ReportAction[]> {
  const groups = plan.groups.filter((group) => othersOf(group).length > 0);
  if (groups.length === 0) return [];
  await states.load(groups.flatMap((group) => group.members.map((member) => member.id)), context.signal);
  const work: GroupWork[] = [];
  for (const group of groups) {
    const [keeper] = await states.owned([group.bestId], context.signal);
    if (!keeper) continue;
    const copies = (await states.owned(othersOf(group).map((copy) => copy.id), context.signal)).filter((copy) => (mode === 'archive' ? copy.visibility === 'timeline' : !copy.isTrashed));
    if (copies.length > 0) work.push({ keeper, copies, bytes: new Map(group.members.map((member) => [member.id, member.bytes])) });
  }

  const albumsOf = await albumMemberships(client, await states.me(context.signal), work.flatMap((item) => [item.keeper.id, ...item.copies.map((copy) => copy.id)]), context);
  const inheritances: Inheritance[] = work.map((item) => inherit(item.keeper, item.copies, albumsOf)).filter((inheritance) => !isEmpty(inheritance));
  const inherited = await writeInheritance(client, states, inheritances, context);

  // A copy goes only once its keeper holds everything it inherits.
  const going = work.filter((item) => !inherited.failedKeepers.has(item.keeper.id)).flatMap((item) => item.copies.map((copy) => ({ copy, bytes: item.bytes.get(copy.id) ?? 0 })));
  const tally = new WriteTally();
  let bytes = 0;
  for (const chunk of chunked(going, WRITE_CHUNK)) {
    const changes: AssetChange<string | boolean>[] =
      mode === 'archive' ? chunk.map(({ copy }) => ({ id: copy.id, before: copy.visibility, after: 'archive' })) : chunk.map(({ copy }) => ({ id: copy.id, before: false, after: true }));
    const ids = chunk.map(({ copy }) => copy.id);
    const outcome = await applyStateWrite(context, {
      action: mode,
      target: 'assets',
      changes,
      send: (call) => (mode === 'archive' ? client.updateAssets({ ids, visibility: 'archive' }, call) : client.trashAssets(ids, call)),
      behaviour: NOT_KEPT[mode],
      holding: async (asked) => {
        await states.reload(asked.map((change) => change.id));
        return new Set(asked.filter((change) => isDone(states.get(change.id), mode)).map((change) => change.id));
      },
    });
    for (const change of outcome.done) states.update(change.id, mode === 'archive' ? { visibility: 'archive' } : { isTrashed: true });
    const done = new Set(outcome.done.map((change) => change.id));
    bytes += sum(chunk.filter(({ copy }) => done.has(copy.id)).map((item) => item.bytes));
    tally.add(outcome);
  }

  const actions: ReportAction[] = [...inherited.actions];
  if (tally.done > 0) actions.push({ type: mode, target: 'non-best photos', count: tally.done, bytes, status: 'done' });
  if (tally.done + tally.failed + tally.notKept === 0) actions.push({ type: mode, target: 'non-best photos', count: 0, status: 'unchanged' });
  actions.push(...tally.notKeptActions(mode, 'non-best photos'));
  if (tally.failed > 0) actions.push({ type: mode, target: 'non-best photos', count: tally.failed, status: 'failed', ...(tally.error ? { error: tally.error } : {}) });
  const held = work.filter((item) => inherited.failedKeepers.has(item.keeper.id)).reduce((total, item) => total + item.copies.length, 0);
  if (held > 0) actions.push({ type: mode, target: 'copies kept: their best photo did not inherit all they carry', count: held, status: 'failed' });
  return actions;
}

function isDone(state: AssetState | undefined, mode: OthersMode): boolean {
  if (state === undefined) return false;
  return mode === 'archive' ? state.visibility === 'archive' : state.isTrashed;
}

/** The albums of the user's own each asset is in (`GET /albums?assetId=`): a keeper is only ever added to albums of its owner. */
async function albumMemberships(client: ImmichClient, me: string, ids: readonly string[], context: ApplyContext): Promise<Map<string, string[]>> {
  const albums = await mapLimited(ids, (id) => client.getAlbums({ assetId: id }, context.signal ? { signal: context.signal } : {}), context.signal);
  return new Map(ids.map((id, index) => [id, (albums[index] ?? []).filter((album) => ownedBy(album, me)).map((album) => album.id)]));
}

function ownedBy(album: AlbumDto, me: string): boolean {
  if (album.ownerId) return album.ownerId === me;
  const owner = album.albumUsers?.find((member) => member.role === 'owner');
  return owner === undefined || owner.user.id === me;
}
