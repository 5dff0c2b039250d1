/**
 * Read-back of the resolve writes (`--immich-review`, `--write-similarity`, `--archive-others`,
 * `--trash-others`): a server that answers the write as done and then drops it (the fake's `forget`
 * fault) gets the change reported "not kept" with one line naming what it did, exit 3, and nothing of
 * it journaled (undo of that run has nothing to reverse); a re-run on a server that keeps its writes
 * completes the work, and undo of it restores the start.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich, type FaultTarget } from '../helpers/fake-immich/index.js';
import { fromSample, lastChangingRun, organizeArgs, resolveSnapshot, SAMPLE_PHOTOS, seedAssets, undoArgs } from '../helpers/immich-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

const route = (method: string, pattern: RegExp) => (target: FaultTarget) => target.method === method && pattern.test(target.apiPath);

const CASES = [
  {
    flags: ['--immich-review'],
    drops: route('PUT', /^\/api\/assets$/),
    behaviour: /the server answered 2xx to PUT \/assets \{duplicateId\} but the photos do not carry the duplicateId \(5 review changes not kept; not journaled\)/,
    notKept: { type: 'review', count: 5 },
  },
  {
    flags: ['--write-similarity'],
    drops: route('PUT', /^\/api\/assets\/metadata$/),
    behaviour: /the server answered 2xx to PUT \/assets\/metadata but the photos do not hold the key photo-organizer \(5 metadata changes/,
    notKept: { type: 'metadata', count: 5 },
  },
  {
    flags: ['--archive-others'],
    drops: route('PUT', /^\/api\/assets$/),
    behaviour: /the server answered 2xx to PUT \/assets \{visibility: "archive"\} but the photos are not archived \(3 archive changes/,
    notKept: { type: 'archive', count: 3 },
  },
  {
    flags: ['--trash-others', '--yes'],
    drops: route('DELETE', /^\/api\/assets$/),
    behaviour: /the server answered 2xx to DELETE \/assets but the photos are not in the trash \(3 trash changes/,
    notKept: { type: 'trash', count: 3 },
  },
];

describe('resolve writes the server does not keep', () => {
  let fake: FakeImmich;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    fake = await startFakeImmich();
    const seeded = fake.seedUser();
    env = { IMMICH_API_KEY: seeded.key };
    await seedAssets(fake, seeded.user.id, fromSample(SAMPLE_PHOTOS));
  });
  afterAll(async () => fake.close());
  beforeEach(() => {
    fake.faults.clear();
    fake.state.metadata.clear();
    for (const asset of fake.state.assets.values()) Object.assign(asset, { duplicateId: null, visibility: 'timeline', deletedAt: null, isFavorite: false });
    fake.clearRequests();
  });

  for (const c of CASES) {
    it(`${c.flags[0] ?? ''}: "not kept" (exit 3), nothing journaled, a re-run completes, undo restores`, async () => {
      const root = tempDir();
      const start = resolveSnapshot(fake);

      fake.faults.add({ kind: 'forget', match: c.drops });
      const run = await runCli(organizeArgs(fake, root, ...c.flags, '--json'), { env });
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(c.behaviour);
      const report = JSON.parse(run.stdout) as { runId: string; actions: { type: string; count: number; status: string }[] };
      expect(report.actions.filter((action) => action.status === 'not kept')).toEqual([expect.objectContaining({ ...c.notKept, status: 'not kept' })]);
      expect(report.actions.filter((action) => action.status === 'done')).toEqual([]);
      expect(resolveSnapshot(fake)).toEqual(start);
      // Nothing of the dropped change is in the journal: its undo has nothing to reverse.
      const undoDropped = await runCli(undoArgs(fake, root, report.runId), { env });
      expect(undoDropped.code, undoDropped.stderr).toBe(0);
      expect(undoDropped.stderr).toMatch(/0 changes of run/);

      fake.faults.clear();
      const rerun = await runCli(organizeArgs(fake, root, ...c.flags), { env });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(resolveSnapshot(fake)).not.toEqual(start);
      const undo = await runCli(undoArgs(fake, root, lastChangingRun(root)), { env });
      expect(undo.code, undo.stderr).toBe(0);
      expect(resolveSnapshot(fake)).toEqual(start);
      expect(fake.violations()).toEqual([]);
    });
  }
});
