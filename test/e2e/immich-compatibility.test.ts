/**
 * Every supported Immich API version and every partial Immich-compatible backend, through the built
 * CLI. Per version profile (the fake validates each request against THAT release's OpenAPI document,
 * lacks its missing routes, drops fields it does not declare and answers in its shapes): scan, tag,
 * remove-tag, albums, favorites, stacks and undo, with the outcome checked on the server's state and
 * zero violations. Per partial profile (tags, albums, stacks or search answering 404 or 501): the
 * action that needs the missing API is refused before any write, with a message naming the endpoint
 * and what to use instead, and every action that does not need it still works and undoes.
 *
 * One archived photo sits in a group: servers before v3 search only the timeline by default (before
 * v1.133 without archived ones), so it is found only if the client asks for every visibility.
 */

import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { makeImmichThumbnail, PARTIAL_PROFILES, startFakeImmich, VERSION_PROFILES, type FakeImmich, type FakeImmichOptions, type PartialCapability } from '../helpers/fake-immich/index.js';
import { fromSample, organizeArgs, SAMPLE_PHOTOS, snapshot, undoArgs } from '../helpers/immich-e2e.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

const ARCHIVED = 'yellow-flower-small.jpg';
const FLOWERS = ['yellow-flower-q60.jpg', 'yellow-flower-small.jpg', 'yellow-flower.jpg'];
const EIFFEL = ['eiffel-tower.jpg', 'eiffel-tower.webp'];
const GROUPED = [...EIFFEL, ...FLOWERS].sort();
// A flow spawns the CLI up to seven times; on a loaded two-core machine one spawn can take ten seconds.
vi.setConfig({ testTimeout: 300_000 });

interface Server {
  fake: FakeImmich;
  root: string;
  organize: (...flags: string[]) => Promise<CliResult>;
  undoLast: () => Promise<CliResult>;
}

/** A fake with the sample photos (one archived), real thumbnails, and sizes only in EXIF (as before v2.5). */
async function server(options: FakeImmichOptions): Promise<Server> {
  const fake = await startFakeImmich(options);
  const { user, key } = fake.seedUser();
  for (const [index, [name, bytes]] of fromSample(SAMPLE_PHOTOS).entries()) {
    fake.state.addAsset({
      ownerId: user.id,
      originalFileName: name,
      checksum: createHash('sha1').update(bytes).digest('base64'),
      fileCreatedAt: new Date(Date.UTC(2024, 4, index + 1)).toISOString(),
      width: 512,
      height: 384,
      visibility: name === ARCHIVED ? 'archive' : 'timeline',
      thumbnail: await makeImmichThumbnail(bytes),
      exif: { fileSizeInByte: bytes.length, exifImageWidth: 512, exifImageHeight: 384 },
    });
  }
  const root = tempDir();
  const env = { IMMICH_API_KEY: key };
  return {
    fake,
    root,
    organize: (...flags) => runCli(organizeArgs(fake, root, ...flags), { env }),
    undoLast: () => runCli(undoArgs(fake, root, lastUndoableRun(root)), { env }),
  };
}

/** The newest run with a change not undone yet. */
function lastUndoableRun(root: string): string {
  const db = new Database(path.join(root, 'h.db'), { readonly: true });
  const row = db.prepare('SELECT r.id AS id FROM runs r WHERE EXISTS (SELECT 1 FROM journal j WHERE j.run_id = r.id AND j.undone_at IS NULL) ORDER BY r.started_at DESC, r.id DESC LIMIT 1').get() as { id: string } | undefined;
  db.close();
  if (!row) throw new Error('no run left to undo');
  return row.id;
}

/** The report's groups as sorted file names. */
function reportGroups(file: string): string[][] {
  const report = JSON.parse(readFileSync(file, 'utf8')) as { groups: { items: { path: string }[] }[] };
  return report.groups.map((group) => group.items.map((item) => item.path).sort()).sort((a, b) => a.length - b.length);
}

function expectOk(result: CliResult): void {
  expect(result.stderr).not.toMatch(/warning:/);
  expect(result.code, result.stderr).toBe(0);
}

