/**
 * Grouping in tiers. `exact`: same content checksum. `near`: within `threshold` on the default hash
 * (any of the 8 orientations) and confirmed. `similar` (optional, looser radius): only photos left
 * without a near duplicate, reported but not acted on unless asked.
 *
 * The anti-chaining rule: groups grow by complete linkage. Two groups merge only if EVERY photo of
 * one matches EVERY photo of the other within the tier's radius, so a chain of small steps
 * (A~B, B~C, A far from C) never glues A and C together.
 */

import type { GroupFinder, GroupKind } from '../core/report.js';
import type { HashedPhoto } from '../hashing/hash-stage.js';
import { fingerprintDistance } from '../hashing/fingerprint.js';
import { CROP_QUERY_RADIUS } from '../hashing/crop-queries.js';
import { dropSpareBuffers } from '../hashing/crop-alignment.js';
import { TRANSFORMS as VARIANTS } from '../hashing/dihedral.js';
import { detailsReadBy, type BestPhotoRule, type Contestant } from './best-photo.js';
import { chooseBest, type GroupChoice } from './parallel-best.js';
import { stopHelperThread } from './shared-batches.js';
import type { PhotoLook } from '../thumbnails/photo-look.js';
import { joinWithin } from './hamming-join.js';
import { completeLinkage, type Edge } from './complete-linkage.js';
import { ExactUnits } from './exact-units.js';
import { DEFAULT_ALIKE_RADIUS, groupsByPhoto, hintedPairs, hintedTogether } from './immich-ml-groups.js';

/** Groups whose photos' thumbnails are read and judged together (a few MB). */
const GROUPS_PER_ROUND = 4096;

export interface GroupingOptions {
  threshold: number;
  /** Enables the `similar` tier with this radius (greater than `threshold`). */
  similarThreshold?: number;
  bestRules?: readonly BestPhotoRule[];
  /** "Not a duplicate" decisions: such pairs are never put in one group. */
  isIgnoredPair?: (a: HashedPhoto, b: HashedPhoto) => boolean;
  /**
   * Confirms a `near` candidate found by the index within `threshold` (e.g. a crop-aware pixel check);
   * defaults to the Hamming distance alone. `similar` candidates are taken on distance alone.
   */
  confirm?: (a: HashedPhoto, b: HashedPhoto, threshold: number) => boolean;
  /**
   * The same check over all of the index's near candidates at once (e.g. spread over threads); it
   * must answer each pair as `confirm` would. Without it `confirm` is asked pair by pair.
   */
  confirmAll?: (pairs: readonly (readonly [HashedPhoto, HashedPhoto])[], threshold: number) => boolean[];
  /**
   * What the best-photo rules compare between a group's photos besides their metadata: the
   * thumbnail and the look, read back (e.g. from the hash store) only for photos in groups, and only
   * when the rules read them (detailsReadBy). Without it only the metadata rules decide.
   */
  details?: (hashed: HashedPhoto) => PhotoDetails;
  /**
   * Immich's own duplicate groups, as photo ids (`--with-immich-duplicates`). Each pair is checked by
   * the pixel check like an index candidate: confirmed pairs are `near`, pairs only alike (within
   * `similarThreshold`, or DEFAULT_ALIKE_RADIUS) are `similar`, the rest are split apart.
   */
  immichGroups?: readonly (readonly string[])[];
}

export interface PhotoDetails {
  thumbnail?: Uint8Array | undefined;
  look?: PhotoLook | undefined;
}

export interface PhotoGroup {
  id: string;
  kind: GroupKind;
  best: HashedPhoto;
  bestReason: string;
  /** Best first, then by id; `distances[i]` and `setAsideBecause[i]` belong to `members[i]`. */
  members: HashedPhoto[];
  distances: number[];
  /** Why each photo but the best was not kept, in words (undefined for the best). */
  setAsideBecause: (string | undefined)[];
  /** Our hashes (an index pair or one checksum), Immich's duplicate groups, or both. */
  foundBy: GroupFinder[];
}

export function groupPhotos(input: readonly HashedPhoto[], options: GroupingOptions): PhotoGroup[] {
  try {
    return groupInTiers(input, options);
  } finally {
    // The alignments' buffers kept from group to group, and the helper thread kept from the pixel
    // check to the best photo, are not kept from one grouping to the next (a watch groups batch after batch).
    dropSpareBuffers();
    stopHelperThread();
  }
}

