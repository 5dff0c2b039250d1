/** The pure halves of the Immich actions: which assets a plan touches, and when a group may be stacked. */

import { describe, expect, it } from 'vitest';
import { planGroups } from '../../src/actions/immich/group-plan.js';
import { toFavorite } from '../../src/actions/immich/favorite-target.js';
import { matchAlbums } from '../../src/actions/immich/our-albums.js';
import { stackVerdict } from '../../src/actions/immich/stack-target.js';
import { tagSubtree } from '../../src/actions/immich/tag-lookup.js';
import { planTagging } from '../../src/actions/immich/tag-target.js';
import { othersOf, planResolve } from '../../src/actions/immich/resolve-plan.js';
import type { PhotoGroup } from '../../src/grouping/group-engine.js';
import type { HashedPhoto } from '../../src/hashing/hash-stage.js';

function photo(id: string, options: { source?: 'immich' | 'local'; reference?: boolean; favorite?: boolean } = {}): HashedPhoto {
  return {
    photo: {
      source: options.source ?? 'immich',
      id,
      path: `${id}.jpg`,
      changeKey: id,
      meta: { width: 100, height: 100, bytes: 1, format: 'jpeg', ...(options.favorite ? { isFavorite: true } : {}) },
      ...(options.reference ? { isReference: true } : {}),
    },
    fingerprint: { variants: [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n] },
    checksum: undefined,
  };
}

function group(id: string, kind: PhotoGroup['kind'], members: HashedPhoto[]): PhotoGroup {
  const [best] = members as [HashedPhoto];
  return { id, kind, best, bestReason: 'test', members, distances: members.map(() => 0), setAsideBecause: members.map(() => undefined), foundBy: ['phash'] };
}

const groups = [
  group('group-0001', 'exact', [photo('a'), photo('b', { favorite: true })]),
  group('group-0002', 'near', [photo('local-c', { source: 'local', reference: true }), photo('d', { favorite: true }), photo('e')]),
  group('group-0003', 'similar', [photo('f'), photo('g')]),
  group('group-0004', 'near', [photo('local-h', { source: 'local', reference: true }), photo('i')]),
];

