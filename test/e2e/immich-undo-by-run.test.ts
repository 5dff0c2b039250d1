/**
 * A run keeps the Immich server it read and changed: `undo <run-id>` needs only the key (flags,
 * environment or config, as usual), `runs` shows the server, and an undo pointed at another server
 * is refused with both addresses before anything is read or changed there.
 */

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { fromSample, lastChangingRun, organizeArgs, SAMPLE_PHOTOS, seedAssets, snapshot } from '../helpers/immich-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

describe('undo by run', () => {
  let fake: FakeImmich;
  let other: FakeImmich;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    [fake, other] = await Promise.all([startFakeImmich(), startFakeImmich()]);
    const seeded = fake.seedUser();
    other.seedUser();
    env = { IMMICH_API_KEY: seeded.key };
    await seedAssets(fake, seeded.user.id, fromSample(SAMPLE_PHOTOS));
  });
  afterAll(async () => Promise.all([fake.close(), other.close()]));

  it('undo finds the server in the run; runs lists it; another server is refused with both addresses', async () => {
    const root = tempDir();
    const db = path.join(root, 'h.db');
    const start = snapshot(fake);
    expect((await runCli(organizeArgs(fake, root, '--tag-only'), { env })).code).toBe(0);
    const runId = lastChangingRun(root);

    const runs = await runCli(['runs', '--save-hashes', db, '--json']);
    expect((JSON.parse(runs.stdout) as { id: string; serverUrl?: string }[]).find((run) => run.id === runId)?.serverUrl).toBe(fake.url);
    expect((await runCli(['runs', '--save-hashes', db])).stdout).toContain(`${runId}  done      immich ${fake.url}`);

    fake.clearRequests();
    for (const [how, runEnv, flags] of [
      ['--immich-url', env, ['--immich-url', other.url]],
      ['IMMICH_URL', { ...env, IMMICH_URL: other.url }, []],
    ] as const) {
      const refused = await runCli(['undo', runId, '--save-hashes', db, ...flags], { env: runEnv });
      expect(refused.code, how).toBe(2);
      expect(refused.stderr.trim()).toBe(`photo-organizer: run ${runId} changed the Immich server at ${fake.url}, but ${how} names ${other.url}; undo acts only on the run's own server (leave the address out to use it). Nothing was changed.`);
    }
    expect(other.requests()).toEqual([]);
    expect(fake.requests()).toEqual([]);

    // The same server typed another way is the same server.
    const dry = await runCli(['undo', runId, '--save-hashes', db, '--immich-url', `${fake.url}/api/`, '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    const undo = await runCli(['undo', runId, '--save-hashes', db], { env });
    expect(undo.code, undo.stderr).toBe(0);
    expect(snapshot(fake)).toEqual(start);
  });
});
