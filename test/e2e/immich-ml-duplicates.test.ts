/**
 * `--with-immich-duplicates` end to end: the fake serves Immich's own duplicate groups (`GET
 * /duplicates`, the `duplicateId` its CLIP job sets) and the built CLI checks each with our pixel
 * check. A group we also found is one group found by both; a member that is not alike at all is split
 * out and never acted on; a group only Immich found becomes `near` when our pixels confirm it.
 */

import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { assetId, fromSample, organizeArgs, seedAssets } from '../helpers/immich-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

/**
 * 20 % cut from the left and 5 % from the top: no typical-crop query of the index comes within its
 * radius of it (12 bits from the nearest, 22 from the whole photo), while the pixel check's crop
 * alignment (up to 25 % a side) recognises it.
 */
async function offCentreCrop(bytes: Buffer): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(bytes).metadata();
  const [left, top] = [Math.round(width * 0.2), Math.round(height * 0.05)];
  return sharp(bytes).extract({ left, top, width: width - left, height: height - top }).jpeg({ quality: 80 }).toBuffer();
}

const PHOTOS = [
  'camera/yellow-flower.jpg', 'phone/yellow-flower-q60.jpg', 'phone/yellow-flower-small.jpg',
  'camera/eiffel-tower.jpg', 'backup/eiffel-tower.webp',
  'camera/moose.jpg', 'camera/trees-above.jpg', 'camera/redwoods-above.jpg',
];

