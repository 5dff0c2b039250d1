/**
 * Immich's own duplicate groups (`--with-immich-duplicates`: `GET /duplicates`, filled by its CLIP
 * job) turned into candidate pairs for our grouping. CLIP says two photos show the same thing; our
 * pixel check says whether they are the same picture. Each pair of an Immich group becomes a `near`
 * edge when the pixel check confirms it, a `similar` edge when the two are only alike (within the
 * alike radius on the default hash), and nothing when they are not alike at all: such a member is
 * split out of the group and never acted on because Immich grouped it.
 */

import type { HashedPhoto } from '../hashing/hash-stage.js';
import { fingerprintDistance } from '../hashing/fingerprint.js';
import type { ExactUnits } from './exact-units.js';

/**
 * Without `--similar-threshold`, how far apart two photos of an Immich group may be and still count
 * as alike (bursts, retakes): the loose end of what our own similar tier is used with.
 */
export const DEFAULT_ALIKE_RADIUS = 16;

export interface HintedPair {
  /** Unit numbers, a < b. */
  a: number;
  b: number;
  distance: number;
}

/** The distinct unit pairs each Immich group names, in a stable order; photos not in this run are left out. */
export function hintedPairs(units: ExactUnits, groups: readonly (readonly string[])[]): HintedPair[] {
  const unitOf = new Map<string, number>();
  units.forEachPhoto((hashed, unit) => unitOf.set(hashed.photo.id, unit));
  const pairs = new Map<number, HintedPair>();
  for (const group of groups) {
    const members = [...new Set(group.map((id) => unitOf.get(id)).filter((unit): unit is number => unit !== undefined))].sort((x, y) => x - y);
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const a = members[i] as number;
        const b = members[j] as number;
        const key = a * units.count + b;
        if (pairs.has(key)) continue;
        const distance = fingerprintDistance(units.representative(a).fingerprint, units.representative(b).fingerprint);
        pairs.set(key, { a, b, distance });
      }
    }
  }
  return [...pairs.values()];
}

/** For each photo id, the Immich groups (by position) that name it: looked up once per cluster, not searched. */
export function groupsByPhoto(groups: readonly (readonly string[])[]): Map<string, number[]> {
  const byPhoto = new Map<string, number[]>();
  groups.forEach((group, g) => {
    for (const id of new Set(group)) {
      const known = byPhoto.get(id);
      if (known) known.push(g);
      else byPhoto.set(id, [g]);
    }
  });
  return byPhoto;
}

/** Two photos of the cluster are in one Immich group: a cluster holding them was found by Immich too. */
export function hintedTogether(cluster: readonly HashedPhoto[], byPhoto: ReadonlyMap<string, readonly number[]>): boolean {
  const seen = new Set<number>();
  for (const hashed of cluster) {
    for (const group of byPhoto.get(hashed.photo.id) ?? []) {
      if (seen.has(group)) return true;
      seen.add(group);
    }
  }
  return false;
}
