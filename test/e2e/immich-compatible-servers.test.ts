/**
 * The two public Immich-compatible servers (../shared/immich/COMPATIBLE-SERVERS.md), as the fake's
 * `adapter-like` and `go-backend-like` profiles, through the built CLI.
 *
 * adapter-like: 250 newer photos come before the sample's groups, so a listing that trusted the
 * filtered search's `nextPage: null` after 200 would never see the groups. Albums and stacks work
 * (though the key's permissions come from a stub); tags and favorites are answered 2xx and dropped,
 * so they are reported "not kept" with exit 3 and nothing of them is journaled. Every run: the
 * journal equals the server's real state, and undo restores the start.
 *
 * go-backend-like: its answers and requests have other shapes; one message names the route and the
 * shape Immich uses, exit 2, and no writing request is sent.
 */

import path from 'node:path';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMPATIBLE_PROFILES, startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { fromSample, idState, journalState, organizeArgs, SAMPLE_PHOTOS, seedAssets, snapshot, undoArgs } from '../helpers/immich-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { appliedRunIds } from '../fault/immich-state.js';

const tempDir = useTempDirs();
vi.setConfig({ testTimeout: 300_000 });

const profile = (name: string) => {
  const found = COMPATIBLE_PROFILES.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no profile ${name}`);
  return found.options;
};

/** A picture of its own per seed: a coarse random grid, smoothly upscaled, as a WebP thumbnail. */
async function distinctThumbnail(seed: number): Promise<Buffer> {
  let state = seed * 2654435761 + 7;
  const cells = Buffer.alloc(8 * 6 * 3);
  for (let i = 0; i < cells.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    cells[i] = state >>> 24;
  }
  return sharp(cells, { raw: { width: 8, height: 6, channels: 3 } }).resize(333, 250, { kernel: 'cubic' }).webp({ quality: 80 }).toBuffer();
}

const NEWER_PHOTOS = 250;

describe('adapter-like (gumnut-ai/immich-adapter)', () => {
  let fake: FakeImmich;
  let env: NodeJS.ProcessEnv;
  let root: string;
  let start: ReturnType<typeof idState>;

  beforeAll(async () => {
    fake = await startFakeImmich(profile('adapter-like'));
    const { user, key } = fake.seedUser();
    env = { IMMICH_API_KEY: key };
    await seedAssets(fake, user.id, fromSample(SAMPLE_PHOTOS));
    for (let index = 0; index < NEWER_PHOTOS; index++) {
      fake.state.addAsset({ ownerId: user.id, originalFileName: `new-${index}.jpg`, fileCreatedAt: new Date(Date.UTC(2025, 0, 1, 0, index)).toISOString(), width: 333, height: 250, thumbnail: await distinctThumbnail(index) });
    }
    root = tempDir();
    start = idState(fake);
  });
  afterAll(async () => fake.close());

  it('lists every photo though filtered searches stop after one page of 200, and says so once', async () => {
    const report = path.join(root, 'groups.json');
    const run = await runCli(organizeArgs(fake, root, '--report', report), { env });
    expect(run.code, run.stderr).toBe(0);
    const parsed = JSON.parse(readFileSync(report, 'utf8')) as { stats: { photos: number }; groups: { items: { path: string }[] }[] };
    expect(parsed.stats.photos).toBe(SAMPLE_PHOTOS.length + NEWER_PHOTOS);
    expect(parsed.groups.map((group) => group.items.length).sort()).toEqual([2, 3]);
    expect(run.stderr.match(/filtered searches cannot be trusted to be complete/g)).toHaveLength(1);
    expect(run.stderr).toMatch(/ended a filtered search after one page of 200 assets/);
    expect(fake.writeRequests()).toEqual([]);
  });

  it('albums and stacks work: exit 0, the journal equals the server, undo restores the start', async () => {
    const run = await runCli(organizeArgs(fake, root, '--create-albums', '--stack'), { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/GET \/api\/api-keys\/me answers a made-up key/);
    expect(snapshot(fake).albums).toHaveLength(2);
    expect(snapshot(fake).stacks).toHaveLength(2);
    expect(idState(fake)).toEqual(journalState(start, path.join(root, 'h.db')));
  });

  it.each([
    ['--tag-only', 'tag', /the server answered 2xx to PUT \/tags but GET \/tags does not list the tag \(5 tag changes not kept/],
    ['--mark-best-favorite', 'favorite', /the server answered 2xx to PUT \/assets \{isFavorite: true\} but the photos are not favorites \(2 favorite changes not kept/],
  ])('%s is answered 2xx and dropped: "not kept" (exit 3), nothing of it journaled', async (flag, type, line) => {
    const before = idState(fake);
    const run = await runCli(organizeArgs(fake, root, flag, '--json'), { env });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(line);
    const { actions } = JSON.parse(run.stdout) as { actions: { type: string; status: string }[] };
    expect(actions.filter((action) => action.type === type).map((action) => action.status)).toEqual(expect.arrayContaining(['not kept']));
    expect(actions.filter((action) => action.status === 'done')).toEqual([]);
    expect(idState(fake)).toEqual(before);
    expect(idState(fake)).toEqual(journalState(start, path.join(root, 'h.db')));
  });

  it('undo of every run restores the start; every request was a valid Immich request', async () => {
    const db = path.join(root, 'h.db');
    for (const id of appliedRunIds(db)) {
      const undo = await runCli(undoArgs(fake, root, id), { env });
      expect(undo.code, undo.stderr).toBe(0);
    }
    expect(idState(fake)).toEqual(start);
    expect(fake.violations()).toEqual([]);
  });
});

describe('go-backend-like (denysvitali/immich-go-backend)', () => {
  let fake: FakeImmich;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    fake = await startFakeImmich(profile('go-backend-like'));
    const { user, key } = fake.seedUser();
    env = { IMMICH_API_KEY: key };
    await seedAssets(fake, user.id, fromSample(SAMPLE_PHOTOS));
  });
  afterAll(async () => fake.close());

  it.each([[[]], [['--tag-only']], [['--create-albums', '--mark-best-favorite', '--stack']]])('%o: one message naming the route and the shape Immich uses, exit 2, no writing request', async (flags) => {
    fake.clearRequests();
    const run = await runCli(organizeArgs(fake, tempDir(), ...flags), { env });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/speaks an API shaped unlike Immich's, so photo-organizer cannot read or change anything on it; nothing was changed/);
    expect(lines[0]).toMatch(/POST \/api\/search\/metadata refused Immich's search request with HTTP 400 \(proto: .*unknown field "page"\), where Immich takes the filters at the top level/);
    expect(lines[0]).toMatch(/GET \/api\/tags answered in another shape .*, where Immich answers an array of tags/);
    expect(fake.writeRequests()).toEqual([]);
    expect(fake.thumbnailRequests()).toEqual([]);
  });
});
