/**
 * Writes under faults, end to end: 429 with Retry-After, connection resets, answers lost after the
 * server committed (a truncated body), and 10 % random 503s. Each run ends with exit 0 or 3, never
 * with a change on the server the journal does not hold (nor a journaled change the server lacks),
 * and undo afterwards gives back the state before.
 */

import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich, type FaultTarget } from '../helpers/fake-immich/index.js';
import { fromSample, idState, journalState, lastChangingRun, organizeArgs, SAMPLE_PHOTOS, seedAssets, snapshot, undoArgs } from '../helpers/immich-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const isWrite = (target: FaultTarget) => target.method !== 'GET' && !(target.method === 'POST' && target.apiPath.startsWith('/api/search/'));
const ALL_ACTIONS = [['--tag-only', '--tag-per-group'], ['--create-albums', '--mark-best-favorite', '--stack']];

describe('Immich writes under faults', () => {
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
    fake.state.tags.clear();
    fake.state.tagAssets.clear();
    fake.state.albums.clear();
    for (const stack of [...fake.state.stacks.values()]) fake.state.deleteStack(stack.id);
    for (const asset of fake.state.assets.values()) asset.isFavorite = false;
    fake.clearRequests();
  });

  /** Runs every action under the faults `arm` sets, checks the journal against the server, then undoes all. */
  async function underFaults(arm: () => void, expectedCodes: number[]): Promise<string[]> {
    const root = tempDir();
    const before = idState(fake);
    const beforeByName = snapshot(fake);
    const outputs: string[] = [];
    // Thumbnails and hashes first, without faults: the faults are for the writes.
    expect((await runCli(organizeArgs(fake, root), { env })).code).toBe(0);
    arm();
    const runIds: string[] = [];
    for (const flags of ALL_ACTIONS) {
      const result = await runCli(organizeArgs(fake, root, ...flags, '--json'), { env });
      outputs.push(result.stderr);
      expect(expectedCodes, result.stderr).toContain(result.code);
      expect(idState(fake)).toEqual(journalState(before, path.join(root, 'h.db')));
      runIds.push(lastChangingRun(root));
    }
    fake.faults.clear();
    for (const runId of runIds.reverse()) expect((await runCli(undoArgs(fake, root, runId), { env })).code).toBe(0);
    const after = snapshot(fake);
    // Tags this tool created are deleted by undo; everything else is back as it was.
    expect(after).toEqual(beforeByName);
    expect(fake.violations()).toEqual([]);
    return outputs;
  }

  it('429 with Retry-After on writes: waited out, everything applied, exit 0', async () => {
    await underFaults(() => fake.faults.rateLimit(4, 1, isWrite), [0]);
    expect(fake.requests().filter((request) => request.status === 429)).toHaveLength(4);
  });

  it('a connection reset on every other write: PUTs retried, a failed POST reported (exit 3); journal equals server', async () => {
    let writes = 0;
    const outputs = await underFaults(() => fake.faults.add({ kind: 'reset', match: (target) => isWrite(target) && writes++ % 2 === 0 }), [0, 3]);
    expect(fake.requests().filter((request) => request.fault === 'reset').length).toBeGreaterThan(3);
    expect(outputs.join('\n')).toMatch(/failed/);
  });

  it('answers lost after the server committed (truncated bodies): the changes are found and journaled', async () => {
    const lost = (operation: RegExp) => (target: FaultTarget) => isWrite(target) && operation.test(`${target.method} ${target.apiPath}`);
    await underFaults(() => {
      fake.faults.add({ kind: 'truncate', match: lost(/^PUT \/api\/tags\/[^/]+\/assets$/), times: 2 });
      fake.faults.add({ kind: 'truncate', match: lost(/^POST \/api\/albums$/), times: 1 });
      fake.faults.add({ kind: 'truncate', match: lost(/^POST \/api\/stacks$/), times: 1 });
      fake.faults.add({ kind: 'truncate', match: lost(/^PUT \/api\/assets$/), times: 1 });
    }, [0]);
    expect(fake.requests().filter((request) => request.fault === 'truncate')).toHaveLength(5);
  });

  it('10 % random 503s on every request: exit 0 or 3, journal equals server, undo restores', async () => {
    await underFaults(() => fake.faults.failRandomly(0.1, { statuses: [503], seed: 11 }), [0, 3]);
  });
});
