/**
 * Read-back, end to end: an Immich 3.1 server that answers a write as done and then drops it (the
 * fake's `forget` fault, as a proxy in front of Immich that behaves like a stub would). Each write
 * kind is reported "not kept" with its count and one line naming what the server did, the run exits
 * 3, the journal equals the server's real state (nothing dropped is journaled), a re-run on a server
 * that keeps its writes completes the work, and undo of every run restores the start. `--no-verify`
 * trusts the 2xx answers: no read-back request, and the dropped change is reported done.
 */

import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich, type FaultTarget } from '../helpers/fake-immich/index.js';
import { fromSample, idState, journalState, organizeArgs, SAMPLE_PHOTOS, seedAssets, snapshot, undoArgs } from '../helpers/immich-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { appliedRunIds } from '../fault/immich-state.js';

const tempDir = useTempDirs();

interface Case {
  name: string;
  flags: string[];
  /** The writes the server drops. */
  drops: (target: FaultTarget) => boolean;
  behaviour: RegExp;
  /** The "not kept" action of the report. */
  notKept: { type: string; count: number };
  /** Runs first, on a server that keeps its writes (e.g. tags to remove later). */
  before?: string[];
  seedAlbums?: boolean;
}

const route = (method: string, pattern: RegExp) => (target: FaultTarget) => target.method === method && pattern.test(target.apiPath);

const CASES: Case[] = [
  {
    name: 'tag assignments',
    flags: ['--tag-only'],
    drops: route('PUT', /^\/api\/tags\/[^/]+\/assets$/),
    behaviour: /the server answered 2xx to PUT \/tags\/\{id\}\/assets but the assets carry no tag \(5 tag changes not kept; not journaled\)/,
    notKept: { type: 'tag', count: 5 },
  },
  {
    name: 'the tag itself',
    flags: ['--tag-only'],
    drops: route('PUT', /^\/api\/tags$/),
    behaviour: /the server answered 2xx to PUT \/tags but GET \/tags does not list the tag/,
    notKept: { type: 'tag', count: 5 },
  },
  {
    name: 'favorites (isFavorite ignored)',
    flags: ['--mark-best-favorite'],
    drops: route('PUT', /^\/api\/assets$/),
    behaviour: /the server answered 2xx to PUT \/assets \{isFavorite: true\} but the photos are not favorites \(2 favorite changes/,
    notKept: { type: 'favorite', count: 2 },
  },
  {
    name: 'new albums',
    flags: ['--create-albums'],
    drops: route('POST', /^\/api\/albums$/),
    behaviour: /the server answered 2xx to POST \/albums but GET \/albums does not list the album \(2 album changes/,
    notKept: { type: 'album', count: 2 },
  },
  {
    name: 'photos added to existing albums',
    flags: ['--create-albums'],
    seedAlbums: true,
    drops: route('PUT', /^\/api\/albums\/[^/]+\/assets$/),
    behaviour: /the server answered 2xx to PUT \/albums\/\{id\}\/assets but the album does not hold the photos \(2 album changes/,
    notKept: { type: 'album', count: 2 },
  },
  {
    name: 'stacks',
    flags: ['--stack'],
    drops: route('POST', /^\/api\/stacks$/),
    behaviour: /the server answered 2xx to POST \/stacks but GET \/stacks does not list the stack \(2 stack changes/,
    notKept: { type: 'stack', count: 2 },
  },
  {
    name: 'untagging',
    flags: ['--remove-tag', 'possible-duplicate'],
    before: ['--tag-only'],
    drops: route('DELETE', /^\/api\/tags\/[^/]+\/assets$/),
    behaviour: /the server answered 2xx to DELETE \/tags\/\{id\}\/assets but the assets still carry the tag \(5 untag changes/,
    notKept: { type: 'untag', count: 5 },
  },
];

describe('a server that answers 2xx and keeps nothing', () => {
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
    fake.faults.clear();
    fake.state.tags.clear();
    fake.state.tagAssets.clear();
    fake.state.albums.clear();
    for (const stack of [...fake.state.stacks.values()]) fake.state.deleteStack(stack.id);
    for (const asset of fake.state.assets.values()) asset.isFavorite = false;
    fake.clearRequests();
  });

  for (const c of CASES) {
    it(`${c.name}: reported "not kept" (exit 3), journal equals the server, a re-run completes, undo restores`, async () => {
      const root = tempDir();
      const db = path.join(root, 'h.db');
      if (c.seedAlbums) for (const name of ['duplicates-0001', 'duplicates-0002']) fake.state.addAlbum({ ownerId, albumName: name });
      const start = snapshot(fake);
      const startIds = idState(fake);
      if (c.before) expect((await runCli(organizeArgs(fake, root, ...c.before), { env })).code).toBe(0);

      fake.faults.add({ kind: 'forget', match: c.drops });
      const run = await runCli(organizeArgs(fake, root, ...c.flags, '--json'), { env });
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(c.behaviour);
      expect(run.stderr.split('\n').filter((line) => /answered 2xx/.test(line))).toHaveLength(1);
      const report = JSON.parse(run.stdout) as { actions: { type: string; count: number; status: string }[] };
      expect(report.actions.filter((action) => action.status === 'not kept')).toEqual([expect.objectContaining({ ...c.notKept, status: 'not kept' })]);
      expect(report.actions.filter((action) => action.status === 'done' && action.type === c.notKept.type)).toEqual([]);
      expect(idState(fake)).toEqual(journalState(startIds, db));

      fake.faults.clear();
      const rerun = await runCli(organizeArgs(fake, root, ...c.flags), { env });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(idState(fake)).toEqual(journalState(startIds, db));
      expect(snapshot(fake)).not.toEqual(start);
      for (const id of appliedRunIds(db)) expect((await runCli(undoArgs(fake, root, id), { env })).code).toBe(0);
      expect(snapshot(fake)).toEqual(start);
      expect(fake.violations()).toEqual([]);
    });
  }

  it('--no-verify trusts the 2xx answer: no read-back request, the dropped change reported done (exit 0)', async () => {
    const verified = tempDir();
    const trusted = tempDir();
    // Same hashes for both, so only the writing phase differs.
    for (const root of [verified, trusted]) expect((await runCli(organizeArgs(fake, root), { env })).code).toBe(0);
    fake.faults.add({ kind: 'forget', match: route('PUT', /^\/api\/assets$/) });
    fake.clearRequests();
    const withReadBack = await runCli(organizeArgs(fake, verified, '--mark-best-favorite', '--json'), { env });
    const readBackRequests = fake.requests().length;
    fake.clearRequests();
    const withoutReadBack = await runCli(organizeArgs(fake, trusted, '--mark-best-favorite', '--no-verify', '--json'), { env });
    expect(withReadBack.code).toBe(3);
    expect(withoutReadBack.code, withoutReadBack.stderr).toBe(0);
    const actions = (out: string) => (JSON.parse(out) as { actions: { status: string; count: number }[] }).actions;
    expect(actions(withoutReadBack.stdout)).toEqual([expect.objectContaining({ status: 'done', count: 2 })]);
    // The favorites search of the read-back is the only difference.
    expect(fake.requests().length).toBe(readBackRequests - 1);
    expect(fake.requests((request) => request.apiPath === '/api/search/metadata' && (request.body as { isFavorite?: boolean }).isFavorite === true)).toEqual([]);
  });

  it('--no-verify is refused for a local run', async () => {
    const result = await runCli(['organize', '-s', tempDir(), '--no-verify']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--no-verify can only be used with --source immich/);
  });
});
