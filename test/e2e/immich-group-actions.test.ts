/**
 * Albums, favorites and stacks end to end, each alone: a dry-run twin that writes nothing, a run, a
 * re-run that writes nothing, and an undo that gives back the server's exact state. Plus the
 * gotchas: album names are not unique (our album is found by its stored id), an album someone added
 * a photo to is kept by undo, and a photo already in a user's stack is never pulled into ours.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { assetId, fromSample, lastChangingRun, organizeArgs, SAMPLE_PHOTOS, seedAssets, snapshot, undoArgs } from '../helpers/immich-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

describe('Immich albums, favorites and stacks', () => {
  let fake: FakeImmich;
  let env: NodeJS.ProcessEnv;
  let ownerId: string;

  beforeAll(async () => {
    fake = await startFakeImmich();
    const seeded = fake.seedUser();
    ownerId = seeded.user.id;
    env = { IMMICH_API_KEY: seeded.key };
    await seedAssets(fake, ownerId, fromSample(SAMPLE_PHOTOS));
  });
  afterAll(async () => fake.close());
  beforeEach(() => {
    fake.state.albums.clear();
    for (const stack of [...fake.state.stacks.values()]) fake.state.deleteStack(stack.id);
    for (const asset of fake.state.assets.values()) asset.isFavorite = asset.originalFileName === 'moose.jpg';
    fake.clearRequests();
  });

  const cases: [flag: string[], dryLine: RegExp, changed: (state: ReturnType<typeof snapshot>) => void][] = [
    [
      ['--create-albums', '--album-prefix', 'dup-'],
      /Would put 3 photos in album 'dup-000[12]'/,
      (state) => expect(state.albums.map((album) => album.replace(/dup-000[12]/, 'dup-')).sort()).toEqual([
        'dup-: eiffel-tower.jpg, eiffel-tower.webp',
        'dup-: yellow-flower-q60.jpg, yellow-flower-small.jpg, yellow-flower.jpg',
      ]),
    ],
    [['--mark-best-favorite'], /Would mark 2 best photos as favorite \(0 already are\)/, (state) => expect(state.favorites).toHaveLength(3)],
    [['--stack'], /Would stack 2 groups/, (state) => expect(state.stacks.map((stack) => stack.split(' > ').length).sort()).toEqual([2, 3])],
  ];

  for (const [flag, dryLine, changed] of cases) {
    it(`${flag[0] ?? ''}: dry-run twin writes nothing, a re-run writes nothing, undo restores the server exactly`, async () => {
      const root = tempDir();
      const before = snapshot(fake);
      const dry = await runCli(organizeArgs(fake, root, ...flag, '--dry-run'), { env });
      expect(dry.code).toBe(0);
      expect(dry.stderr).toMatch(dryLine);
      expect(fake.writeRequests()).toEqual([]);
      expect(snapshot(fake)).toEqual(before);

      expect((await runCli(organizeArgs(fake, root, ...flag), { env })).code).toBe(0);
      const after = snapshot(fake);
      changed(after);

      fake.clearRequests();
      expect((await runCli(organizeArgs(fake, root, ...flag), { env })).code).toBe(0);
      expect(fake.writeRequests()).toEqual([]);
      expect(snapshot(fake)).toEqual(after);

      const runId = lastChangingRun(root);
      const undoDry = await runCli(undoArgs(fake, root, runId, '--dry-run'), { env });
      expect(undoDry.code).toBe(0);
      expect(undoDry.stdout).toMatch(/^Would /m);
      expect(fake.writeRequests()).toEqual([]);
      expect((await runCli(undoArgs(fake, root, runId), { env })).code).toBe(0);
      expect(snapshot(fake)).toEqual(before);
      expect(fake.violations()).toEqual([]);
    });
  }

  it('finds its own album by id though another album has the same name, and undo keeps an album someone added a photo to', async () => {
    const root = tempDir();
    const args = organizeArgs(fake, root, '--create-albums', '--album-prefix', 'dup-');
    expect((await runCli(args, { env })).code).toBe(0);
    const ours = [...fake.state.albums.values()];
    expect(ours).toHaveLength(2);
    // Album names are not unique: the user makes a newer, empty album with one of our names.
    fake.state.addAlbum({ ownerId, albumName: 'dup-0001' });
    fake.clearRequests();
    expect((await runCli(args, { env })).code).toBe(0);
    expect(fake.writeRequests()).toEqual([]);

    // Someone adds a photo to one of our albums: undo takes ours out and keeps the album.
    const keep = ours[0];
    keep?.assetIds.add(assetId(fake, 'moose.jpg'));
    const undone = await runCli(undoArgs(fake, root, lastChangingRun(root)), { env });
    expect(undone.code).toBe(0);
    expect(undone.stderr).toMatch(/album 'dup-000[12]' kept: 1 photos were added to it by someone else/);
    expect(snapshot(fake).albums).toEqual([`${keep?.albumName ?? ''}: moose.jpg`, 'dup-0001: '].sort());
    expect(fake.violations()).toEqual([]);
  });

  it('leaves a group alone when one of its photos is in a stack of the user: stacking would merge or split it', async () => {
    const root = tempDir();
    fake.state.addStack(ownerId, [assetId(fake, 'yellow-flower-q60.jpg'), assetId(fake, 'moose.jpg')]);
    const before = snapshot(fake);
    const result = await runCli(organizeArgs(fake, root, '--stack', '--json'), { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/1 groups have a photo already in another stack; left alone/);
    const after = snapshot(fake);
    expect(after.stacks).toHaveLength(2);
    expect(after.stacks).toContain('yellow-flower-q60.jpg > moose.jpg');
    expect((await runCli(undoArgs(fake, root, lastChangingRun(root)), { env })).code).toBe(0);
    expect(snapshot(fake)).toEqual(before);
    expect(fake.violations()).toEqual([]);
  });
});
