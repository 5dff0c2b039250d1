/**
 * Resolving duplicates inside Immich, end to end through the built CLI against the fake server:
 * `--immich-review`, `--write-similarity`, `--archive-others`, `--trash-others`, each with its dry-run
 * twin (no writing request), a first run that changes exactly the expected assets, a second run that
 * sends no writing request, and an undo that gives back the full prior state of every asset
 * (duplicateId, metadata, visibility, trash membership, favorite, rating, description, albums).
 */

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { assetId, fromSample, lastChangingRun, organizeArgs, resolveSnapshot, SAMPLE_PHOTOS, seedAssets, undoArgs } from '../helpers/immich-e2e.js';
import { BIN, runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

interface JsonReport {
  runId: string;
  groups: { id: string; best: string; items: { id: string; path: string }[] }[];
  actions: { type: string; count: number; status: string; bytes?: number }[];
}

describe('Resolve in Immich', () => {
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
    fake.state.albums.clear();
    fake.state.metadata.clear();
    for (const asset of fake.state.assets.values()) Object.assign(asset, { duplicateId: null, visibility: 'timeline', deletedAt: null, isFavorite: false });
    fake.clearRequests();
  });

  /** The run's groups by file name, best first. */
  async function groupsByName(root: string): Promise<string[][]> {
    const listing = await runCli(organizeArgs(fake, root, '--json'), { env });
    const report = JSON.parse(listing.stdout) as JsonReport;
    const name = (id: string) => fake.state.assets.get(id)?.originalFileName ?? id;
    return report.groups.map((group) => [name(group.best), ...group.items.filter((item) => item.id !== group.best).map((item) => name(item.id))]);
  }

  const cases: { flags: string[]; dryLine: RegExp; expectChanged: (after: ReturnType<typeof resolveSnapshot>, groups: string[][]) => void }[] = [
    {
      flags: ['--immich-review'],
      dryLine: /Would put 2 groups \(5 photos\) on Immich's "Review duplicates" page/,
      expectChanged: (after, groups) => {
        for (const group of groups) expect(new Set(group.map((name) => after[name]?.duplicateId)).size).toBe(1);
        expect(after['moose.jpg']?.duplicateId).toBeNull();
        expect(after[groups[0]?.[0] ?? '']?.duplicateId).not.toBe(after[groups[1]?.[0] ?? '']?.duplicateId);
      },
    },
    {
      flags: ['--write-similarity'],
      dryLine: /Would write the asset metadata key 'photo-organizer' .* on 5 photos/,
      expectChanged: (after, groups) => {
        for (const group of groups) {
          const values = group.map((name) => after[name]?.metadata as Record<string, unknown>);
          expect(new Set(values.map((value) => value.group)).size).toBe(1);
          expect(values.every((value) => value.best === assetId(fake, group[0] ?? ''))).toBe(true);
          expect(values[0]?.distance).toBe(0);
          expect(String(values[0]?.kind)).toMatch(/^(exact|near)$/);
          expect(typeof values[0]?.bestReason === 'string' && typeof values[0]?.runId === 'string').toBe(true);
        }
        expect(after['moose.jpg']?.metadata).toBeNull();
      },
    },
    {
      flags: ['--archive-others'],
      dryLine: /Would archive 3 photos \(.*\) in all/,
      expectChanged: (after, groups) => {
        for (const [best, ...copies] of groups) {
          expect(after[best ?? '']?.visibility).toBe('timeline');
          for (const copy of copies) expect(after[copy]?.visibility).toBe('archive');
        }
        expect(after['moose.jpg']?.visibility).toBe('timeline');
      },
    },
    {
      flags: ['--trash-others', '--yes'],
      dryLine: /Would move 3 photos \(.*\) to Immich's trash in all/,
      expectChanged: (after, groups) => {
        for (const [best, ...copies] of groups) {
          expect(after[best ?? '']?.trashed).toBe(false);
          for (const copy of copies) expect(after[copy]?.trashed).toBe(true);
        }
        expect(after['moose.jpg']?.trashed).toBe(false);
      },
    },
  ];

  for (const { flags, dryLine, expectChanged } of cases) {
    it(`${flags[0] ?? ''}: dry-run writes nothing, the run changes exactly the expected assets, a re-run writes nothing, undo restores every asset`, async () => {
      const root = tempDir();
      const groups = await groupsByName(root);
      expect(groups.map((group) => group.length).sort()).toEqual([2, 3]);
      const before = resolveSnapshot(fake);

      fake.clearRequests();
      const dry = await runCli(organizeArgs(fake, root, ...flags, '--dry-run'), { env });
      expect(dry.code).toBe(0);
      expect(dry.stderr).toMatch(dryLine);
      expect(fake.writeRequests()).toEqual([]);

      const run = await runCli(organizeArgs(fake, root, ...flags, '--json'), { env });
      expect(run.code, run.stderr).toBe(0);
      const after = resolveSnapshot(fake);
      expectChanged(after, groups);
      // Nothing else changed: every field of every asset the flag is not about is as before.
      const changedField = { '--immich-review': 'duplicateId', '--write-similarity': 'metadata', '--archive-others': 'visibility', '--trash-others': 'trashed' }[flags[0] ?? ''] as string;
      for (const [name, state] of Object.entries(after)) expect({ ...state, [changedField]: null }).toEqual({ ...before[name], [changedField]: null });

      fake.clearRequests();
      const again = await runCli(organizeArgs(fake, root, ...flags), { env });
      expect(again.code).toBe(0);
      expect(fake.writeRequests()).toEqual([]);
      expect(resolveSnapshot(fake)).toEqual(after);

      const runId = (JSON.parse(run.stdout) as JsonReport).runId;
      const undoDry = await runCli(undoArgs(fake, root, runId, '--dry-run'), { env });
      expect(undoDry.code).toBe(0);
      expect(undoDry.stdout).toMatch(/^Would /m);
      expect(fake.writeRequests()).toEqual([]);
      const undone = await runCli(undoArgs(fake, root, runId), { env });
      expect(undone.code, undone.stderr).toBe(0);
      expect(resolveSnapshot(fake)).toEqual(before);
      expect(fake.violations()).toEqual([]);
    });
  }

  it('--immich-review keeps every group Immich made whole: an ML group sharing a photo with ours is merged, never split', async () => {
    const root = tempDir();
    const [d1, d2] = ['5f0c6a52-4a39-4c8e-9d4b-8a1f2b3c4d5e', '6a1d7b63-5b4a-4d9f-8e5c-9b2a3c4d5e6f'];
    // Immich's ML job put a flower copy with the moose, and another flower copy with an Eiffel copy.
    for (const [name, id] of [['yellow-flower-q60.jpg', d1], ['moose.jpg', d1], ['yellow-flower-small.jpg', d2], ['eiffel-tower.webp', d2]] as const) {
      const asset = fake.state.assets.get(assetId(fake, name));
      if (asset) asset.duplicateId = id;
    }
    const before = resolveSnapshot(fake);
    const run = await runCli(organizeArgs(fake, root, '--immich-review', '--json'), { env });
    expect(run.code, run.stderr).toBe(0);
    const after = resolveSnapshot(fake);
    // Every pair Immich had grouped is still in one group; and each of our groups is in one group.
    for (const [a, b] of [['yellow-flower-q60.jpg', 'moose.jpg'], ['yellow-flower-small.jpg', 'eiffel-tower.webp'], ['yellow-flower.jpg', 'yellow-flower-q60.jpg'], ['eiffel-tower.jpg', 'eiffel-tower.webp']]) {
      expect(after[a ?? '']?.duplicateId, `${a} and ${b}`).toBe(after[b ?? '']?.duplicateId);
    }
    // One of Immich's ids is kept (the review page's groups keep their identity), no new one made.
    expect([d1, d2]).toContain(after['moose.jpg']?.duplicateId);
    fake.clearRequests();
    expect((await runCli(organizeArgs(fake, root, '--immich-review'), { env })).code).toBe(0);
    expect(fake.writeRequests()).toEqual([]);
    expect((await runCli(undoArgs(fake, root, (JSON.parse(run.stdout) as JsonReport).runId), { env })).code).toBe(0);
    expect(resolveSnapshot(fake)).toEqual(before);
  });

  it('GET /duplicates shows exactly our groups after --immich-review', async () => {
    const root = tempDir();
    const groups = await groupsByName(root);
    expect((await runCli(organizeArgs(fake, root, '--immich-review'), { env })).code).toBe(0);
    const response = await fetch(`${fake.apiUrl}/duplicates`, { headers: { 'x-api-key': String(env.IMMICH_API_KEY) } });
    const page = (await response.json()) as { assets: { originalFileName: string }[] }[];
    expect(page.map((group) => group.assets.map((asset) => asset.originalFileName).sort()).sort()).toEqual(groups.map((group) => [...group].sort()).sort());
  });

  it('--write-similarity after the grouping changed rewrites exactly the assets whose group changed', async () => {
    const root = tempDir();
    expect((await runCli(organizeArgs(fake, root, '--write-similarity'), { env })).code).toBe(0);
    const eiffel = fake.state.assets.get(assetId(fake, 'eiffel-tower.jpg'));
    if (!eiffel) throw new Error('no eiffel-tower.jpg');
    const copy = fake.state.addAsset({ ownerId, originalFileName: 'eiffel-copy.jpg', checksum: eiffel.checksum, width: 512, height: 384, thumbnail: eiffel.thumbnail, exif: { fileSizeInByte: eiffel.exif?.fileSizeInByte ?? null } });
    fake.clearRequests();
    expect((await runCli(organizeArgs(fake, root, '--write-similarity'), { env })).code).toBe(0);
    const written = fake.writeRequests().flatMap((request) => (request.body as { items: { assetId: string }[] }).items.map((item) => fake.state.assets.get(item.assetId)?.originalFileName));
    expect(written.sort()).toEqual(['eiffel-copy.jpg', 'eiffel-tower.jpg', 'eiffel-tower.webp']);
    fake.state.deleteAssetForGood(copy.id);
  });

  it('the kept photo inherits what an archived copy carried and lacked; undo takes it off again', async () => {
    const root = tempDir();
    const groups = await groupsByName(root);
    const flowers = groups.find((group) => group.length === 3) ?? [];
    const [best = '', copyName = ''] = flowers;
    const copy = fake.state.assets.get(assetId(fake, copyName));
    if (!copy?.exif) throw new Error('no copy');
    Object.assign(copy, { isFavorite: true });
    Object.assign(copy.exif, { rating: 4, description: 'from the copy' });
    fake.state.addAlbum({ ownerId, albumName: 'Holiday', assetIds: [copy.id] });
    const before = resolveSnapshot(fake);

    const run = await runCli(organizeArgs(fake, root, '--archive-others', '--json'), { env });
    expect(run.code, run.stderr).toBe(0);
    const after = resolveSnapshot(fake);
    expect(after[best]).toMatchObject({ favorite: true, rating: 4, description: 'from the copy', albums: ['Holiday'], visibility: 'timeline' });
    expect(after[copyName]).toMatchObject({ favorite: true, rating: 4, albums: ['Holiday'], visibility: 'archive' });
    expect((JSON.parse(run.stdout) as JsonReport).actions).toContainEqual(expect.objectContaining({ type: 'inherit', count: 1, status: 'done' }));

    fake.clearRequests();
    expect((await runCli(organizeArgs(fake, root, '--archive-others'), { env })).code).toBe(0);
    expect(fake.writeRequests()).toEqual([]);
    expect((await runCli(undoArgs(fake, root, (JSON.parse(run.stdout) as JsonReport).runId), { env })).code).toBe(0);
    expect(resolveSnapshot(fake)).toEqual(before);
    Object.assign(copy.exif, { rating: null, description: '' });
  });

  it('a location the kept photo lacked is inherited, and undo says it cannot be removed again', async () => {
    const root = tempDir();
    const groups = await groupsByName(root);
    const [best = '', copyName = ''] = groups.find((group) => group.length === 2) ?? [];
    const copy = fake.state.assets.get(assetId(fake, copyName));
    if (!copy?.exif) throw new Error('no copy');
    Object.assign(copy.exif, { latitude: 48.8584, longitude: 2.2945 });
    const run = await runCli(organizeArgs(fake, root, '--archive-others', '--json'), { env });
    expect(run.code, run.stderr).toBe(0);
    expect(fake.state.assets.get(assetId(fake, best))?.exif).toMatchObject({ latitude: 48.8584, longitude: 2.2945 });
    const undone = await runCli(undoArgs(fake, root, (JSON.parse(run.stdout) as JsonReport).runId), { env });
    expect(undone.code).toBe(0);
    expect(undone.stderr).toMatch(/keep the location they took from a copy: they had none, and Immich's API cannot remove a location once set/);
    expect(fake.state.assets.get(assetId(fake, copyName))?.visibility).toBe('timeline');
    Object.assign(copy.exif, { latitude: null, longitude: null });
    const kept = fake.state.assets.get(assetId(fake, best));
    if (kept?.exif) Object.assign(kept.exif, { latitude: null, longitude: null });
  });

  it('trash: undo restores from the trash; a photo the server emptied from its trash is named, not hidden', async () => {
    const root = tempDir();
    const run = await runCli(organizeArgs(fake, root, '--trash-others', '--yes'), { env });
    expect(run.code, run.stderr).toBe(0);
    // The summary line says how many and how many bytes.
    expect(run.stderr).toMatch(/; 3 photos \([\d.]+ KB\) moved to Immich's trash$/m);
    const trashed = [...fake.state.assets.values()].filter((asset) => asset.deletedAt !== null);
    expect(trashed).toHaveLength(3);
    // The server's retention: one trashed photo is older than its trash days and is purged.
    const [oldest] = trashed;
    if (!oldest) throw new Error('nothing trashed');
    oldest.deletedAt = new Date(Date.now() - 31 * 86_400_000).toISOString();
    expect(fake.state.purgeTrash()).toEqual([oldest.id]);
    const undone = await runCli(undoArgs(fake, root, lastChangingRun(root)), { env });
    expect(undone.code).toBe(0);
    expect(undone.stderr).toMatch(/1 photos are no longer in Immich's trash/);
    expect([...fake.state.assets.values()].filter((asset) => asset.deletedAt !== null)).toEqual([]);
    // Put the purged photo back for the other tests.
    fake.state.addAsset({ ...oldest, exif: oldest.exif ?? {}, trashed: false });
  });

  it('--trash-others without a terminal needs --yes: exit 2, nothing read or written', async () => {
    const root = tempDir();
    const result = await runCli(organizeArgs(fake, root, '--trash-others'), { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--trash-others needs --yes when not run from a terminal/);
    expect(fake.requests()).toEqual([]);
  });

  /** The CLI on a terminal (a pseudo-terminal made by script(1)), answering `answer` to its question. */
  function onTerminal(args: string[], answer: string): Promise<{ code: number | null; output: string }> {
    const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
    const child = spawn('script', ['-qec', [process.execPath, BIN, ...args].map(quote).join(' '), '/dev/null'], {
      env: { ...process.env, ...env, XDG_CONFIG_HOME: '/nonexistent-config' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('[y/N]') && child.stdin.writable) child.stdin.end(`${answer}\n`);
    });
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
  }

  it('--trash-others on a terminal asks once, with the count and bytes; anything but yes changes nothing', async () => {
    const root = tempDir();
    const declined = await onTerminal(organizeArgs(fake, root, '--trash-others', '--no-progress'), 'n');
    expect(declined.output.match(/Move 3 photos \([\d.]+ KB\) to Immich's trash, keeping the best photo of each group\? \[y\/N\]/g)).toHaveLength(1);
    expect(declined.output).toMatch(/Nothing was changed/);
    expect(declined.code).toBe(130);
    expect(fake.writeRequests()).toEqual([]);
    const accepted = await onTerminal(organizeArgs(fake, root, '--trash-others', '--no-progress'), 'y');
    expect(accepted.code, accepted.output).toBe(0);
    expect([...fake.state.assets.values()].filter((asset) => asset.deletedAt !== null)).toHaveLength(3);
    expect((await runCli(undoArgs(fake, root, lastChangingRun(root)), { env })).code).toBe(0);
  });

  it('an undo cannot be undone', async () => {
    const root = tempDir();
    expect((await runCli(organizeArgs(fake, root, '--archive-others'), { env })).code).toBe(0);
    const undone = await runCli(undoArgs(fake, root, lastChangingRun(root)), { env });
    expect(undone.code).toBe(0);
    const undoRun = /\(undo run (\S+)\)/.exec(undone.stderr)?.[1] ?? '';
    fake.clearRequests();
    const again = await runCli(undoArgs(fake, root, undoRun), { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(new RegExp(`run ${undoRun} is itself an undo \\(undo of run \\S+: .*\\); an undo cannot be undone`));
    expect(fake.writeRequests()).toEqual([]);
  });
});

describe('Resolve in Immich: servers that cannot', () => {
  const tempDirs = useTempDirs();

  it('--write-similarity on a server without asset metadata: one message before anything, exit 2', async () => {
    const fake = await startFakeImmich({ api: '2.7.5' });
    try {
      const { user, key } = fake.seedUser();
      await seedAssets(fake, user.id, fromSample(SAMPLE_PHOTOS));
      const result = await runCli(organizeArgs(fake, tempDirs(), '--write-similarity', '--immich-review'), { env: { IMMICH_API_KEY: key } });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/This Immich server \(v2\.7\.5\) has no asset metadata \(it came with Immich v3\.0\), which --write-similarity needs; nothing was changed/);
      expect(fake.writeRequests()).toEqual([]);
      expect(fake.thumbnailRequests()).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('--trash-others when the server has its trash turned off (it would delete for good): exit 2, nothing changed', async () => {
    const fake = await startFakeImmich({ features: { trash: false } });
    try {
      const { user, key } = fake.seedUser();
      await seedAssets(fake, user.id, fromSample(SAMPLE_PHOTOS));
      const result = await runCli(organizeArgs(fake, tempDirs(), '--trash-others', '--yes'), { env: { IMMICH_API_KEY: key } });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/has its trash turned off, so removing a photo would delete it for good; --trash-others only ever moves photos to the trash, so nothing was changed/);
      expect(fake.writeRequests()).toEqual([]);
      expect(fake.state.assets.size).toBe(SAMPLE_PHOTOS.length);
    } finally {
      await fake.close();
    }
  });
});
