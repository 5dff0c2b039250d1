/**
 * Writing what the kept photos inherit, batched where Immich allows it: one `PUT /assets` for every
 * keeper made favorite, one per rating value, one per album (`PUT /albums/{id}/assets` with every
 * keeper it gains); description, location and date differ per keeper, so one request each. Each is
 * journaled (`inherit.*`) with the keeper's value before.
 */

import type { ReportAction } from '../../core/report.js';
import type { ImmichClient } from '../../sources/immich/index.js';
import type { ApplyContext } from '../action-target.js';
import type { AssetState, AssetStates } from './asset-state.js';
import type { Inheritance, Location } from './inheritance.js';
import { applyStateWrite, WriteTally, type AssetChange, type WriteOutcome } from './state-writes.js';
import { chunked } from './tag-lookup.js';
import { WRITE_CHUNK } from './write-support.js';

export interface InheritanceResult {
  actions: ReportAction[];
  /** Keepers that did not get all they inherit: their copies stay as they are. */
  failedKeepers: Set<string>;
}

type Check<V> = (state: AssetState, change: AssetChange<V>) => boolean;

export async function writeInheritance(client: ImmichClient, states: AssetStates, inheritances: readonly Inheritance[], context: ApplyContext): Promise<InheritanceResult> {
  const failedKeepers = new Set<string>();
  const changedKeepers = new Set<string>();
  const tally = new WriteTally();

  const write = async <V>(action: string, target: string, changes: AssetChange<V>[], send: (ids: string[], call: Record<string, never>) => Promise<unknown>, check: Check<V>, holds: (id: string) => Promise<Set<string>> | undefined = () => undefined): Promise<WriteOutcome<V>> => {
    const outcome = await applyStateWrite(context, {
      action,
      target,
      changes,
      send: (call) => send(changes.map((change) => change.id), call),
      behaviour: `the server answered 2xx to the ${action} write but the best photo does not show what it inherits`,
      holding: async (asked) => {
        const held = new Set<string>();
        for (const change of asked) {
          const viaOther = await holds(change.id);
          if (viaOther) {
            if (viaOther.has(target)) held.add(change.id);
            continue;
          }
          await states.reload([change.id]);
          const state = states.get(change.id);
          if (state && check(state, change)) held.add(change.id);
        }
        return held;
      },
    });
    for (const change of outcome.done) changedKeepers.add(change.id);
    for (const change of changes) if (!outcome.done.includes(change)) failedKeepers.add(change.id);
    tally.add(outcome);
    return outcome;
  };

  const favorites = inheritances.filter((item) => item.favorite).map((item) => ({ id: item.keeper, before: false, after: true }));
  for (const chunk of chunked(favorites, WRITE_CHUNK)) {
    const outcome = await write('inherit.favorite', 'assets', chunk, (ids, call) => client.updateAssets({ ids, isFavorite: true }, call), (state) => state.isFavorite);
    for (const change of outcome.done) states.update(change.id, { isFavorite: true });
  }

  const byRating = new Map<number, AssetChange<number | null>[]>();
  for (const item of inheritances) if (item.rating) byRating.set(item.rating.after, [...(byRating.get(item.rating.after) ?? []), { id: item.keeper, ...item.rating }]);
  for (const [rating, changes] of byRating) {
    for (const chunk of chunked(changes, WRITE_CHUNK)) {
      const outcome = await write('inherit.rating', 'assets', chunk, (ids, call) => client.updateAssets({ ids, rating }, call), (state) => state.rating === rating);
      for (const change of outcome.done) states.update(change.id, { rating });
    }
  }

  for (const item of inheritances) {
    if (item.description) {
      const description = item.description.after;
      const outcome = await write('inherit.description', 'assets', [{ id: item.keeper, ...item.description }], (ids, call) => client.updateAssets({ ids, description }, call), (state) => state.description === description);
      if (outcome.done.length > 0) states.update(item.keeper, { description });
    }
    if (item.location) {
      const location: Location = item.location;
      const changes: AssetChange<Location | null>[] = [{ id: item.keeper, before: null, after: location }];
      const outcome = await write('inherit.location', 'assets', changes, (ids, call) => client.updateAssets({ ids, ...location }, call), (state) => state.latitude === location.latitude && state.longitude === location.longitude);
      if (outcome.done.length > 0) states.update(item.keeper, location);
    }
    if (item.date) {
      const date = item.date;
      const outcome = await write('inherit.date', 'assets', [{ id: item.keeper, before: null, after: date }], (ids, call) => client.updateAssets({ ids, dateTimeOriginal: date }, call), (state) => sameInstant(state.dateTimeOriginal, date));
      if (outcome.done.length > 0) states.update(item.keeper, { dateTimeOriginal: date });
    }
  }

  const byAlbum = new Map<string, string[]>();
  for (const item of inheritances) for (const album of item.albums) byAlbum.set(album, [...(byAlbum.get(album) ?? []), item.keeper]);
  for (const [album, keepers] of byAlbum) {
    for (const chunk of chunked(keepers, WRITE_CHUNK)) {
      await write(
        'inherit.album',
        album,
        chunk.map((id) => ({ id, before: false, after: true })),
        async (ids, call) => {
          const results = await client.addAssetsToAlbum(album, ids, call);
          // `duplicate`: already in the album (a retried request whose first answer was lost).
          const refused = results.filter((result) => !result.success && result.error !== 'duplicate');
          if (refused.length > 0) throw new Error(`Immich refused ${refused.length} assets for album ${album}: ${refused[0]?.error ?? 'unknown'}`);
        },
        () => false,
        async (id) => new Set((await client.getAlbums({ assetId: id })).map((found) => found.id)),
      );
    }
  }

  const actions: ReportAction[] = [];
  if (changedKeepers.size > 0) actions.push({ type: 'inherit', target: 'best photos (favorite, rating, description, location, date, albums of their copies)', count: changedKeepers.size, status: 'done' });
  actions.push(...tally.notKeptActions('inherit', 'best photos'));
  if (tally.failed > 0) actions.push({ type: 'inherit', target: 'best photos', count: failedKeepers.size, status: 'failed', ...(tally.error ? { error: tally.error } : {}) });
  return { actions, failedKeepers };
}

function sameInstant(held: string | null, wanted: string): boolean {
  return held !== null && Date.parse(held) === Date.parse(wanted);
}