describe.each(VERSION_PROFILES)('Immich $api: the main flows through the CLI', ({ options }) => {
  let s: Server;
  let initial: ReturnType<typeof snapshot>;
  beforeAll(async () => {
    s = await server(options);
    initial = snapshot(s.fake);
  });
  afterAll(async () => s.fake.close());

  it('scans every photo, the archived one too, into a report; writes nothing', async () => {
    const report = path.join(s.root, 'groups.json');
    expectOk(await s.organize('--report', report));
    expect(reportGroups(report)).toEqual([EIFFEL, FLOWERS]);
    expect(s.fake.writeRequests()).toEqual([]);
    expect(s.fake.violations()).toEqual([]);
  });

  it('tags the groups, a re-run writes nothing, --remove-tag takes the tag off, undo gives each back', async () => {
    expectOk(await s.organize('--tag-only'));
    expect(snapshot(s.fake).tags).toEqual({ 'possible-duplicate': GROUPED });
    s.fake.clearRequests();
    expectOk(await s.organize('--tag-only'));
    expect(s.fake.writeRequests()).toEqual([]);

    expectOk(await s.organize('--remove-tag', 'possible-duplicate'));
    expect(snapshot(s.fake).tags).toEqual({ 'possible-duplicate': [] });
    expectOk(await s.undoLast());
    expect(snapshot(s.fake).tags).toEqual({ 'possible-duplicate': GROUPED });
    expectOk(await s.undoLast());
    expect(snapshot(s.fake)).toEqual(initial);
    expect(s.fake.violations()).toEqual([]);
  });

  it('makes albums (a re-run writes nothing), favorites the best and stacks the groups; undo restores the server', async () => {
    expectOk(await s.organize('--create-albums'));
    // Group numbers follow the run's group order, which is not what is tested here.
    const albums = snapshot(s.fake).albums.map((album) => album.replace(/^duplicates-000[12]: /, ''));
    expect(albums.sort()).toEqual([EIFFEL.join(', '), FLOWERS.join(', ')]);
    expect(snapshot(s.fake).albums.map((album) => album.slice(0, 'duplicates-0001'.length))).toEqual(['duplicates-0001', 'duplicates-0002']);
    s.fake.clearRequests();
    expectOk(await s.organize('--create-albums'));
    expect(s.fake.writeRequests()).toEqual([]);

    expectOk(await s.organize('--mark-best-favorite', '--stack'));
    const { favorites, stacks } = snapshot(s.fake);
    expect(favorites).toHaveLength(2);
    expect(stacks.map((stack) => stack.split(' > ')[0]).sort()).toEqual(favorites);
    expect(stacks.map((stack) => stack.split(' > ').length).sort()).toEqual([2, 3]);

    expectOk(await s.undoLast());
    expect(snapshot(s.fake)).toEqual({ ...initial, albums: snapshot(s.fake).albums });
    expectOk(await s.undoLast());
    expect(snapshot(s.fake)).toEqual(initial);
    expect(s.fake.violations()).toEqual([]);
  });
});

describe('Immich versions outside the tested range', () => {
  const fakes: FakeImmich[] = [];
  afterAll(async () => Promise.all(fakes.map((fake) => fake.close())));
  const at = async (major: number, minor: number, api: FakeImmichOptions['api']): Promise<Server> => {
    const s = await server({ api, version: { major, minor, patch: 0 } });
    fakes.push(s.fake);
    return s;
  };

  it.each([
    [3, 2, '3.1.0', /Immich server v3\.2\.0 is newer than the newest version photo-organizer is tested with \(v3\.1\.0\); going on/],
    [1, 120, '1.124.0', /Immich server v1\.120\.0 is older than the oldest version photo-organizer is tested with \(v1\.124\.0\); it should work/],
  ] as const)('v%i.%i: a warning, and the run goes on', async (major, minor, api, warning) => {
    const s = await at(major, minor, api);
    const result = await s.organize('--tag-only');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(warning);
    expect(snapshot(s.fake).tags).toEqual({ 'possible-duplicate': GROUPED });
    expect(s.fake.violations()).toEqual([]);
  });

  it.each([
    [4, 0, /Immich server v4\.0\.0 is newer than photo-organizer supports \(v1\.124\.0 to v3\.x\).*Nothing was changed/],
    [1, 106, /Immich server v1\.106\.0 is too old: photo-organizer needs v1\.113\.0 or newer/],
  ] as const)('v%i.%i: refused with exit 2 before anything is read or written', async (major, minor, message) => {
    const s = await at(major, minor, '3.1.0');
    const result = await s.organize('--tag-only');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(s.fake.writeRequests()).toEqual([]);
    expect(s.fake.thumbnailRequests()).toEqual([]);
  });
});

