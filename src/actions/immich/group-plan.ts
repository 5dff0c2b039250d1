/** The per-group half of the Immich plan (albums, favorites, stacks): pure, from the groups. */

import type { PhotoGroup } from '../../grouping/group-engine.js';
import { actionableGroups, isOwnPhoto } from '../plan.js';

export interface GroupPlan {
  /** Album name or stack label, e.g. `dup-0001`. */
  label: string;
  /** Best first. */
  assetIds: string[];
  /** Assets already favorite when listed (never made favorite again, never un-favorited by undo). */
  alreadyFavorite: Set<string>;
  /**
   * The group's best photo is one of `assetIds` (the first). False when it is a reference photo or
   * another user's: then no photo of the user's is the best, and none is favorited or put on top.
   */
  bestIsMine: boolean;
}

export interface GroupActionsPlan {
  groups: GroupPlan[];
}

/** Immich members of the actionable groups, best first, reference photos and other users' photos left out; groups of one are skipped. */
export function planGroups(groups: readonly PhotoGroup[], includeSimilar: boolean, labelPrefix: string): GroupActionsPlan {
  const planned: GroupPlan[] = [];
  for (const group of actionableGroups(groups, includeSimilar)) {
    const members = group.members.filter((member) => member.photo.source === 'immich' && isOwnPhoto(member.photo));
    if (members.length < 2) continue;
    planned.push({
      label: `${labelPrefix}${group.id.replace(/^group-/, '')}`,
      assetIds: members.map((member) => member.photo.id),
      alreadyFavorite: new Set(members.filter((member) => member.photo.meta.isFavorite).map((member) => member.photo.id)),
      bestIsMine: members[0] === group.best,
    });
  }
  return { groups: planned };
}
