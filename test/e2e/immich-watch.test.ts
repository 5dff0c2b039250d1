/**
 * `photo-organizer watch` as a user runs it (the built CLI, spawned) against the fake Immich: a
 * duplicate uploaded while it runs is tagged; the server stopped and started again on the same port
 * is logged once each way and the next upload is tagged; a second watch or organize on the same
 * store is refused with one line; SIGTERM stops it with exit 0 and a store that a following
 * organize reuses whole; each batch is a journal run that undo reverses.
 */

import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich, type SeededUser } from '../helpers/fake-immich/index.js';
import { organizeArgs, SAMPLE, seedAssets, fromSample, lastChangingRun, snapshot, undoArgs } from '../helpers/immich-e2e.js';
import { BIN, cliEnvironment, runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const TAG = 'possible-duplicate';

/** The watch process, its stderr as it grows, and its end. */
interface Watcher {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWatch(args: readonly string[], env: NodeJS.ProcessEnv): Watcher {
  const child = spawn(process.execPath, [BIN, ...args], { env: cliEnvironment(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => stderr, exited };
}

/** Waits until `done()` holds; the limit only keeps a broken build from hanging the suite. */
async function until(what: string, done: () => boolean, watcher: Watcher, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; watch said:\n${watcher.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function upload(fake: FakeImmich, key: string, file: string, takenAt: string): Promise<string> {
  const form = new FormData();
  form.set('assetData', new Blob([readFileSync(path.join(SAMPLE, file))]), path.basename(file));
  form.set('fileCreatedAt', takenAt);
  form.set('fileModifiedAt', takenAt);
  const res = await fetch(`${fake.apiUrl}/assets`, { method: 'POST', headers: { 'x-api-key': key }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** A photo that arrives whole, its thumbnail made with it (an upload whose thumbnail job is done). */
async function arrive(fake: FakeImmich, me: SeededUser, file: string): Promise<void> {
  await seedAssets(fake, me.user.id, fromSample([file]));
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('photo-organizer watch --source immich', () => {
  let fake: FakeImmich;
  let me: SeededUser;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let watcher: Watcher;

  beforeAll(async () => {
    fake = await startFakeImmich();
    me = fake.seedUser();
    root = tempDir('po-watch');
    env = { IMMICH_API_KEY: me.key, PHOTO_ORGANIZER_HTTP_TIMEOUT: '3' };
    await seedAssets(fake, me.user.id, fromSample(['camera/yellow-flower.jpg', 'camera/eiffel-tower.jpg', 'camera/moose.jpg']));
    watcher = startWatch(organizeArgs(fake, root, '--tag-only', '--poll-interval', '1').map((arg) => (arg === 'organize' ? 'watch' : arg)), env);
    // The first poll catches up: three photos the store does not know, no group.
    await until('the first batch', () => watcher.stderr().includes('batch '), watcher);
  });

  afterAll(async () => {
    if (watcher.child.exitCode === null) watcher.child.kill('SIGKILL');
    await fake.close();
  });

  it('tags a duplicate uploaded while it runs, in a journaled batch that undo reverses', async () => {
    expect(watcher.stderr()).toMatch(/batch \S+: 3 new or changed; 3 photos, 3 hashed, 0 reused.*0 groups/);
    expect(snapshot(fake).tags).toEqual({});
    await arrive(fake, me, 'phone/yellow-flower-q60.jpg');
    await until('the tag on both flowers', () => (snapshot(fake).tags[TAG] ?? []).length === 2, watcher);
    expect(snapshot(fake).tags[TAG]).toEqual(['yellow-flower-q60.jpg', 'yellow-flower.jpg']);
    // Only the new photo was hashed; the others came from the store.
    await until('the batch line', () => /batch \S+: 1 new or changed; 4 photos/.test(watcher.stderr()), watcher);
    expect(watcher.stderr()).toMatch(/batch \S+: 1 new or changed; 4 photos, 1 hashed, 3 reused.*1 groups \(2 photos\)/);
    expect(fake.violations()).toEqual([]);
  });

  it('refuses a second watch or organize on the same store with one line', async () => {
    for (const command of ['watch', 'organize']) {
      const second = await runCli(organizeArgs(fake, root, '--tag-only').map((arg) => (arg === 'organize' ? command : arg)), { env });
      expect(second.code).toBe(1);
      expect(second.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^photo-organizer: another photo-organizer run \\(pid ${watcher.child.pid}\\) is using .*h\\.db; try again when it has finished$`))]);
    }
  });

  it('logs a server restart once each way, then tags the next upload', async () => {
    await fake.goAway();
    await until('the outage line', () => watcher.stderr().includes('is unreachable'), watcher);
    // Several polls fail while it is away; none of them is logged again.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await fake.comeBack();
    await until('the recovery line', () => watcher.stderr().includes('is back after'), watcher);
    await arrive(fake, me, 'backup/eiffel-tower.webp');
    await until('the tag on both towers', () => (snapshot(fake).tags[TAG] ?? []).length === 4, watcher);
    expect(snapshot(fake).tags[TAG]).toEqual(['eiffel-tower.jpg', 'eiffel-tower.webp', 'yellow-flower-q60.jpg', 'yellow-flower.jpg']);
    expect(count(watcher.stderr(), 'is unreachable')).toBe(1);
    expect(count(watcher.stderr(), 'is back after')).toBe(1);
    expect(watcher.stderr()).not.toContain(me.key);
  });

  it('stops on SIGTERM with exit 0; the store is whole: organize hashes nothing, undo reverses the last batch', async () => {
    watcher.child.kill('SIGTERM');
    const end = await watcher.exited;
    expect(end).toEqual({ code: 0, signal: null });
    expect(watcher.stderr()).toMatch(/watch stopped after \d+ batches; the hash database is consistent/);

    const again = await runCli(organizeArgs(fake, root, '--json'), { env });
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout) as { stats: { photos: number; hashed: number; reused: number; groups: number } };
    expect(report.stats).toMatchObject({ photos: 5, hashed: 0, reused: 5, groups: 2 });

    // One journal run per batch: the catch-up, the flower, the tower.
    const db = new Database(path.join(root, 'h.db'), { readonly: true });
    const batches = db.prepare("SELECT status FROM runs WHERE command = 'watch' ORDER BY started_at").all();
    db.close();
    expect(batches).toEqual([{ status: 'done' }, { status: 'done' }, { status: 'done' }]);
    const undone = await runCli(undoArgs(fake, root, lastChangingRun(root)), { env });
    expect(undone.code).toBe(0);
    expect(snapshot(fake).tags[TAG]).toEqual(['yellow-flower-q60.jpg', 'yellow-flower.jpg']);
    expect(fake.violations()).toEqual([]);
  });
});

describe('photo-organizer watch: an upload seen before its thumbnail exists', () => {
  it('fails that photo in its batch and tags it once the thumbnail job has moved its updatedAt', async () => {
    // Jobs wait for waitForJobs(): the poll certainly sees the upload before its thumbnail.
    const fake = await startFakeImmich({ thumbnailJobDelayMs: 'manual' });
    try {
      const me = fake.seedUser();
      const root = tempDir('po-watch-late');
      const env = { IMMICH_API_KEY: me.key };
      await seedAssets(fake, me.user.id, fromSample(['camera/yellow-flower.jpg']));
      const watcher = startWatch(organizeArgs(fake, root, '--tag-only', '--poll-interval', '1').map((arg) => (arg === 'organize' ? 'watch' : arg)), env);
      await until('the first batch', () => watcher.stderr().includes('batch '), watcher);
      await upload(fake, me.key, 'phone/yellow-flower-q60.jpg', '2024-06-01T10:00:00.000Z');
      await until('a batch with the photo failed', () => /batch \S+: 1 new or changed; 2 photos, 0 hashed, 1 reused, 0 skipped, 1 failed/.test(watcher.stderr()), watcher);
      expect(snapshot(fake).tags).toEqual({});
      await fake.waitForJobs();
      await until('the tag on both flowers', () => (snapshot(fake).tags[TAG] ?? []).length === 2, watcher);
      watcher.child.kill('SIGTERM');
      expect(await watcher.exited).toEqual({ code: 0, signal: null });
      const db = new Database(path.join(root, 'h.db'), { readonly: true });
      const statuses = (db.prepare("SELECT status FROM runs WHERE command = 'watch' ORDER BY started_at").all() as { status: string }[]).map((row) => row.status);
      db.close();
      // Caught up, then the photo failed (once, or again if a retry came before the job), then tagged.
      expect(statuses[0]).toBe('done');
      expect(statuses.at(-1)).toBe('done');
      expect(new Set(statuses.slice(1, -1))).toEqual(new Set(['partial']));
      expect(fake.violations()).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

describe('photo-organizer watch: SIGTERM in the middle of a batch', () => {
  it('abandons the batch at its next step: exit 0, the run marked cancelled, the store whole for the next organize', async () => {
    const fake = await startFakeImmich();
    try {
      const me = fake.seedUser();
      const root = tempDir('po-watch-term');
      const env = { IMMICH_API_KEY: me.key };
      await seedAssets(fake, me.user.id, fromSample(['camera/yellow-flower.jpg']));
      const watcher = startWatch(organizeArgs(fake, root, '--tag-only', '--poll-interval', '1').map((arg) => (arg === 'organize' ? 'watch' : arg)), env);
      await until('the first batch', () => watcher.stderr().includes('batch '), watcher);
      // The next thumbnail hangs: the batch that fetches it is in progress when SIGTERM comes.
      fake.faults.add({ kind: 'stall', ms: 10_000, match: (target) => target.apiPath.endsWith('/thumbnail') });
      fake.clearRequests();
      await upload(fake, me.key, 'phone/yellow-flower-q60.jpg', '2024-06-01T10:00:00.000Z');
      await until('the stalled thumbnail request', () => fake.requests().some((r) => r.apiPath.endsWith('/thumbnail')), watcher);
      watcher.child.kill('SIGTERM');
      expect(await watcher.exited).toEqual({ code: 0, signal: null });
      expect(watcher.stderr()).toMatch(/watch stopped after 2 batches; the hash database is consistent/);
      const db = new Database(path.join(root, 'h.db'), { readonly: true });
      expect(db.prepare("SELECT status FROM runs WHERE command = 'watch' ORDER BY started_at").all()).toEqual([{ status: 'done' }, { status: 'cancelled' }]);
      db.close();
      expect(snapshot(fake).tags).toEqual({});
      fake.faults.clear();
      const after = await runCli(organizeArgs(fake, root, '--json'), { env });
      expect(after.code).toBe(0);
      expect((JSON.parse(after.stdout) as { stats: object }).stats).toMatchObject({ photos: 2, hashed: 1, reused: 1, groups: 1 });
    } finally {
      await fake.close();
    }
  });
});

describe('photo-organizer watch: usage', () => {
  it.each([
    [['watch', '--tag-only'], /^photo-organizer: watch follows an Immich server: use --source immich/],
    [['watch', '--source', 'immich', '--report', 'x.html'], /^photo-organizer: --report and --json write one report per run/],
    [['watch', '--source', 'immich', '--immich-album', 'Trip'], /^photo-organizer: --immich-album cannot be used with watch/],
    [['watch', '--source', 'immich', '--trash-others'], /^photo-organizer: --trash-others needs --yes with watch/],
    [['watch', '--source', 'immich', '--poll-interval', '0'], /--poll-interval must be a whole number from 1 to 86400, got "0"/],
  ])('%j: one line, exit 2, nothing asked of a server', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args, { env: { IMMICH_URL: 'http://127.0.0.1:9', IMMICH_API_KEY: 'k' } });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});