function groupInTiers(input: readonly HashedPhoto[], options: GroupingOptions): PhotoGroup[] {
  // Most sources list in id order already: checking costs a pass, sorting a million ids ~0.3 s.
  const photos = inIdOrder(input) ? input : [...input].sort((a, b) => compareIds(a.photo.id, b.photo.id));
  const units = ExactUnits.of(photos);
  const similar = options.similarThreshold !== undefined && options.similarThreshold > options.threshold ? options.similarThreshold : undefined;
  const edges = candidateEdges(units, similar ?? options.threshold, options);
  const immichGroups = options.immichGroups ?? [];
  if (immichGroups.length > 0) addHintedEdges(edges, units, immichGroups, similar ?? DEFAULT_ALIKE_RADIUS, options);

  // A pair the index did not offer (e.g. a greyscale copy a little beyond the radius from a crop)
  // may still be confirmed directly when two groups that hold it are about to merge.
  const confirmDirectly = options.confirm
    ? (x: number, y: number) => {
        if (isIgnoredUnits(units, x, y, options)) return false;
        return options.confirm?.(units.representative(x), units.representative(y), options.threshold) ?? false;
      }
    : undefined;
  const near = completeLinkage(units.count, edges.filter((edge) => edge.near), confirmDirectly);
  const clusters: { units: number[]; tier: 'near' | 'similar' }[] = near.map((members) => ({ units: members, tier: 'near' }));
  // Immich's groups bring `similar` pairs even when our own similar tier is off.
  const hintedLoose = edges.some((edge) => edge.hinted && !edge.near);
  // A unit of byte-identical photos with no near duplicate is a group of its own.
  const grouped = new Set(near.flat());
  for (let unit = 0; unit < units.count; unit++) if (units.hasCopies(unit) && !grouped.has(unit)) clusters.push({ units: [unit], tier: 'near' });
  if (similar !== undefined || hintedLoose) {
    const alone = (unit: number) => !grouped.has(unit) && !units.hasCopies(unit);
    const looseEdges = edges.filter((edge) => alone(edge.a) && alone(edge.b));
    for (const members of completeLinkage(units.count, looseEdges)) clusters.push({ units: members, tier: 'similar' });
  }

  const linkedByIndex = clustersLinkedByIndex(clusters, units.count, edges);
  const immichGroupsOf = groupsByPhoto(immichGroups);
  const groups: Omit<PhotoGroup, 'id'>[] = [];
  // Rules that read neither thumbnails nor looks (metadata, resolution, …) get none read back for them.
  const reads = detailsReadBy(options.bestRules);
  const details = reads.thumbnail || reads.look ? options.details : undefined;
  // Round by round, so only one round's thumbnails are held at a time.
  for (let from = 0; from < clusters.length; from += GROUPS_PER_ROUND) {
    const round = clusters.slice(from, from + GROUPS_PER_ROUND);
    const memberLists = round.map((cluster) => cluster.units.flatMap((unit) => units.members(unit)));
    const choices = chooseBest(round.length, (k) => (memberLists[k] as HashedPhoto[]).map((member) => contestantOf(member, details)), options.bestRules);
    round.forEach((cluster, k) => {
      const described = describeGroup(memberLists[k] as HashedPhoto[], choices[k] as GroupChoice, cluster.tier);
      groups.push({ ...described, foundBy: findersOf(cluster.units, linkedByIndex.has(from + k), units, immichGroupsOf) });
    });
  }
  groups.sort((a, b) => compareIds(firstId(a), firstId(b)));
  return groups.map((group, index) => ({ id: `group-${String(index + 1).padStart(4, '0')}`, ...group }));
}

interface TieredEdge extends Edge {
  /** Confirmed within the near threshold; otherwise only a `similar` candidate. */
  near: boolean;
  /** Offered by our hash index (not only by an Immich duplicate group). */
  byIndex: boolean;
  /** Named by one of Immich's duplicate groups. */
  hinted?: boolean;
}

/**
 * The pairs of Immich's groups join the index's edges: one the index offered is marked, a new one is
 * checked by the pixel check (near) or the distance (similar), and one that is neither is left out.
 */
