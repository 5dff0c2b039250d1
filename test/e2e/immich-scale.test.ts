/**
 * Writing requests at scale: 2,000 duplicate pairs on the fake server (4,000 assets, each pair the
 * same distinct picture). Tagging them must be a handful of batched requests (one upsert, one per
 * 1,000 ids), tagging again none; per-group tags, albums and stacks are one request per group
 * (Immich has no bulk form of those), favorites one per 1,000. Numbers are printed for the record.
 */

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { organizeArgs } from '../helpers/immich-e2e.js';
import { mulberry32 } from '../helpers/random.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const PAIRS = 2000;

/** A distinct picture per seed: a coarse random colour grid, smoothly upscaled, as a small WebP. */
async function distinctThumbnail(seed: number): Promise<Buffer> {
  const random = mulberry32(seed + 1);
  const cells = Buffer.from(Array.from({ length: 8 * 6 * 3 }, () => Math.floor(random() * 256)));
  return sharp(cells, { raw: { width: 8, height: 6, channels: 3 } }).resize(128, 96, { kernel: 'cubic' }).webp({ quality: 80 }).toBuffer();
}

describe(`Immich writes for ${PAIRS} groups`, { timeout: 240_000 }, () => {
  let fake: FakeImmich;
  let env: NodeJS.ProcessEnv;
  let root: string;
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    fake = await startFakeImmich();
    const { user, key } = fake.seedUser();
    env = { IMMICH_API_KEY: key };
    for (let pair = 0; pair < PAIRS; pair++) {
      const thumbnail = await distinctThumbnail(pair);
      for (const copy of [0, 1]) {
        fake.state.addAsset({
          ownerId: user.id,
          originalFileName: `IMG_${pair}_${copy}.jpg`,
          checksum: Buffer.from(`pair-${pair}-${copy}`.padEnd(20, '.')).toString('base64'),
          fileCreatedAt: new Date(Date.UTC(2024, 0, 1) - (2 * pair + copy) * 60_000).toISOString(),
          width: 4000,
          height: 3000,
          thumbnail,
          exif: { fileSizeInByte: 3_000_000 + copy },
        });
      }
    }
    root = tempDir();
    // Hash once: the runs below then only read the store, and the writes are what is counted.
    expect((await runCli([...organizeArgs(fake, root), '--concurrency', '8'], { env })).code).toBe(0);
  }, 240_000);
  afterAll(async () => {
    console.log(`writing requests for ${PAIRS} groups: ${JSON.stringify(measured)}`);
    await fake.close();
  });

  async function writesOf(...flags: string[]): Promise<{ writes: string[]; report: Report }> {
    fake.clearRequests();
    const result = await runCli([...organizeArgs(fake, root, ...flags), '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    return { writes: fake.writeRequests().map((request) => request.operationId ?? request.apiPath), report: JSON.parse(result.stdout) as Report };
  }

  it('--tag-only: one upsert and one request per 1,000 ids; again: none', async () => {
    const { writes, report } = await writesOf('--tag-only');
    const groups = report.groups.length;
    expect(groups).toBeGreaterThanOrEqual(PAIRS - 5);
    const tagged = report.groups.reduce((sum, group) => sum + group.items.length, 0);
    expect(writes).toEqual(['upsertTags', ...Array<string>(Math.ceil(tagged / 1000)).fill('tagAssets')]);
    measured['--tag-only'] = writes.length;
    measured['--tag-only again'] = (await writesOf('--tag-only')).writes.length;
    expect(measured['--tag-only again']).toBe(0);
    expect(fake.violations()).toEqual([]);
  });

  it('--tag-per-group, --create-albums + --mark-best-favorite + --stack: one request per group where Immich has no bulk form', async () => {
    const perGroup = await writesOf('--tag-only', '--tag-per-group', '--duplicate-tag', 'by-group');
    const groups = perGroup.report.groups.length;
    expect(perGroup.writes.filter((operation) => operation === 'upsertTags')).toHaveLength(Math.ceil((groups + 1) / 1000));
    expect(perGroup.writes.filter((operation) => operation === 'tagAssets').length).toBeLessThanOrEqual(groups + 5);
    measured['--tag-only --tag-per-group'] = perGroup.writes.length;

    const grouped = await writesOf('--create-albums', '--mark-best-favorite', '--stack');
    const count = (operation: string) => grouped.writes.filter((write) => write === operation).length;
    expect(count('createAlbum')).toBe(groups);
    expect(count('updateAssets')).toBe(Math.ceil(groups / 1000));
    expect(count('createStack')).toBe(groups);
    measured['--create-albums'] = count('createAlbum');
    measured['--mark-best-favorite'] = count('updateAssets');
    measured['--stack'] = count('createStack');
    measured['all of them again'] = (await writesOf('--create-albums', '--mark-best-favorite', '--stack')).writes.length;
    expect(measured['all of them again']).toBe(0);
    expect(fake.violations()).toEqual([]);
  });
});
