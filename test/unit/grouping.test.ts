import { describe, expect, it } from 'vitest';
import type { Photo } from '../../src/core/photo.js';
import type { HashedPhoto } from '../../src/hashing/hash-stage.js';
import { completeLinkage } from '../../src/grouping/complete-linkage.js';
import { groupPhotos } from '../../src/grouping/group-engine.js';

function photo(id: string, hash: bigint, checksum?: string, extra: Partial<Photo> = {}): HashedPhoto {
  return {
    photo: { source: 'local', id, path: id, changeKey: '1:1', meta: { width: 100, height: 100, bytes: 1000, format: 'jpeg' }, ...extra },
    fingerprint: { variants: [hash] },
    checksum,
  };
}

/** `bits` low bits set: Hamming distance from 0n is `bits`. */
const ones = (bits: number) => (1n << BigInt(bits)) - 1n;

describe('complete linkage', () => {
  it('never chains: A~B and B~C with A far from C gives two groups', () => {
    const clusters = completeLinkage(3, [
      { a: 0, b: 1, distance: 4 },
      { a: 1, b: 2, distance: 4 },
    ]);
    expect(clusters).toHaveLength(1);
    expect(clusters.some((cluster) => cluster.includes(0) && cluster.includes(2))).toBe(false);
  });

  it('moves a node stranded in a pair into the larger group it fully links with', () => {
    // 0-1-2 is a clique; 3 links with 0, 1, 2 and with 4; 4 links with 3 only. Closest first, 3 pairs
    // with 4 before it could join the clique; the pass afterwards moves 3 where it belongs.
    const clusters = completeLinkage(5, [
      { a: 3, b: 4, distance: 0 },
      { a: 0, b: 1, distance: 1 },
      { a: 0, b: 2, distance: 1 },
      { a: 1, b: 2, distance: 1 },
      { a: 0, b: 3, distance: 2 },
      { a: 1, b: 3, distance: 2 },
      { a: 2, b: 3, distance: 2 },
    ]);
    // 4 is left alone: clusters are of two or more nodes.
    expect(clusters).toEqual([[0, 1, 2, 3]]);
  });

  it('merges a clique into one cluster and leaves a node without edges alone', () => {
    const clusters = completeLinkage(4, [
      { a: 0, b: 1, distance: 1 },
      { a: 0, b: 2, distance: 2 },
      { a: 1, b: 2, distance: 1 },
    ]);
    expect(clusters).toEqual([[0, 1, 2]]);
  });
});

describe('groupPhotos', () => {
  const threshold = 8;

  it('groups byte-identical photos as exact and never misses distance 0', () => {
    const groups = groupPhotos([photo('/a', 0n, 'x'), photo('/b', 0n, 'x'), photo('/c', ones(40), 'y')], { threshold });
    expect(groups).toHaveLength(1);
    expect(groups[0]?.kind).toBe('exact');
    expect(groups[0]?.members.map((m) => m.photo.id).sort()).toEqual(['/a', '/b']);
  });

  it('labels a group with a re-encoded member as near and reports distances to the best', () => {
    const groups = groupPhotos([photo('/a', 0n, 'x'), photo('/b', ones(3), 'y')], { threshold });
    expect(groups[0]?.kind).toBe('near');
    expect(groups[0]?.distances).toEqual([0, 3]);
  });

  it('reads back thumbnails and looks for the best photo only when its rules read them', () => {
    const library = [photo('/a', 0n, 'x'), photo('/b', ones(3), 'y'), photo('/c', ones(2), 'z')];
    const read: string[] = [];
    const details = (member: HashedPhoto) => {
      read.push(member.photo.id);
      return {};
    };
    groupPhotos(library, { threshold, details, bestRules: ['metadata', 'resolution', 'bytes'] });
    expect(read).toEqual([]);
    groupPhotos(library, { threshold, details, bestRules: ['colour', 'bytes'] });
    expect(read.sort()).toEqual(['/a', '/b', '/c']);
    read.length = 0;
    groupPhotos(library, { threshold, details });
    expect(read.sort()).toEqual(['/a', '/b', '/c']);
  });

  it('does not glue a chain of small steps', () => {
    // 0 — 6 bits — middle — 6 bits — far; 0 and far are 12 apart.
    const middle = ones(6);
    const far = ones(12);
    const groups = groupPhotos([photo('/a', 0n, 'a'), photo('/m', middle, 'm'), photo('/z', far, 'z')], { threshold });
    const members = groups.map((g) => g.members.map((m) => m.photo.id).sort());
    expect(members.every((ids) => !(ids.includes('/a') && ids.includes('/z')))).toBe(true);
  });

  it('has no singleton groups, no photo in two groups, and is deterministic', () => {
    const input = Array.from({ length: 60 }, (_, i) => photo(`/p${String(i).padStart(2, '0')}`, BigInt(i % 7) * ones(10) + BigInt(i % 3), `c${i}`));
    const first = groupPhotos(input, { threshold });
    const second = groupPhotos([...input].reverse(), { threshold });
    expect(second).toEqual(first);
    const seen = new Set<string>();
    for (const group of first) {
      expect(group.members.length).toBeGreaterThan(1);
      for (const member of group.members) {
        expect(seen.has(member.photo.id)).toBe(false);
        seen.add(member.photo.id);
      }
    }
    expect(first.map((g) => g.id)).toEqual(first.map((_, i) => `group-${String(i + 1).padStart(4, '0')}`));
  });

  it('matches a rotated copy through its orientation variants', () => {
    const rotated: HashedPhoto = { ...photo('/r', ones(30), 'r'), fingerprint: { variants: [ones(30), 0n] } };
    const groups = groupPhotos([photo('/a', 0n, 'a'), rotated], { threshold });
    expect(groups).toHaveLength(1);
  });

  it('puts looser matches in a similar tier only when asked, and only photos without a near duplicate', () => {
    const input = [photo('/a', 0n, 'a'), photo('/b', ones(12), 'b')];
    expect(groupPhotos(input, { threshold })).toHaveLength(0);
    const groups = groupPhotos(input, { threshold, similarThreshold: 14 });
    expect(groups.map((g) => g.kind)).toEqual(['similar']);
  });

  it('never groups an ignored pair', () => {
    const groups = groupPhotos([photo('/a', 0n, 'a'), photo('/b', 1n, 'b')], {
      threshold,
      isIgnoredPair: (x, y) => new Set([x.photo.id, y.photo.id]).size === 2,
    });
    expect(groups).toHaveLength(0);
  });

  it('keeps a reference photo as the best', () => {
    const small = photo('/ref/a', 0n, 'a', { isReference: true });
    small.photo.meta = { ...small.photo.meta, width: 10, height: 10 };
    const groups = groupPhotos([small, photo('/b', 1n, 'b')], { threshold });
    expect(groups[0]?.best.photo.id).toBe('/ref/a');
    expect(groups[0]?.bestReason).toBe('in a reference folder');
  });
});
