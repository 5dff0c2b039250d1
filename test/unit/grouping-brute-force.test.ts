/**
 * The grouping engine against brute force: on a few thousand random photos with planted clusters,
 * the groups are exactly complete linkage over every pair within the threshold (so the index missed
 * no pair), and the invariants hold: no singletons, no photo twice, deterministic ids and order.
 * Stored crop hashes bring a far copy in; without them it stays out.
 */

import { describe, expect, it } from 'vitest';
import type { HashedPhoto } from '../../src/hashing/hash-stage.js';
import { completeLinkage, type Edge } from '../../src/grouping/complete-linkage.js';
import { groupPhotos } from '../../src/grouping/group-engine.js';
import { fingerprintDistance } from '../../src/hashing/fingerprint.js';
import { mulberry32 } from '../helpers/random.js';

const THRESHOLD = 10;

function library(size: number, seed: number): HashedPhoto[] {
  const random = mulberry32(seed);
  const word = () => BigInt(Math.floor(random() * 2 ** 32));
  const hash = () => (word() << 32n) | word();
  const flip = (value: bigint, bits: number) => {
    let out = value;
    for (let k = 0; k < bits; k++) out ^= 1n << BigInt(Math.floor(random() * 64));
    return out;
  };
  const photos: HashedPhoto[] = [];
  for (let i = 0; i < size; i++) {
    // A third are copies of an earlier photo, a few to a dozen bits off, some under another orientation.
    const source = i > 0 && random() < 0.33 ? photos[Math.floor(random() * i)] : undefined;
    let variants = Array.from({ length: 8 }, hash);
    if (source) {
      const offset = random() < 0.25 ? 1 + Math.floor(random() * 7) : 0;
      const base = source.fingerprint.variants;
      variants = Array.from({ length: 8 }, (_, v) => flip(base[(v + offset) % 8] as bigint, Math.floor(random() * 13)));
    }
    const id = `p${String(Math.floor(random() * 1e9)).padStart(9, '0')}-${i}`;
    photos.push({
      photo: { source: 'local', id, path: id, changeKey: '1:1', meta: { width: 100, height: 100, bytes: 1000, format: 'jpeg' } },
      fingerprint: { variants },
      checksum: undefined,
    });
  }
  return photos;
}

function bruteForceGroups(photos: readonly HashedPhoto[]): string[][] {
  const sorted = [...photos].sort((a, b) => (a.photo.id < b.photo.id ? -1 : 1));
  const edges: Edge[] = [];
  for (let a = 0; a < sorted.length; a++) {
    for (let b = a + 1; b < sorted.length; b++) {
      const x = (sorted[a] as HashedPhoto).fingerprint;
      const y = (sorted[b] as HashedPhoto).fingerprint;
      const distance = Math.min(fingerprintDistance(x, y), fingerprintDistance(y, x));
      if (distance <= THRESHOLD) edges.push({ a, b, distance });
    }
  }
  return completeLinkage(sorted.length, edges)
    .filter((members) => members.length > 1)
    .map((members) => members.map((m) => (sorted[m] as HashedPhoto).photo.id).sort());
}

describe('grouping engine against brute force', () => {
  const photos = library(1200, 7);
  const groups = groupPhotos(photos, { threshold: THRESHOLD });

  it('gives exactly complete linkage over every pair within the threshold', () => {
    const expected = bruteForceGroups(photos);
    // Guard: the library must hold many groups, or an empty answer would pass.
    expect(expected.length).toBeGreaterThan(50);
    const found = groups.map((group) => group.members.map((m) => m.photo.id).sort());
    expect(found.sort()).toEqual(expected.sort());
  });

  it('has no singletons, no photo twice, and the same ids and order from shuffled input', () => {
    expect(groups.every((group) => group.members.length >= 2)).toBe(true);
    const ids = groups.flatMap((group) => group.members.map((m) => m.photo.id));
    expect(new Set(ids).size).toBe(ids.length);
    const shuffled = [...photos].reverse();
    const again = groupPhotos(shuffled, { threshold: THRESHOLD });
    expect(again.map((g) => [g.id, g.members.map((m) => m.photo.id)])).toEqual(groups.map((g) => [g.id, g.members.map((m) => m.photo.id)]));
  });
});

describe('stored crop hashes in grouping', () => {
  const far = (1n << 20n) - 1n; // 20 bits from 0n
  const original = (cropHashes?: bigint[]): HashedPhoto => ({
    photo: { source: 'local', id: 'a', path: 'a', changeKey: '1:1', meta: { width: 100, height: 100, bytes: 1000, format: 'jpeg' } },
    fingerprint: { variants: Array.from({ length: 8 }, () => 0n), ...(cropHashes ? { cropHashes } : {}) },
    checksum: undefined,
  });
  const copy: HashedPhoto = {
    photo: { source: 'local', id: 'b', path: 'b', changeKey: '1:1', meta: { width: 100, height: 100, bytes: 1000, format: 'jpeg' } },
    fingerprint: { variants: Array.from({ length: 8 }, () => far) },
    checksum: undefined,
  };

  it('find a copy beyond the threshold when a crop hash lands near it, and not without them', () => {
    const near = far ^ 0b111n; // 3 bits from the copy
    expect(groupPhotos([original([1n << 63n, near, 5n, 6n, 7n]), copy], { threshold: 12 })).toHaveLength(1);
    expect(groupPhotos([original(), copy], { threshold: 12 })).toHaveLength(0);
  });
});
