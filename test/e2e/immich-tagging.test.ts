/**
 * Immich tagging end to end (the built CLI against the fake server holding real thumbnails):
 * per-group child tags, removing a tag with its children, deleting it, and undo of each, compared
 * with the server's whole state before and after; every writing option has a dry-run twin.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { assetId, fromSample, lastChangingRun, organizeArgs, SAMPLE_PHOTOS, seedAssets, snapshot, undoArgs } from '../helpers/immich-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const GROUPED = ['eiffel-tower.jpg', 'eiffel-tower.webp', 'yellow-flower-q60.jpg', 'yellow-flower-small.jpg', 'yellow-flower.jpg'];

describe('Immich tagging', () => {
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
    fake.state.tags.clear();
    fake.state.tagAssets.clear();
    fake.clearRequests();
  });

  it('--tag-per-group adds a child tag per group; dry-run writes nothing, a re-run writes nothing, undo restores the server exactly', async () => {
    const root = tempDir();
    const before = snapshot(fake);
    const args = organizeArgs(fake, root, '--tag-only', '--tag-per-group', '--duplicate-tag', 'dupes');

    const dry = await runCli([...args, '--dry-run'], { env });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/Would tag 5 assets of 2 groups with 'dupes'/);
    expect(dry.stderr).toMatch(/Would tag 3 assets with 'dupes\/group-000[12]'/);
    expect(fake.writeRequests()).toEqual([]);
    expect(snapshot(fake)).toEqual(before);

    const first = await runCli(args, { env });
    expect(first.code).toBe(0);
    const after = snapshot(fake);
    expect(after.tags['dupes']).toEqual(GROUPED);
    const children = Object.entries(after.tags).filter(([value]) => value.startsWith('dupes/'));
    expect(children.map(([, files]) => files).sort()).toEqual([
      ['eiffel-tower.jpg', 'eiffel-tower.webp'],
      ['yellow-flower-q60.jpg', 'yellow-flower-small.jpg', 'yellow-flower.jpg'],
    ]);
    // One upsert for every tag name, then one request per tag: not one per asset.
    expect(fake.writeRequests().map((request) => request.operationId)).toEqual(['upsertTags', 'tagAssets', 'tagAssets', 'tagAssets']);

    fake.clearRequests();
    expect((await runCli(args, { env })).code).toBe(0);
    expect(fake.writeRequests()).toEqual([]);
    expect(snapshot(fake)).toEqual(after);

    const runId = lastChangingRun(root);
    fake.clearRequests();
    const undoDry = await runCli(undoArgs(fake, root, runId, '--dry-run'), { env });
    expect(undoDry.code).toBe(0);
    expect(undoDry.stdout).toMatch(/Would remove tag 'dupes' from 5 assets/);
    expect(fake.writeRequests()).toEqual([]);
    const undone = await runCli(undoArgs(fake, root, runId), { env });
    expect(undone.code).toBe(0);
    expect(snapshot(fake)).toEqual(before);
    fake.clearRequests();
    const twice = await runCli(undoArgs(fake, root, runId), { env });
    expect(twice.stderr).toMatch(/0 changes of run .* were reversed/);
    expect(fake.writeRequests()).toEqual([]);
    expect(fake.violations()).toEqual([]);
  });

  it('journals only the links it made: undo leaves a tag someone else put on a photo, and the tag with it', async () => {
    const root = tempDir();
    const tag = fake.state.upsertTag(ownerId, 'possible-duplicate');
    fake.state.tagAsset(tag.id, assetId(fake, 'eiffel-tower.jpg'));
    fake.state.tagAsset(tag.id, assetId(fake, 'moose.jpg'));
    const before = snapshot(fake);

    expect((await runCli(organizeArgs(fake, root, '--tag-only'), { env })).code).toBe(0);
    expect(snapshot(fake).tags['possible-duplicate']).toEqual([...GROUPED, 'moose.jpg'].sort());
    const tagging = fake.writeRequests().find((request) => request.operationId === 'tagAssets');
    expect((tagging?.body as { ids: string[] }).ids).toHaveLength(4);

    expect((await runCli(undoArgs(fake, root, lastChangingRun(root)), { env })).code).toBe(0);
    expect(snapshot(fake)).toEqual(before);
    expect(fake.violations()).toEqual([]);
  });

  it('--remove-tag takes the tag and its child tags off every asset (dry-run twin first); --delete-tag then deletes it; undo puts it all back', async () => {
    const root = tempDir();
    expect((await runCli(organizeArgs(fake, root, '--tag-only', '--tag-per-group', '--duplicate-tag', 'review'), { env })).code).toBe(0);
    const tagged = snapshot(fake);
    expect(Object.keys(tagged.tags)).toHaveLength(3);

    fake.clearRequests();
    const dry = await runCli(organizeArgs(fake, root, '--remove-tag', 'review', '--delete-tag', '--dry-run'), { env });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/Would remove the tag 'review' \(and its child tags\) from every asset that has it, then delete the tag/);
    expect(fake.writeRequests()).toEqual([]);
    expect(snapshot(fake)).toEqual(tagged);

    const removed = await runCli(organizeArgs(fake, root, '--remove-tag', 'review', '--delete-tag', '--json'), { env });
    expect(removed.code).toBe(0);
    expect(snapshot(fake).tags).toEqual({});
    // Untagged before the delete, so no XMP sidecar keeps the tag (API-NOTES §14.11).
    const writes = fake.writeRequests().map((request) => request.operationId);
    expect(writes.at(-1)).toBe('deleteTag');
    expect(writes.filter((operation) => operation === 'untagAssets')).toHaveLength(3);

    fake.clearRequests();
    const again = await runCli(organizeArgs(fake, root, '--remove-tag', 'review', '--delete-tag'), { env });
    expect(again.code).toBe(0);
    expect(fake.writeRequests()).toEqual([]);

    const undone = await runCli(undoArgs(fake, root, lastChangingRun(root)), { env });
    expect(undone.code).toBe(0);
    expect(undone.stdout).toMatch(/Did re-create the tag 'review'/);
    expect(snapshot(fake)).toEqual(tagged);
    expect(fake.violations()).toEqual([]);
  });

  it('--remove-tag without --delete-tag keeps the (now empty) tag, no asset carries it, and nothing is scanned', async () => {
    const root = tempDir();
    expect((await runCli(organizeArgs(fake, root, '--tag-only', '--duplicate-tag', 'cleanup'), { env })).code).toBe(0);
    expect(snapshot(fake).tags['cleanup']).toEqual(GROUPED);
    // A fresh hash database and cache: removing a tag needs no scan, so no thumbnail is fetched.
    fake.clearRequests();
    expect((await runCli(organizeArgs(fake, tempDir(), '--remove-tag', 'cleanup'), { env })).code).toBe(0);
    expect(snapshot(fake).tags).toEqual({ cleanup: [] });
    expect(fake.thumbnailRequests()).toEqual([]);
    expect(fake.violations()).toEqual([]);
  });
});
