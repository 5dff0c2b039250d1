/**
 * The plan the resolve actions share (`--immich-review`, `--write-similarity`, `--archive-others`,
 * `--trash-others`): each actionable group's Immich members, pure, from the groups. Reference photos
 * (`--load-hashes`), local photos and other users' photos (partners, shared albums) are never
 * members: they are not ours to change.
 */

import { createHash } from 'node:crypto';
import type { GroupKind } from '../../core/report.js';
import type { PhotoGroup } from '../../grouping/group-engine.js';
import { actionableGroups, isOwnPhoto } from '../plan.js';

export interface ResolveMember {
  id: string;
  /** The asset's original file name, for dry-run lines. */
  name: string;
  /** Hamming distance to the best photo. */
  distance: number;
  bytes: number;
}

export interface ResolveGroup {
  /** The run's group id (`group-0001`), for messages. */
  id: string;
  /**
   * A name for the group that does not move when other groups come and go (report ids are numbered
   * in order, so one new group renumbers the rest): from its members, so it changes only with them.
   */
  key: string;
  kind: GroupKind;
  /** The best photo's id, and whether it is one of the user's own Immich assets of this run (not a reference photo, not another user's). */
  bestId: string;
  bestInImmich: boolean;
  bestReason: string;
  /** The group's Immich assets of this run, best first when it is one of them. */
  members: ResolveMember[];
}

export interface ResolvePlan {
  groups: ResolveGroup[];
}

export function planResolve(groups: readonly PhotoGroup[], includeSimilar: boolean): ResolvePlan {
  const planned: ResolveGroup[] = [];
  for (const group of actionableGroups(groups, includeSimilar)) {
    const members: ResolveMember[] = [];
    group.members.forEach((member, index) => {
      if (member.photo.source !== 'immich' || !isOwnPhoto(member.photo)) return;
      members.push({ id: member.photo.id, name: member.photo.path, distance: group.distances[index] ?? 0, bytes: member.photo.meta.bytes });
    });
    if (members.length === 0) continue;
    const best = group.best.photo;
    planned.push({
      id: group.id,
      key: groupKey(members.map((member) => member.id)),
      kind: group.kind,
      bestId: best.id,
      bestInImmich: best.source === 'immich' && isOwnPhoto(best),
      bestReason: group.bestReason,
      members,
    });
  }
  return { groups: planned };
}

export function groupKey(ids: readonly string[]): string {
  return `g-${createHash('sha1').update([...ids].sort().join(',')).digest('hex').slice(0, 16)}`;
}

/** The copies of a group that archive or trash may act on: never the best, and only when the best is one of ours to keep. */
export function othersOf(group: ResolveGroup): ResolveMember[] {
  return group.bestInImmich ? group.members.filter((member) => member.id !== group.bestId) : [];
}