function addHintedEdges(edges: TieredEdge[], units: ExactUnits, groups: readonly (readonly string[])[], alikeRadius: number, options: GroupingOptions): void {
  const byKey = new Map(edges.map((edge) => [edge.a * units.count + edge.b, edge]));
  const fresh = hintedPairs(units, groups).filter((pair) => {
    const known = byKey.get(pair.a * units.count + pair.b);
    if (known) known.hinted = true;
    return !known?.near && !isIgnoredUnits(units, pair.a, pair.b, options);
  });
  const confirmed = confirmEach(fresh.map(({ a, b }) => [units.representative(a), units.representative(b)] as const), options);
  fresh.forEach((pair, k) => {
    const near = confirmed[k] === true;
    if (!near && pair.distance > alikeRadius) return;
    const known = byKey.get(pair.a * units.count + pair.b);
    if (known) known.near ||= near;
    else edges.push({ ...pair, near, byIndex: false, hinted: true });
  });
}

/**
 * The clusters (by position) in which our index linked two units: an index edge between two of its
 * units, confirmed for a `near` cluster. One pass over the edges, not one per cluster: a large
 * library has tens of thousands of each.
 */
function clustersLinkedByIndex(clusters: readonly { units: number[]; tier: 'near' | 'similar' }[], unitCount: number, edges: readonly TieredEdge[]): Set<number> {
  const clusterOf = new Int32Array(unitCount).fill(-1);
  clusters.forEach((cluster, c) => cluster.units.forEach((unit) => (clusterOf[unit] = c)));
  const linked = new Set<number>();
  for (const edge of edges) {
    const c = clusterOf[edge.a] as number;
    if (edge.byIndex && c >= 0 && c === clusterOf[edge.b] && (edge.near || clusters[c]?.tier === 'similar')) linked.add(c);
  }
  return linked;
}

/** `phash` when the index linked two of the cluster's units (or a unit is byte-identical copies); `immich-ml` when an Immich group holds two of its photos. */
function findersOf(clusterUnits: readonly number[], linkedByIndex: boolean, units: ExactUnits, immichGroupsOf: ReadonlyMap<string, readonly number[]>): GroupFinder[] {
  const exact = clusterUnits.some((unit) => units.hasCopies(unit));
  const indexed = exact || linkedByIndex;
  const hinted = immichGroupsOf.size > 0 && hintedTogether(clusterUnits.flatMap((unit) => units.members(unit)), immichGroupsOf);
  const finders: GroupFinder[] = [];
  if (indexed || !hinted) finders.push('phash');
  if (hinted) finders.push('immich-ml');
  return finders;
}

