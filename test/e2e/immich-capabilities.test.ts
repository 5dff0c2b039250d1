/**
 * Refusals before any change: a server without the API an action needs, a key without the
 * permission it needs, and flags that do not fit together. Each is exit 2 with one clear line,
 * and the fake records no writing request.
 */

import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { fromSample, lastChangingRun, organizeArgs, SAMPLE, SAMPLE_PHOTOS, seedAssets, snapshot, undoArgs } from '../helpers/immich-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

describe('Immich capabilities and permissions are checked before anything changes', () => {
  const servers: FakeImmich[] = [];
  afterAll(async () => Promise.all(servers.map((server) => server.close())));

  async function server(capabilities: { tags?: boolean; stacks?: boolean } = {}): Promise<{ fake: FakeImmich; key: string; userId: string }> {
    const fake = await startFakeImmich({ capabilities });
    servers.push(fake);
    const { user, key } = fake.seedUser();
    await seedAssets(fake, user.id, fromSample(SAMPLE_PHOTOS.slice(0, 2)));
    return { fake, key, userId: user.id };
  }

  it.each([
    [{ tags: false }, ['--tag-only'], /has no tags API \(GET \/api\/tags answered 404\), which --tag-only needs/],
    [{ tags: false }, ['--remove-tag', 'possible-duplicate'], /has no tags API \(GET \/api\/tags answered 404\), which --remove-tag needs/],
    [{ stacks: false }, ['--stack'], /has no stacks API \(GET \/api\/stacks answered 404\), which --stack needs/],
    [{ stacks: false }, ['--create-albums', '--stack'], /has no stacks API \(GET \/api\/stacks answered 404\), which --stack needs/],
  ])('a server with %o refuses %o: exit 2, no write', async (capabilities, flags, message) => {
    const { fake, key } = await server(capabilities);
    const result = await runCli(organizeArgs(fake, tempDir(), ...flags), { env: { IMMICH_API_KEY: key } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(fake.writeRequests()).toEqual([]);
    expect(fake.thumbnailRequests()).toEqual([]);
    expect(fake.violations()).toEqual([]);
  });

  it('a key that may read but not tag is refused with the permissions it lacks, before scanning', async () => {
    const { fake, userId } = await server();
    const readOnly = fake.addKey(userId, ['asset.read', 'asset.view', 'asset.statistics', 'user.read', 'server.about', 'tag.read', 'album.read', 'stack.read']);
    const tagging = await runCli(organizeArgs(fake, tempDir(), '--tag-only'), { env: { IMMICH_API_KEY: readOnly } });
    expect(tagging.code).toBe(2);
    expect(tagging.stderr).toMatch(/lacks the permissions tag\.create, tag\.asset that --tag-only needs/);
    const stacking = await runCli(organizeArgs(fake, tempDir(), '--stack', '--mark-best-favorite'), { env: { IMMICH_API_KEY: readOnly } });
    expect(stacking.code).toBe(2);
    expect(stacking.stderr).toMatch(/lacks the permission asset\.update that --mark-best-favorite needs/);
    expect(fake.writeRequests()).toEqual([]);
    expect(fake.thumbnailRequests()).toEqual([]);
    // The same key may still scan.
    expect((await runCli(organizeArgs(fake, tempDir()), { env: { IMMICH_API_KEY: readOnly } })).code).toBe(0);
    expect(fake.violations()).toEqual([]);
  });

  it('undo with a key that may tag but not delete tags is refused before any change', async () => {
    const { fake, key, userId } = await server();
    const root = tempDir();
    expect((await runCli(organizeArgs(fake, root, '--tag-only'), { env: { IMMICH_API_KEY: key } })).code).toBe(0);
    const tagged = snapshot(fake);
    const noDelete = fake.addKey(userId, ['asset.read', 'asset.view', 'user.read', 'tag.read', 'tag.create', 'tag.asset']);
    fake.clearRequests();
    const refused = await runCli(undoArgs(fake, root, lastChangingRun(root)), { env: { IMMICH_API_KEY: noDelete } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/lacks tag\.delete, which undoing run .* needs; nothing was changed/);
    expect(fake.writeRequests()).toEqual([]);
    expect(snapshot(fake)).toEqual(tagged);
    // Another server than the one the run recorded: refused before anything is read there or marked undone.
    const other = await server();
    const elsewhere = await runCli([...undoArgs(fake, root, lastChangingRun(root)).slice(0, 5), other.fake.url], { env: { IMMICH_API_KEY: other.key } });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(new RegExp(`changed the Immich server at ${fake.url}, but --immich-url names ${other.fake.url}; .*Nothing was changed`));
    expect(other.fake.requests()).toEqual([]);
    // A run recorded before the server was kept: the old check, none of its photos is on the server given.
    const db = new Database(path.join(root, 'h.db'));
    db.prepare('UPDATE runs SET server_url = NULL').run();
    db.close();
    const legacy = await runCli([...undoArgs(fake, root, lastChangingRun(root)).slice(0, 5), other.fake.url], { env: { IMMICH_API_KEY: other.key } });
    expect(legacy.code).toBe(2);
    expect(legacy.stderr).toMatch(/none of the photos run .* changed is on .* Nothing was changed/);
    expect(other.fake.writeRequests()).toEqual([]);
    expect((await runCli(undoArgs(fake, root, lastChangingRun(root)), { env: { IMMICH_API_KEY: key } })).code).toBe(0);
    expect(snapshot(fake).tags).toEqual({});
    expect(fake.violations()).toEqual([]);
    expect(other.fake.violations()).toEqual([]);
  });
});

describe('Immich flags that do not fit', () => {
  let fake: FakeImmich;
  beforeAll(async () => {
    fake = await startFakeImmich();
  });
  afterAll(async () => fake.close());

  it.each([
    [['--tag-per-group'], '--tag-per-group needs --tag-only'],
    [['--delete-tag'], '--delete-tag needs --remove-tag <name>'],
    [['--tag-only', '--stack'], '--tag-only and --stack cannot be used together'],
    [['--remove-tag', 'a//'], '--remove-tag needs a tag name, got "a//"'],
    [['--album-prefix', 'x-'], '--album-prefix needs --create-albums'],
  ])('%o → one line, exit 2', async (flags, line) => {
    const result = await runCli(organizeArgs(fake, tempDir(), ...flags), { env: { IMMICH_API_KEY: 'unused' } });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`photo-organizer: ${line}`);
  });

  it('Immich-only flags with --source local are named in one line, exit 2', async () => {
    const result = await runCli(['organize', '-s', SAMPLE, '--tag-only', '--tag-per-group', '--stack']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('photo-organizer: --tag-only, --tag-per-group, --stack can only be used with --source immich');
    expect(fake.requests()).toEqual([]);
  });
});
