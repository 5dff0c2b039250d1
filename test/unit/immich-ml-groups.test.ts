/**
 * Immich's duplicate groups in the grouping engine: every pair is judged by our check (the `confirm`
 * given, as the pipeline gives the pixel check), `near` when it confirms, `similar` when only alike on
 * the hash, split out when neither; `foundBy` says who found each group; the grouping invariants hold.
 */

import { describe, expect, it } from 'vitest';
import type { HashedPhoto } from '../../src/hashing/hash-stage.js';
import { groupPhotos, type GroupingOptions } from '../../src/grouping/group-engine.js';
import { DEFAULT_ALIKE_RADIUS } from '../../src/grouping/immich-ml-groups.js';

function photo(id: string, hash: bigint, checksum?: string): HashedPhoto {
  return { photo: { source: 'immich', id, path: `${id}.jpg`, changeKey: id, meta: { width: 100, height: 100, bytes: 1000, format: 'jpeg' } }, fingerprint: { variants: [hash] }, checksum };
}

/** `bits` low bits set: Hamming distance from 0n is `bits`. */
const ones = (bits: number) => (1n << BigInt(bits)) - 1n;
/** `bits` high bits set (bit 63 down): far from `ones(n)` for small n. */
const high = (bits: number) => ones(bits) << BigInt(64 - bits);

const summary = (groups: ReturnType<typeof groupPhotos>) => groups.map((group) => ({ kind: group.kind, ids: group.members.map((member) => member.photo.id).sort(), foundBy: group.foundBy }));

describe('Immich duplicate groups in grouping', () => {
  // "a" and "crop" are far apart on the hash (the index never offers them) but the pixel check, as
  // the confirm given here, recognises them; "burst" is alike to "a" but not the same picture.
  const a = photo('a', 0n);
  const copy = photo('copy', ones(2));
  const crop = photo('crop', high(20));
  const burst = photo('burst', ones(12));
  const stranger = photo('stranger', high(40));
  const sameAs = new Set(['a|crop', 'copy|crop']);
  const options: GroupingOptions = {
    threshold: 8,
    confirm: (x, y, threshold) => {
      const key = [x.photo.id, y.photo.id].sort().join('|');
      return sameAs.has(key) || (key !== 'a|burst' && key !== 'burst|copy' && x.fingerprint.variants[0] !== undefined && y.fingerprint.variants[0] !== undefined && popcount(x.fingerprint.variants[0] ^ y.fingerprint.variants[0]) <= threshold);
    },
  };

  it('without Immich groups, only our own: the crop is missed, the burst is not grouped', () => {
    expect(summary(groupPhotos([a, copy, crop, burst, stranger], options))).toEqual([{ kind: 'near', ids: ['a', 'copy'], foundBy: ['phash'] }]);
  });

  it('a confirmed member joins our group (found by both); a member not alike at all is split out', () => {
    const groups = groupPhotos([a, copy, crop, burst, stranger], { ...options, immichGroups: [['a', 'crop', 'stranger']] });
    expect(summary(groups)).toEqual([{ kind: 'near', ids: ['a', 'copy', 'crop'], foundBy: ['phash', 'immich-ml'] }]);
  });

  it('a group only Immich found is near when confirmed, found by immich-ml alone', () => {
    const groups = groupPhotos([crop, copy, stranger], { ...options, immichGroups: [['crop', 'copy']] });
    expect(summary(groups)).toEqual([{ kind: 'near', ids: ['copy', 'crop'], foundBy: ['immich-ml'] }]);
  });

  it('members only alike make a similar group, even without --similar-threshold; beyond the alike radius they are split', () => {
    expect(DEFAULT_ALIKE_RADIUS).toBeGreaterThan(12);
    const groups = groupPhotos([a, burst, stranger], { ...options, immichGroups: [['a', 'burst', 'stranger']] });
    expect(summary(groups)).toEqual([{ kind: 'similar', ids: ['a', 'burst'], foundBy: ['immich-ml'] }]);
    // With a similar threshold below their distance, they are not alike either.
    expect(groupPhotos([a, burst], { ...options, similarThreshold: 10, immichGroups: [['a', 'burst']] })).toEqual([]);
    // Our own similar tier finds them too: found by both.
    expect(summary(groupPhotos([a, burst], { ...options, similarThreshold: 14, immichGroups: [['a', 'burst']] }))).toEqual([{ kind: 'similar', ids: ['a', 'burst'], foundBy: ['phash', 'immich-ml'] }]);
  });

  it('keeps the invariants: no photo in two groups, no group of one, ignored pairs stay apart, ids of photos not in the run are dropped', () => {
    const groups = groupPhotos([a, copy, crop, burst, stranger], {
      ...options,
      immichGroups: [['a', 'crop'], ['copy', 'crop', 'not-listed'], ['burst', 'not-listed'], ['stranger']],
      isIgnoredPair: (x, y) => [x.photo.id, y.photo.id].sort().join('|') === 'copy|crop',
    });
    const ids = groups.flatMap((group) => group.members.map((member) => member.photo.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(groups.every((group) => group.members.length >= 2)).toBe(true);
    expect(groups.some((group) => group.members.some((m) => m.photo.id === 'copy') && group.members.some((m) => m.photo.id === 'crop'))).toBe(false);
  });

  it('byte-identical photos Immich also grouped are one exact group found by both', () => {
    const groups = groupPhotos([photo('x', 0n, 'same'), photo('y', 0n, 'same')], { ...options, immichGroups: [['x', 'y']] });
    expect(summary(groups)).toEqual([{ kind: 'exact', ids: ['x', 'y'], foundBy: ['phash', 'immich-ml'] }]);
  });
});

function popcount(value: bigint): number {
  let count = 0;
  for (let rest = value; rest > 0n; rest >>= 1n) count += Number(rest & 1n);
  return count;
}