describe('Immich plans', () => {
  it('tags Immich members of exact and near groups, never reference photos, and similar groups only when asked', () => {
    const plan = planTagging(groups, { mode: 'tag', tagName: 'dup', includeSimilar: false, perGroup: true });
    expect(plan).toEqual({
      kind: 'tag',
      tagName: 'dup',
      assetIds: ['a', 'b', 'd', 'e', 'i'],
      groups: 3,
      perGroup: [
        { tagName: 'dup/group-0001', assetIds: ['a', 'b'] },
        { tagName: 'dup/group-0002', assetIds: ['d', 'e'] },
        { tagName: 'dup/group-0004', assetIds: ['i'] },
      ],
    });
    expect(planTagging(groups, { mode: 'tag', tagName: 'dup', includeSimilar: true }).assetIds).toEqual(['a', 'b', 'd', 'e', 'f', 'g', 'i']);
    // Duplicates of local: only groups holding a local photo.
    expect(planTagging(groups, { mode: 'tag-duplicates-of-local', tagName: 'x', includeSimilar: false }).assetIds).toEqual(['d', 'e', 'i']);
  });

  it('albums, favorites and stacks need two Immich members; the first is the best, a favorite already is left out', () => {
    const plan = planGroups(groups, false, 'dup-');
    expect(plan.groups.map((entry) => [entry.label, entry.assetIds])).toEqual([
      ['dup-0001', ['a', 'b']],
      ['dup-0002', ['d', 'e']],
    ]);
    expect(toFavorite(plan)).toEqual(['a']);
  });

  it('never plans a write for another user\'s photo; a group whose best is theirs has no best of mine to favorite, stack on top, or keep over my copies', () => {
    const theirs = (id: string): HashedPhoto => {
      const hashed = photo(id);
      hashed.photo.owner = { id: 'u-pat', name: 'Pat', mine: false, via: 'partner' };
      return hashed;
    };
    const mine = (id: string): HashedPhoto => {
      const hashed = photo(id);
      hashed.photo.owner = { id: 'u-me', name: 'Me', mine: true };
      return hashed;
    };
    const shared = [
      group('group-0001', 'near', [theirs('pat-best'), mine('m1'), mine('m2')]),
      group('group-0002', 'near', [mine('m3'), theirs('pat-copy'), mine('m4')]),
    ];
    expect(planTagging(shared, { mode: 'tag', tagName: 'dup', includeSimilar: false }).assetIds).toEqual(['m1', 'm2', 'm3', 'm4']);
    const plan = planGroups(shared, false, 'dup-');
    expect(plan.groups.map((entry) => [entry.assetIds, entry.bestIsMine])).toEqual([
      [['m1', 'm2'], false],
      [['m3', 'm4'], true],
    ]);
    expect(toFavorite(plan)).toEqual(['m3']);
    const resolve = planResolve(shared, false);
    expect(resolve.groups.map((entry) => [entry.members.map((member) => member.id), entry.bestInImmich])).toEqual([
      [['m1', 'm2'], false],
      [['m3', 'm4'], true],
    ]);
    // Archive or trash: nothing of mine goes because the partner's photo is the best; only my own copy of my own best.
    expect(resolve.groups.flatMap(othersOf).map((member) => member.id)).toEqual(['m4']);
  });

  it('stacks a group only when none of its photos is in a stack, or when that stack is exactly the group with the best on top', () => {
    const [entry] = planGroups(groups, false, '').groups;
    if (!entry) throw new Error('no group');
    const stack = (id: string, primaryAssetId: string, members: string[]) => ({ id, primaryAssetId, assets: members.map((member) => ({ id: member })) });
    const stackOf = (...stacks: ReturnType<typeof stack>[]) => new Map(stacks.flatMap((s) => (s.assets ?? []).map((asset) => [asset.id, s] as const)));
    expect(stackVerdict(entry, stackOf())).toBe('create');
    expect(stackVerdict(entry, stackOf(stack('s1', 'a', ['a', 'b'])))).toBe('done-before');
    expect(stackVerdict(entry, stackOf(stack('s1', 'b', ['b', 'a'])))).toBe('in-other-stack');
    expect(stackVerdict(entry, stackOf(stack('s1', 'a', ['a', 'b', 'z'])))).toBe('in-other-stack');
    expect(stackVerdict(entry, stackOf(stack('s1', 'z', ['z', 'b'])))).toBe('in-other-stack');
  });

  it('finds the album our run made for a group by its photos when group numbers shifted, by name otherwise, each album for one group', () => {
    const ours = [
      { id: 'A1', name: 'dup-0001', assetIds: new Set(['a', 'b']) },
      { id: 'A2', name: 'dup-0002', assetIds: new Set(['d', 'e']) },
    ];
    const owned = [{ id: 'A1', albumName: 'dup-0001' }, { id: 'A2', albumName: 'dup-0002' }, { id: 'U', albumName: 'dup-0003' }, { id: 'V', albumName: 'dup-0001' }];
    const groups = [
      { label: 'dup-0001', assetIds: ['d', 'e', 'x'] },
      { label: 'dup-0002', assetIds: ['a', 'b'] },
      { label: 'dup-0003', assetIds: ['p', 'q'] },
      { label: 'dup-0004', assetIds: ['r', 's'] },
    ];
    expect(matchAlbums(groups, ours, owned)).toEqual([{ id: 'A2', name: 'dup-0002' }, { id: 'A1', name: 'dup-0001' }, { id: 'U', name: 'dup-0003' }, undefined]);
    // Without our journal, names decide; an album is never given to two groups.
    expect(matchAlbums([{ label: 'dup-0001', assetIds: ['a'] }, { label: 'dup-0001', assetIds: ['b'] }], [], owned)).toEqual([{ id: 'A1', name: 'dup-0001' }, { id: 'V', name: 'dup-0001' }]);
  });

  it('a tag and its children, deepest first; a tag that only starts with the same letters is not a child', () => {
    const tag = (value: string) => ({ id: value, name: value.split('/').at(-1) ?? value, value, createdAt: '', updatedAt: '' });
    const tags = ['dup', 'dup/group-0001', 'dup/group-0001/x', 'dupe', 'other/dup'].map(tag);
    expect(tagSubtree(tags, 'dup').map((t) => t.value)).toEqual(['dup/group-0001/x', 'dup/group-0001', 'dup']);
  });
});
