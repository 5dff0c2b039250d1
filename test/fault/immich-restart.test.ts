/**
 * The Immich server goes away in the middle of a write phase and comes back: the fake in this
 * process (`goAway`, then `comeBack` once the run has stopped), and the fake as a process of its own
 * that is killed after committing a write whose answer is then never sent, and started again from
 * its saved state. For tags and for albums + favorites + stacks: the run stops with exit 1 or 3, the
 * journal explains exactly what the server holds (nothing unjournaled, nothing journaled that is not
 * there), a re-run completes the work, and undo of both runs restores the start.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeState, startFakeImmich } from '../helpers/fake-immich/index.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { addAssets, appliedRunIds, journalGap, journalRows, seedPhotos, serverState, type SeedPhoto, type ServerState } from './immich-state.js';

const tempDir = useTempDirs();
const ACTIONS = {
  tags: ['--tag-only', '--tag-per-group'],
  groups: ['--create-albums', '--mark-best-favorite', '--stack'],
} as const;
type ActionKind = keyof typeof ACTIONS;
const STANDALONE = path.resolve(import.meta.dirname, '../helpers/fake-immich/standalone.ts');
const VITE_NODE = path.resolve(import.meta.dirname, '../../node_modules/.bin/vite-node');

/** The work of a complete run: 4 groups (10 assets) tagged, or 4 albums, 4 favorites, 4 stacks. */
function finished(state: ServerState, action: ActionKind): boolean {
  if (action === 'tags') return Object.values(state.tags).some((ids) => ids.length === 10);
  const sizes = (record: Record<string, string[]>) => Object.values(record).map((ids) => ids.length).sort();
  return JSON.stringify(sizes(state.albums)) === '[2,2,3,3]' && state.favorites.length === 4 && JSON.stringify(sizes(state.stacks)) === '[2,2,3,3]';
}

function organizeArgs(url: string, root: string, action: ActionKind): string[] {
  return ['organize', '--source', 'immich', '--immich-url', url, '--save-hashes', path.join(root, 'h.db'), '--cache-dir', path.join(root, 'cache'), '--quiet', ...ACTIONS[action]];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The fake in its own process, from the state file; resolves once it listens. */
async function startProcess(stateFile: string, port: number, dieAfterWrite?: number): Promise<{ child: ChildProcess; exited: Promise<void> }> {
  const child = spawn(VITE_NODE, [STANDALONE], {
    env: { ...process.env, FAKE_STATE_FILE: stateFile, FAKE_PORT: String(port), ...(dieAfterWrite !== undefined ? { FAKE_DIE_AFTER_WRITE: String(dieAfterWrite) } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the fake process ended before listening (${code})`)));
  });
  return { child, exited };
}

interface Outcome {
  exit: number | null;
  gap: { unjournaled: string[]; phantom: string[] };
  rerunExit: number | null;
  finished: boolean;
  undoExits: (number | null)[];
}

/** Re-run on the server that came back, then undo every run, newest first; `read` gives the server's state. */
async function recover(url: string, root: string, action: ActionKind, env: NodeJS.ProcessEnv, read: () => ServerState): Promise<Omit<Outcome, 'exit' | 'gap'>> {
  const rerun = await runCli(organizeArgs(url, root, action), { env });
  const done = finished(read(), action);
  const undoExits: (number | null)[] = [];
  for (const id of appliedRunIds(path.join(root, 'h.db'))) undoExits.push((await runCli(['undo', id, '--save-hashes', path.join(root, 'h.db')], { env })).code);
  return { rerunExit: rerun.code, finished: done, undoExits };
}

describe('the server goes away mid-write and comes back', () => {
  let photos: SeedPhoto[];
  beforeAll(async () => {
    photos = await seedPhotos();
  });

  for (const action of Object.keys(ACTIONS) as ActionKind[]) {
    it(`${action}: the fake in this process goes away at the second write and comes back after the run`, async () => {
      const fake = await startFakeImmich();
      try {
        const { user, key } = fake.seedUser();
        addAssets(fake, user.id, photos);
        const env = { IMMICH_API_KEY: key };
        const before = serverState(fake);
        const root = tempDir();
        let writes = 0;
        let away: Promise<void> | undefined;
        fake.onHandled((request) => {
          if (request.method !== 'GET' && !request.apiPath.startsWith('/api/search/') && ++writes === 2) away = fake.goAway();
        });
        const run = await runCli(organizeArgs(fake.url, root, action), { env });
        await away;
        await fake.comeBack();
        const gap = journalGap(serverState(fake), before, journalRows(path.join(root, 'h.db')));
        const rest = await recover(fake.url, root, action, env, () => serverState(fake));
        expect({ exit: [1, 3].includes(run.code ?? -1), gap, ...rest }, run.stderr).toEqual({ exit: true, gap: { unjournaled: [], phantom: [] }, rerunExit: 0, finished: true, undoExits: [0, 0] });
        expect(serverState(fake)).toEqual(before);
      } finally {
        await fake.close();
      }
    }, 120_000);

    it(`${action}: the fake's process is killed after committing the second write, and started again from its saved state`, async () => {
      const seeding = await startFakeImmich();
      const { user, key } = seeding.seedUser();
      addAssets(seeding, user.id, photos);
      const before = serverState(seeding);
      const root = tempDir();
      const stateFile = path.join(root, 'server-state.bin');
      writeFileSync(stateFile, seeding.state.toBytes());
      await seeding.close();
      const env = { IMMICH_API_KEY: key };
      const read = () => serverState({ state: FakeState.fromBytes(readFileSync(stateFile)) });
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;

      const dying = await startProcess(stateFile, port, 2);
      const run = await runCli(organizeArgs(url, root, action), { env });
      await dying.exited;
      expect(dying.child.signalCode).toBe('SIGKILL');
      const again = await startProcess(stateFile, port);
      try {
        const gap = journalGap(read(), before, journalRows(path.join(root, 'h.db')));
        const rest = await recover(url, root, action, env, read);
        expect({ exit: [1, 3].includes(run.code ?? -1), gap, ...rest }, run.stderr).toEqual({ exit: true, gap: { unjournaled: [], phantom: [] }, rerunExit: 0, finished: true, undoExits: [0, 0] });
        expect(read()).toEqual(before);
      } finally {
        again.child.kill();
        await again.exited;
      }
    }, 180_000);
  }
});