function candidateEdges(units: ExactUnits, radius: number, options: GroupingOptions): TieredEdge[] {
  const { representatives } = units;
  // One join: every photo's upright hash against every orientation of every photo (within `radius`)
  // and every photo's stored typical-crop hashes (within a smaller radius: a true crop lands very
  // close, and a wide crop radius would mostly bring look-alikes for the costly confirmation). The
  // join's cost is mostly per upright hash walked, so one join over both costs far less than two.
  // Crops of the other orientations are not asked (8 times the work); a copy both turned and
  // cropped is still found when the turn brings it within `radius`. A photo inside bars (a
  // letterbox, a screenshot) adds the upright hash of its content, which the original's upright
  // hash finds; two such copies of one photo are then linked through it (confirmDirectly).
  const photoCount = representatives.length;
  const uprights = new BigUint64Array(photoCount);
  let cropSlots = 0;
  let contentSlots = 0;
  representatives.forEach((hashed, photo) => {
    uprights[photo] = hashed.fingerprint.variants[0] ?? 0n;
    cropSlots = Math.max(cropSlots, hashed.fingerprint.cropHashes?.length ?? 0);
    if (hashed.fingerprint.content) contentSlots = 1;
  });
  // Entries: orientation v of photo p at p * VARIANTS + v, then crop k of photo p at
  // cropsAt + p * cropSlots + k, then photo p's content at contentAt + p (a photo with fewer crops,
  // or no content, repeats its upright hash: its own entries are never paired with it).
  const cropsAt = photoCount * VARIANTS;
  const contentAt = cropsAt + photoCount * cropSlots;
  const entries = {
    length: contentAt + photoCount * contentSlots,
    write(into: BigUint64Array) {
      representatives.forEach((hashed, photo) => {
        const { variants, cropHashes = [], content } = hashed.fingerprint;
        const upright = uprights[photo] as bigint;
        into.fill(upright, photo * VARIANTS, (photo + 1) * VARIANTS);
        into.set(variants.length > VARIANTS ? variants.slice(0, VARIANTS) : variants, photo * VARIANTS);
        into.fill(upright, cropsAt + photo * cropSlots, cropsAt + (photo + 1) * cropSlots);
        into.set(cropHashes, cropsAt + photo * cropSlots);
        if (contentSlots > 0) into[contentAt + photo] = content?.variants[0] ?? upright;
      });
    },
  };
  const owned = [
    { start: 0, stride: VARIANTS },
    { start: cropsAt, stride: cropSlots },
    { start: contentAt, stride: contentSlots },
  ].filter((entry) => entry.stride > 0);
  const best = new Map<number, { a: number; b: number; distance: number }>();
  const cropRadius = Math.min(radius, CROP_QUERY_RADIUS);
  const visit = (photo: number, entry: number, distance: number) => {
    const isCrop = entry >= cropsAt && entry < contentAt;
    if (isCrop && distance > cropRadius) return;
    const other = entry >= contentAt ? entry - contentAt : isCrop ? Math.floor((entry - cropsAt) / cropSlots) : Math.floor(entry / VARIANTS);
    const [low, high] = photo < other ? [photo, other] : [other, photo];
    const key = low * units.count + high;
    const known = best.get(key);
    if (!known || distance < known.distance) best.set(key, { a: low, b: high, distance });
  };
  joinWithin(uprights, entries, radius, visit, { owned });
  const candidates = [...best.values()].filter(({ a, b }) => !isIgnoredUnits(units, a, b, options));
  const nearCandidates = candidates.filter((edge) => edge.distance <= options.threshold);
  const confirmed = confirmEach(
    nearCandidates.map(({ a, b }) => [representatives[a] as HashedPhoto, representatives[b] as HashedPhoto] as const),
    options,
  );
  const isNear = new Set(nearCandidates.filter((_, k) => confirmed[k]));
  const edges: TieredEdge[] = [];
  for (const edge of candidates) {
    const near = isNear.has(edge);
    // A near candidate that fails confirmation may still be a `similar` pair, when that tier is on.
    if (near || radius > options.threshold) edges.push({ ...edge, near, byIndex: true });
  }
  return edges;
}

/** A "not a duplicate" decision holds between some photo of unit x and some photo of unit y. */
function isIgnoredUnits(units: ExactUnits, x: number, y: number, { isIgnoredPair }: GroupingOptions): boolean {
  return isIgnoredPair !== undefined && units.members(x).some((p) => units.members(y).some((q) => isIgnoredPair(p, q)));
}

function confirmEach(pairs: readonly (readonly [HashedPhoto, HashedPhoto])[], options: GroupingOptions): boolean[] {
  const { confirm, confirmAll, threshold } = options;
  if (confirmAll) return confirmAll(pairs, threshold);
  return pairs.map(([a, b]) => confirm?.(a, b, threshold) ?? true);
}

function contestantOf(member: HashedPhoto, details: GroupingOptions['details']): Contestant {
  return { photo: member.photo, fingerprint: member.fingerprint, ...(details ? details(member) : {}) };
}

function describeGroup(members: HashedPhoto[], choice: GroupChoice, tier: 'near' | 'similar'): Omit<PhotoGroup, 'id' | 'foundBy'> {
  const best = members[choice.best] as HashedPhoto;
  const ordered = [best, ...members.filter((member) => member !== best)];
  const because = new Map(members.map((member, k) => [member, choice.setAside[k]]));
  const allIdentical = best.checksum !== undefined && members.every((member) => member.checksum === best.checksum);
  return {
    kind: allIdentical ? 'exact' : tier,
    best,
    bestReason: choice.reason,
    members: ordered,
    setAsideBecause: ordered.map((member) => because.get(member)),
    distances: ordered.map((member) => (member.checksum !== undefined && member.checksum === best.checksum ? 0 : fingerprintDistance(best.fingerprint, member.fingerprint))),
  };
}

function firstId(group: Omit<PhotoGroup, 'id'>): string {
  return group.members.reduce((lowest, member) => (compareIds(member.photo.id, lowest) < 0 ? member.photo.id : lowest), group.best.photo.id);
}

function inIdOrder(photos: readonly HashedPhoto[]): boolean {
  for (let k = 1; k < photos.length; k++) if (compareIds((photos[k - 1] as HashedPhoto).photo.id, (photos[k] as HashedPhoto).photo.id) > 0) return false;
  return true;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
