/**
 * `--download-concurrency` and `immich.download_concurrency`, end to end: the built CLI keeps that
 * many thumbnail requests in flight at the fake server (16 by default), whatever `--concurrency`
 * (decoding) says; a bad value is one clear line and exit 2, before any request.
 */

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { fromSample, organizeArgs, SAMPLE_PHOTOS, seedAssets } from '../helpers/immich-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
/** More assets than the default bound, so a run can show it. */
const COPIES = 4;

describe('--download-concurrency', () => {
  let fake: FakeImmich;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    fake = await startFakeImmich();
    const seeded = fake.seedUser();
    env = { IMMICH_API_KEY: seeded.key };
    const photos = fromSample(SAMPLE_PHOTOS);
    for (let copy = 0; copy < COPIES; copy++) await seedAssets(fake, seeded.user.id, photos.map(([name, bytes]) => [`${copy}-${name}`, bytes] as const));
  });
  afterEach(() => {
    fake.faults.clear();
    fake.clearRequests();
  });
  afterAll(async () => fake.close());

  /** A cold run with every answer held back 60 ms, so the client's requests pile up at the server. */
  async function coldRun(...extra: string[]): Promise<{ peak: number; report: Report }> {
    fake.faults.setLatency(60);
    fake.clearRequests();
    const result = await runCli([...organizeArgs(fake, tempDir(), '--json'), ...extra], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(fake.thumbnailRequests()).toHaveLength(COPIES * SAMPLE_PHOTOS.length);
    return { peak: fake.peakInFlight(), report: JSON.parse(result.stdout) as Report };
  }

  it('keeps up to 16 requests in flight by default, though one photo is decoded at a time', async () => {
    const { peak, report } = await coldRun('--concurrency', '1');
    // The old bound was the decoding one (here 1), or 4 for the HTTP client.
    expect(peak).toBeGreaterThan(4);
    expect(peak).toBeLessThanOrEqual(16);
    expect(report.stats).toMatchObject({ photos: COPIES * SAMPLE_PHOTOS.length, failed: 0 });
  });

  it('keeps at most --download-concurrency requests in flight, and the config key when no flag is given', async () => {
    expect((await coldRun('--download-concurrency', '3', '--concurrency', '8')).peak).toBeLessThanOrEqual(3);
    const config = path.join(tempDir(), 'config.yaml');
    writeFileSync(config, 'immich:\n  download_concurrency: 2\n');
    expect((await coldRun('--config', config)).peak).toBeLessThanOrEqual(2);
    expect((await coldRun('--config', config, '--download-concurrency', '5')).peak).toBeGreaterThan(2);
  });

  it('refuses a bad value in one line, before any request', async () => {
    for (const value of ['0', '65', 'many']) {
      const result = await runCli(organizeArgs(fake, tempDir(), '--download-concurrency', value), { env });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/--download-concurrency/);
    }
    const config = path.join(tempDir(), 'config.yaml');
    writeFileSync(config, 'immich:\n  download_concurrency: 0\n');
    const result = await runCli(organizeArgs(fake, tempDir(), '--config', config), { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/immich\.download_concurrency/);
    expect(fake.requests()).toHaveLength(0);
  });

  it('is explained in the help', async () => {
    const result = await runCli(['organize', '--help']);
    expect(result.stdout).toMatch(/--download-concurrency <n>\s+Immich requests in flight/);
    expect(result.stdout).toMatch(/default 16/);
  });
});