describe('Immich ML duplicate groups', () => {
  let fake: FakeImmich;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // A server with machine learning on: its detection job is what fills duplicateId.
    fake = await startFakeImmich({ features: { smartSearch: true, duplicateDetection: true } });
    const seeded = fake.seedUser();
    env = { IMMICH_API_KEY: seeded.key };
    await seedAssets(fake, seeded.user.id, fromSample(PHOTOS));
    // Copies of the moose our index finds (brighter, blurred, darker) and one it does not: a crop far
    // from the original on the hash, which only the pixel check's alignment recognises.
    const [[, moose], [, trees]] = fromSample(['camera/moose.jpg', 'camera/trees-above.jpg']) as [[string, Buffer], [string, Buffer]];
    await seedAssets(fake, seeded.user.id, [
      ['moose-bright.jpg', await sharp(moose).modulate({ brightness: 1.25 }).jpeg({ quality: 70 }).toBuffer()],
      ['moose-blur.jpg', await sharp(moose).blur(3).jpeg({ quality: 70 }).toBuffer()],
      ['moose-dark.jpg', await sharp(moose).gamma(3).jpeg({ quality: 50 }).toBuffer()],
      ['moose-crop.jpg', await offCentreCrop(moose)],
      ['trees-crop.jpg', await offCentreCrop(trees)],
    ]);
  });
  afterAll(async () => fake.close());
  beforeEach(() => {
    for (const asset of fake.state.assets.values()) asset.duplicateId = null;
    fake.clearRequests();
  });

  /** Gives these assets one duplicateId, as Immich's detection job does. */
  const immichGroup = (...names: string[]) => {
    const duplicateId = randomUUID();
    for (const name of names) {
      const asset = fake.state.assets.get(assetId(fake, name));
      if (asset) asset.duplicateId = duplicateId;
    }
  };
  const run = async (root: string, ...flags: string[]) => {
    const result = await runCli(organizeArgs(fake, root, '--json', ...flags), { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Report;
  };

  const groupOf = (report: Report, name: string) => report.groups.find((group) => group.items.some((item) => item.path === name));
  const grouped = (report: Report) => report.groups.flatMap((group) => group.items.map((item) => item.path));

  it('a group Immich and we both found is one group, found by both; our pixel check adds the crop our index missed and splits out the unrelated photo', async () => {
    immichGroup('moose.jpg', 'moose-bright.jpg', 'moose-blur.jpg', 'moose-dark.jpg', 'moose-crop.jpg', 'redwoods-above.jpg');
    const ours = await run(tempDir());
    expect(groupOf(ours, 'moose.jpg')?.items.map((item) => item.path).sort()).toEqual(['moose-blur.jpg', 'moose-bright.jpg', 'moose-dark.jpg', 'moose.jpg']);
    expect(grouped(ours)).not.toContain('moose-crop.jpg');

    const report = await run(tempDir(), '--with-immich-duplicates');
    expect(fake.requests((request) => request.apiPath === '/api/duplicates')).toHaveLength(1);
    const moose = groupOf(report, 'moose.jpg');
    expect(moose?.items.map((item) => item.path).sort()).toEqual(['moose-blur.jpg', 'moose-bright.jpg', 'moose-crop.jpg', 'moose-dark.jpg', 'moose.jpg']);
    expect(moose?.kind).toBe('near');
    expect(moose?.found_by).toEqual(['phash', 'immich-ml']);
    // Not alike at all: split out, in no group.
    expect(grouped(report)).not.toContain('redwoods-above.jpg');
    // Groups Immich did not name are ours alone; there is still exactly one group per photo.
    expect(groupOf(report, 'yellow-flower.jpg')?.found_by).toEqual(['phash']);
    expect(new Set(grouped(report)).size).toBe(grouped(report).length);
  });

  it('a group only Immich found becomes near when our pixels confirm it, found_by immich-ml', async () => {
    immichGroup('trees-above.jpg', 'trees-crop.jpg');
    expect(grouped(await run(tempDir()))).not.toContain('trees-crop.jpg');
    const trees = groupOf(await run(tempDir(), '--with-immich-duplicates'), 'trees-crop.jpg');
    expect(trees?.items.map((item) => item.path).sort()).toEqual(['trees-above.jpg', 'trees-crop.jpg']);
    expect(trees).toMatchObject({ kind: 'near', found_by: ['immich-ml'] });
  });

  it('acts on a confirmed Immich group like on ours, and never on the member it split out', async () => {
    immichGroup('moose.jpg', 'moose-crop.jpg', 'redwoods-above.jpg');
    immichGroup('trees-above.jpg', 'trees-crop.jpg');
    const root = tempDir();
    const dry = await runCli(organizeArgs(fake, root, '--with-immich-duplicates', '--tag-only', '--dry-run'), { env });
    expect(dry.code).toBe(0);
    expect(fake.writeRequests()).toEqual([]);
    const result = await runCli(organizeArgs(fake, root, '--with-immich-duplicates', '--tag-only'), { env });
    expect(result.code).toBe(0);
    const tag = [...fake.state.tags.values()].find((candidate) => candidate.value === 'possible-duplicate');
    const tagged = [...(fake.state.tagAssets.get(tag?.id ?? '') ?? [])].map((id) => fake.state.assets.get(id)?.originalFileName).sort();
    expect(tagged).toContain('moose-crop.jpg');
    expect(tagged).toContain('trees-crop.jpg');
    expect(tagged).toContain('trees-above.jpg');
    expect(tagged).not.toContain('redwoods-above.jpg');
    expect(fake.violations()).toEqual([]);
  });

  it('does not count as Immich\'s the groups an earlier --immich-review of ours put on its page', async () => {
    const root = tempDir();
    expect((await runCli(organizeArgs(fake, root, '--immich-review'), { env })).code).toBe(0);
    const flower = fake.state.assets.get(assetId(fake, 'yellow-flower.jpg'));
    expect(flower?.duplicateId).not.toBeNull();
    // Immich's detection adds the crop to the group our review made: that one member is Immich's.
    const moose = fake.state.assets.get(assetId(fake, 'moose.jpg'));
    const crop = fake.state.assets.get(assetId(fake, 'moose-crop.jpg'));
    if (!moose?.duplicateId || !crop) throw new Error('the review did not group the moose');
    crop.duplicateId = moose.duplicateId;
    const report = await run(root, '--with-immich-duplicates');
    expect(groupOf(report, 'yellow-flower.jpg')?.found_by).toEqual(['phash']);
    // Immich's job put the crop into the group our review made: Immich found that group too.
    expect(groupOf(report, 'moose-crop.jpg')?.found_by).toEqual(['phash', 'immich-ml']);
  });

  it('says so when the key may not read Immich\'s duplicates, before anything is scanned', async () => {
    const narrow = fake.addKey([...fake.state.users.keys()][0] ?? '', ['asset.read', 'asset.view', 'user.read', 'server.about']);
    fake.clearRequests();
    const result = await runCli(organizeArgs(fake, tempDir(), '--with-immich-duplicates'), { env: { IMMICH_API_KEY: narrow } });
    expect(fake.thumbnailRequests()).toEqual([]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/lacks the permission duplicate\.read that --with-immich-duplicates needs/)]);
  });
});
