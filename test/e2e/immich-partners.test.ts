/**
 * `--include-partners` and `--include-shared-albums` end to end, on the fake with three users: mine,
 * a partner who shares their library with me (shown in my timeline), and a friend who shares an album
 * with me. Their copies of my photos are found and reported with their owner, and no write of any
 * action ever names one of them; a group whose best photo is the partner's leaves my copy alone.
 */

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { makeImmichThumbnail, type FakeImmich, type RecordedRequest } from '../helpers/fake-immich/index.js';
import { startFakeImmich } from '../helpers/fake-immich/index.js';
import { assetId, fromSample, organizeArgs, resolveSnapshot, seedAssets } from '../helpers/immich-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

/** Mine: the flowers (3), a small copy of the moose, the Eiffel tower; theirs: copies of my photos. */
const MINE = ['camera/yellow-flower.jpg', 'phone/yellow-flower-q60.jpg', 'phone/yellow-flower-small.jpg', 'camera/eiffel-tower.jpg', 'camera/trees-above.jpg'];

describe('Immich partners and shared albums', () => {
  let fake: FakeImmich;
  let env: NodeJS.ProcessEnv;
  let me: string;
  let partnerId: string;
  let friendId: string;
  /** Asset ids of the partner's and the friend's photos: never to be named by a write. */
  let theirs: string[];

  async function addCopy(ownerId: string, name: string, file: string, size: { width: number; height: number; bytes: number }): Promise<string> {
    const [[, bytes]] = fromSample([file]) as [[string, Buffer]];
    const asset = fake.state.addAsset({
      ownerId,
      originalFileName: name,
      checksum: createHash('sha1').update(bytes).update(name).digest('base64'),
      fileCreatedAt: '2024-06-01T10:00:00.000Z',
      width: size.width,
      height: size.height,
      thumbnail: await makeImmichThumbnail(bytes),
      exif: { fileSizeInByte: size.bytes },
    });
    return asset.id;
  }

  beforeAll(async () => {
    fake = await startFakeImmich();
    const seeded = fake.seedUser({ name: 'Me' });
    me = seeded.user.id;
    env = { IMMICH_API_KEY: seeded.key };
    partnerId = fake.seedUser({ name: 'Pat' }).user.id;
    friendId = fake.seedUser({ name: 'Fran' }).user.id;
    await seedAssets(fake, me, fromSample(MINE));
    // My small copy of the moose; the partner holds the full-size original, which is the best.
    await addCopy(me, 'moose-small.jpg', 'camera/moose.jpg', { width: 640, height: 427, bytes: 40_000 });
    theirs = [
      await addCopy(partnerId, 'pat-moose.jpg', 'camera/moose.jpg', { width: 4000, height: 2667, bytes: 4_000_000 }),
      // A small copy of my flower: the best of that group stays mine.
      await addCopy(partnerId, 'pat-flower.jpg', 'phone/yellow-flower-small.jpg', { width: 200, height: 150, bytes: 9_000 }),
    ];
    fake.state.addPartner(partnerId, me);
    // The friend's album, shared with me, holds the friend's copy of my Eiffel tower.
    const friendsEiffel = await addCopy(friendId, 'fran-eiffel.webp', 'backup/eiffel-tower.webp', { width: 300, height: 200, bytes: 20_000 });
    theirs.push(friendsEiffel);
    const album = fake.state.addAlbum({ ownerId: friendId, albumName: 'Paris', assetIds: [friendsEiffel] });
    fake.state.shareAlbum(album.id, me, 'viewer');
  });
  afterAll(async () => fake.close());
  beforeEach(() => fake.clearRequests());

  /** The assets a request acts on: ids in its path, and the asset ids of its body (not values that merely mention one). */
  const targets = (request: RecordedRequest): string[] => {
    const body = (request.body ?? {}) as { ids?: string[]; assetIds?: string[]; items?: { assetId?: string }[] };
    return [...request.path.split('/'), ...(body.ids ?? []), ...(body.assetIds ?? []), ...(body.items ?? []).map((item) => item.assetId ?? '')];
  };
  /** Requests that act on one of the other users' assets. */
  const touching = (requests: readonly RecordedRequest[]) => requests.filter((request) => targets(request).some((id) => theirs.includes(id)));
  const theirState = () => Object.fromEntries(Object.entries(resolveSnapshot(fake)).filter(([name]) => /^(pat|fran)-/.test(name)));

  it('finds the partner\'s and the shared album\'s copies of my photos and reports their owner', async () => {
    const root = tempDir();
    const result = await runCli(organizeArgs(fake, root, '--include-partners', '--include-shared-albums', '--json'), { env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    const groupOf = (name: string) => report.groups.find((group) => group.items.some((item) => item.path === name));
    const moose = groupOf('pat-moose.jpg');
    expect(moose?.items.map((item) => item.path).sort()).toEqual(['moose-small.jpg', 'pat-moose.jpg']);
    expect(moose?.best).toBe(theirs[0]);
    expect(moose?.bestReason).toMatch(/the best photo is Pat's \(shared by a partner\): it is never changed, and none of your photos in this group is archived, trashed or marked favorite because of it/);
    expect(moose?.items.find((item) => item.path === 'pat-moose.jpg')).toMatchObject({ owner: partnerId, ownerName: 'Pat', notMine: true });
    expect(moose?.items.find((item) => item.path === 'moose-small.jpg')).toMatchObject({ owner: me, ownerName: 'Me' });
    expect(moose?.items.find((item) => item.path === 'moose-small.jpg')?.notMine).toBeUndefined();
    // Nothing of mine is reclaimed because another user's photo is the best... only my own copies count.
    expect(moose?.reclaimableBytes).toBe(40_000);
    expect(groupOf('pat-flower.jpg')?.items.map((item) => item.path).sort()).toEqual(['pat-flower.jpg', 'yellow-flower-q60.jpg', 'yellow-flower-small.jpg', 'yellow-flower.jpg']);
    const eiffel = groupOf('fran-eiffel.webp');
    expect(eiffel?.items.map((item) => item.path).sort()).toEqual(['eiffel-tower.jpg', 'fran-eiffel.webp']);
    expect(eiffel?.items.find((item) => item.path === 'fran-eiffel.webp')).toMatchObject({ owner: friendId, ownerName: 'Fran', notMine: true });
    expect(report.groups.every((group) => group.found_by.length === 1 && group.found_by[0] === 'phash')).toBe(true);
    expect(touching(fake.writeRequests())).toEqual([]);
  });

  it('without the flags, other users\' photos stay out of the run', async () => {
    const root = tempDir();
    const result = await runCli(organizeArgs(fake, root, '--json'), { env });
    expect(result.code).toBe(0);
    const paths = (JSON.parse(result.stdout) as Report).groups.flatMap((group) => group.items.map((item) => item.path));
    expect(paths.filter((name) => /^(pat|fran)-/.test(name))).toEqual([]);
    expect(paths).not.toContain('moose-small.jpg');
  });

  const actions: string[][] = [
    ['--tag-only', '--tag-per-group'],
    ['--create-albums'],
    ['--mark-best-favorite'],
    ['--stack'],
    ['--immich-review'],
    ['--write-similarity'],
    ['--archive-others'],
    ['--trash-others', '--yes'],
    ['--mark-best-favorite', '--archive-others'],
  ];
  for (const flags of actions) {
    it(`${flags.join(' ')}: acts on my photos only; no request names another user's photo, and theirs are unchanged`, async () => {
      const root = tempDir();
      const before = theirState();
      const mooseBefore = resolveSnapshot(fake)['moose-small.jpg'];
      const dry = await runCli(organizeArgs(fake, root, '--include-partners', '--include-shared-albums', ...flags, '--dry-run'), { env });
      expect(dry.code).toBe(0);
      expect(fake.writeRequests()).toEqual([]);

      const result = await runCli(organizeArgs(fake, root, '--include-partners', '--include-shared-albums', ...flags), { env });
      expect(result.stderr).not.toMatch(/refused to send/);
      expect(result.code).toBe(0);
      expect(fake.writeRequests().length).toBeGreaterThan(0);
      expect(touching(fake.requests()).filter((request) => request.method !== 'GET' && !request.apiPath.startsWith('/api/search/'))).toEqual([]);
      expect(theirState()).toEqual(before);
      // The moose's best is the partner's: my copy is neither archived, trashed nor made favorite because of it.
      const moose = resolveSnapshot(fake)['moose-small.jpg'];
      expect({ visibility: moose?.visibility, trashed: moose?.trashed, favorite: moose?.favorite }).toEqual({
        visibility: mooseBefore?.visibility,
        trashed: mooseBefore?.trashed,
        favorite: mooseBefore?.favorite,
      });
      expect(fake.violations()).toEqual([]);
      // Back to the seeded state for the next action.
      for (const asset of fake.state.assets.values()) Object.assign(asset, { visibility: 'timeline', deletedAt: null, isFavorite: false, duplicateId: null, stackId: null });
      fake.state.stacks.clear();
      for (const album of [...fake.state.albums.values()]) if (album.ownerId === me) fake.state.albums.delete(album.id);
      fake.state.metadata.clear();
      fake.state.tagAssets.clear();
      fake.state.tags.clear();
    });
  }

  it('tags my copies in a group whose best is the partner\'s, and the text output marks whose each photo is', async () => {
    const root = tempDir();
    const result = await runCli(organizeArgs(fake, root, '--include-partners', '--tag-only'), { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/pat-moose\.jpg .*\[Pat's\]/);
    const tag = [...fake.state.tags.values()].find((candidate) => candidate.value === 'possible-duplicate');
    const tagged = [...(fake.state.tagAssets.get(tag?.id ?? '') ?? [])];
    expect(tagged).toContain(assetId(fake, 'moose-small.jpg'));
    expect(tagged.filter((id) => theirs.includes(id))).toEqual([]);
    fake.state.tagAssets.clear();
    fake.state.tags.clear();
  });

  it('says how to list a partner whose photos are not in my timeline, and leaves them out', async () => {
    const partner = fake.state.partners.find((candidate) => candidate.sharedById === partnerId);
    if (!partner) throw new Error('no partner');
    partner.inTimeline = false;
    try {
      const root = tempDir();
      const result = await runCli(organizeArgs(fake, root, '--include-partners', '--json'), { env });
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/Pat shares photos with you, but not in your timeline.*"Show in timeline"/);
      const paths = (JSON.parse(result.stdout) as Report).groups.flatMap((group) => group.items.map((item) => item.path));
      expect(paths.filter((name) => name.startsWith('pat-'))).toEqual([]);
    } finally {
      partner.inTimeline = true;
    }
  });
});