/** What each partial backend refuses (flags, then the message; STATUS is 404 or 501), and a run it still does. */
const PARTIAL_CASES: Record<PartialCapability, { refused: [string[], RegExp][]; works?: string[] }> = {
  tags: {
    refused: [
      [['--tag-only'], /has no tags API \(GET \/api\/tags answered STATUS\), which --tag-only needs; nothing was changed\. Use --create-albums or --stack to mark the groups instead\./],
      [['--remove-tag', 'possible-duplicate'], /has no tags API \(GET \/api\/tags answered STATUS\), which --remove-tag needs; nothing was changed\.$/m],
    ],
    works: ['--create-albums', '--mark-best-favorite', '--stack'],
  },
  albums: {
    refused: [
      [['--create-albums'], /has no albums API \(GET \/api\/albums answered STATUS\), which --create-albums needs; nothing was changed\. Use --tag-only or --stack to mark the groups instead\./],
      [['--create-albums', '--mark-best-favorite', '--stack'], /has no albums API .*, which --create-albums needs; nothing was changed\. Use --tag-only to mark/],
    ],
    works: ['--mark-best-favorite', '--stack'],
  },
  stacks: {
    refused: [
      [['--stack'], /has no stacks API \(GET \/api\/stacks answered STATUS\), which --stack needs; nothing was changed\. Use --tag-only or --create-albums to mark the groups instead\./],
      [['--create-albums', '--mark-best-favorite', '--stack'], /has no stacks API .*, which --stack needs; nothing was changed\. Use --tag-only to mark/],
    ],
    works: ['--create-albums', '--mark-best-favorite'],
  },
  search: {
    refused: [
      [[], /has no search API \(POST \/api\/search\/metadata answered STATUS\), which listing photos needs; nothing was changed\./],
      [['--create-albums', '--mark-best-favorite', '--stack'], /has no search API/],
    ],
  },
};

describe.each(PARTIAL_PROFILES)('a partial backend: $name', ({ missing, status, options }) => {
  let s: Server;
  let initial: ReturnType<typeof snapshot>;
  beforeAll(async () => {
    s = await server(options);
    initial = snapshot(s.fake);
  });
  afterAll(async () => s.fake.close());
  const { refused, works } = PARTIAL_CASES[missing];

  it.each(refused)('%o is refused (exit 2) before any write, naming the missing endpoint', async (flags, message) => {
    s.fake.clearRequests();
    const result = await s.organize(...flags);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(message.source.replace('STATUS', String(status)), message.flags));
    expect(s.fake.writeRequests()).toEqual([]);
    expect(s.fake.thumbnailRequests()).toEqual([]);
    expect(snapshot(s.fake)).toEqual(initial);
    expect(s.fake.violations()).toEqual([]);
  });

  if (works !== undefined) {
    it(`${works.join(' ')} still works, and undo restores the server`, async () => {
      expectOk(await s.organize(...works));
      const changed = snapshot(s.fake);
      expect(changed).not.toEqual(initial);
      expect(changed.tags).toEqual({});
      expect(changed.albums).toHaveLength(works.includes('--create-albums') ? 2 : 0);
      expect(changed.stacks).toHaveLength(works.includes('--stack') ? 2 : 0);
      expect(changed.favorites).toHaveLength(2);
      expectOk(await s.undoLast());
      expect(snapshot(s.fake)).toEqual(initial);
      expect(s.fake.violations()).toEqual([]);
    });
  }
});
