/**
 * Immich benchmark (run by `npm run bench` through vite-node, since the fake server is TypeScript):
 * 20,000 assets on the fake Immich server, their thumbnails made as Immich makes them from real
 * photos (photo-thumbnails.ts), 2,000 planted duplicate pairs. For each added latency (5 ms, then
 * 20 ms: a LAN or a reverse proxy), in each round: the floor (page the listing, then fetch every
 * thumbnail once, 16 requests in flight, bytes dropped), then the built CLI cold (every thumbnail
 * fetched and hashed) and warm (cache and store reused: no thumbnail request), with its own default
 * settings, as a user runs it. floor/cold is the share of the server's speed the CLI reaches.
 * At the first latency, tagging 2,000 duplicate groups and putting them on Immich's review page
 * with similarity metadata (`--immich-review --write-similarity`), each twice, counting the writing
 * requests. Each round starts cold in a fresh folder; min/median/max over rounds (`PO_BENCH_ROUNDS`,
 * default 3). Prints one JSON line.
 *
 * The writing runs (tag 2,000 groups; albums + favorites + stacks for 2,000 groups) are timed with
 * read-back and with `--no-verify`, interleaved in each round on a warm store, from the same server
 * state: seconds and every request the run sends (`PO_BENCH_WRITES=0` leaves them out).
 *
 * CPU seconds (user + system, every thread) of the CLI are reported too: on a busy machine they move
 * far less than wall time, and the load average is logged with each run. `PO_BENCH_BIN` names the
 * builds to time, e.g. `before=/work/main/bin/photo-organizer.js,after=bin/photo-organizer.js`:
 * each round times them one after the other against the same server and floor (a same-run
 * before/after); `PO_BENCH_LATENCIES` (default `5,20`) picks the latencies.
 */

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import { Agent } from 'undici';
import { startFakeImmich } from '../../test/helpers/fake-immich/index.js';
import { immichThumbnails } from './photo-thumbnails.js';
import { spread } from './spread.mjs';

const run = promisify(execFile);
const ASSETS = Number(process.env.PO_BENCH_ASSETS ?? 20_000);
const GROUPS = Number(process.env.PO_BENCH_GROUPS ?? 2_000);
const ROUNDS = Math.max(1, Number(process.env.PO_BENCH_ROUNDS ?? 3));
const LATENCIES = (process.env.PO_BENCH_LATENCIES ?? '5,20').split(',').map(Number);
const WRITES = process.env.PO_BENCH_WRITES !== '0';
/** What the floor keeps in flight: what a LAN and a small server handle without queueing. */
const FLOOR_IN_FLIGHT = 16;
/** The builds to time, comma-separated (`label=path` or a path); interleaved round by round against the same server. */
const BUILDS = (process.env.PO_BENCH_BIN ?? path.join(import.meta.dirname, '../../bin/photo-organizer.js')).split(',').map((entry, index) => {
  const [label, file] = entry.includes('=') ? entry.split('=', 2) : [index === 0 ? '' : `build ${index + 1}`, entry];
  return { label: label ?? '', bin: path.resolve(file ?? entry) };
});
const wrapper = path.resolve(import.meta.dirname, 'peak-rss.mjs');
const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface CliRun {
  seconds: number;
  cpuSeconds: number;
  peakRssMB: number;
  report: { stats: Record<string, number>; groups: unknown[] };
}

async function timedCli(args: string[], bin = BUILDS[0]?.bin ?? ''): Promise<CliRun> {
  const started = performance.now();
  const { stdout, stderr } = await run(process.execPath, [wrapper, bin, ...args], { maxBuffer: 1 << 28 });
  const seconds = (performance.now() - started) / 1000;
  const rss = Number(/peak-rss-kb=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  const cpu = Number(/cpu-ms=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  return { seconds, cpuSeconds: cpu / 1000, peakRssMB: Math.round(rss / 1024), report: JSON.parse(stdout) as CliRun['report'] };
}

/** Every page of the listing (with exif, as the CLI asks), `FLOOR_IN_FLIGHT` connections, nothing parsed beyond JSON. */
async function listingFloor(agent: Agent, origin: string, key: string): Promise<{ seconds: number; ids: string[] }> {
  const started = performance.now();
  const ids: string[] = [];
  for (let page: number | null = 1; page !== null; ) {
    const response = await agent.request({
      origin, path: '/api/search/metadata', method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'IMAGE', visibility: 'timeline', withDeleted: false, withExif: true, page, size: 1000 }),
    });
    const { assets } = (await response.body.json()) as { assets: { items: { id: string }[]; nextPage: string | null } };
    for (const item of assets.items) ids.push(item.id);
    page = assets.nextPage === null ? null : Number(assets.nextPage);
  }
  return { seconds: (performance.now() - started) / 1000, ids };
}

/** Every thumbnail fetched once, `FLOOR_IN_FLIGHT` at a time, bytes read and dropped. */
async function fetchFloor(agent: Agent, origin: string, key: string, ids: string[]): Promise<number> {
  const limit = pLimit(FLOOR_IN_FLIGHT);
  const started = performance.now();
  await Promise.all(
    ids.map((id) =>
      limit(async () => {
        const response = await agent.request({ origin, path: `/api/assets/${id}/thumbnail?size=thumbnail`, method: 'GET', headers: { 'x-api-key': key } });
        await response.body.arrayBuffer();
      }),
    ),
  );
  return (performance.now() - started) / 1000;
}

/** Back to the seeded state: no tag, album, stack or favorite. */
function resetWrites(state: Awaited<ReturnType<typeof startFakeImmich>>['state']): void {
  state.tags.clear();
  state.tagAssets.clear();
  state.albums.clear();
  for (const stack of [...state.stacks.values()]) state.deleteStack(stack.id);
  for (const asset of state.assets.values()) asset.isFavorite = false;
}

const WRITE_CASES = { tag: ['--tag-only'], groups: ['--create-albums', '--mark-best-favorite', '--stack'] } as const;
type WriteCase = keyof typeof WRITE_CASES;
type Mode = 'readBack' | 'noVerify';

const show = (s: { min: number; median: number; max: number }): string => `${s.median} (${s.min}–${s.max})`;

const fake = await startFakeImmich();
const work = mkdtempSync(path.join(os.tmpdir(), 'po-bench-immich-'));
const agent = new Agent({ connections: FLOOR_IN_FLIGHT });
try {
  const { user, key } = fake.seedUser();
  // The first 2 * GROUPS assets come in pairs showing one picture: GROUPS duplicate groups.
  const thumbnails = await immichThumbnails(ASSETS, GROUPS, log);
  thumbnails.forEach((thumbnail, i) => {
    fake.state.addAsset({
      ownerId: user.id,
      originalFileName: `IMG_${String(i).padStart(6, '0')}.jpg`,
      checksum: Buffer.from(`asset-${i}`.padEnd(20, '.')).toString('base64'),
      fileCreatedAt: new Date(Date.UTC(2024, 0, 1) - i * 60_000).toISOString(),
      width: 4000,
      height: 3000,
      thumbnail,
      exif: { fileSizeInByte: 3_000_000 + i },
    });
  });
  const origin = new URL(fake.url).origin;
  const thumbnailMB = Math.round(thumbnails.reduce((sum, bytes) => sum + bytes.length, 0) / 1e5) / 10;

  const byLatency: Record<string, unknown>[] = [];
  const table: Record<string, string | number> = { 'thumbnails served': `${ASSETS} WebP, ${thumbnailMB} MB, ${GROUPS} planted pairs` };
  let writing: Record<string, string | number> = {};
  let writeRuns: unknown;
  for (const [latencyIndex, latencyMs] of LATENCIES.entries()) {
    fake.faults.setLatency(latencyMs);
    const floor: number[] = [];
    const runs = BUILDS.map(() => ({ cold: [] as CliRun[], warm: [] as CliRun[], coldThumbnails: 0, warmThumbnails: 0, groupsFound: 0 }));
    for (let round = 0; round < ROUNDS; round++) {
      const listed = await listingFloor(agent, origin, key);
      floor.push(listed.seconds + (await fetchFloor(agent, origin, key, listed.ids)));
      log(`${latencyMs} ms, round ${round + 1}/${ROUNDS}: floor ${floor.at(-1)?.toFixed(1)} s (load ${os.loadavg()[0]?.toFixed(1)})`);
      for (const [index, build] of BUILDS.entries()) {
        const dir = path.join(work, `latency-${latencyMs}-round-${round}-build-${index}`);
        mkdirSync(dir);
        const common = ['organize', '--source', 'immich', '--immich-url', fake.url, '--immich-api-key', key, '--save-hashes', path.join(dir, 'h.db'), '--cache-dir', path.join(dir, 'cache'), '--json'];
        const mine = runs[index] as (typeof runs)[number];
        fake.clearRequests();
        mine.cold.push(await timedCli(common, build.bin));
        mine.coldThumbnails = fake.thumbnailRequests().length;
        mine.groupsFound = mine.cold.at(-1)?.report.groups.length ?? 0;
        fake.clearRequests();
        mine.warm.push(await timedCli(common, build.bin));
        mine.warmThumbnails = fake.thumbnailRequests().length;
        const [cold, warm] = [mine.cold.at(-1), mine.warm.at(-1)];
        log(`  ${build.label || 'cli'}: cold ${cold?.seconds.toFixed(1)} s ${cold?.cpuSeconds.toFixed(1)} CPU s ${cold?.peakRssMB} MB, warm ${warm?.seconds.toFixed(1)} s ${warm?.peakRssMB} MB (load ${os.loadavg()[0]?.toFixed(1)})`);
        if (index === 0 && latencyIndex === 0 && round === 0 && WRITES) writing = await countWrites(common);
        if (index === 0 && latencyIndex === 0 && WRITES) writeRuns = await timeWrites(common, round, writeRuns as WriteRuns | undefined);
      }
    }
    const at = `${latencyMs} ms`;
    table[`${at}: floor (list + fetch every thumbnail, ${FLOOR_IN_FLIGHT} in flight), seconds`] = show(spread(floor, 2));
    for (const [index, build] of BUILDS.entries()) {
      const { cold, warm, coldThumbnails, warmThumbnails, groupsFound } = runs[index] as (typeof runs)[number];
      const ratio = spread(cold.map((r, i) => (floor[i] ?? Number.NaN) / r.seconds), 2);
      const cpuMs = spread(cold.map((r) => (r.cpuSeconds * 1000) / ASSETS), 2);
      byLatency.push({
        latencyMs,
        build: build.label,
        bin: build.bin,
        floorSeconds: spread(floor, 2),
        floorToCold: ratio,
        groupsFound,
        cold: { seconds: spread(cold.map((r) => r.seconds), 1), cpuSeconds: spread(cold.map((r) => r.cpuSeconds), 1), cpuMsPerAsset: cpuMs, peakRssMB: spread(cold.map((r) => r.peakRssMB), 0), thumbnailRequests: coldThumbnails },
        warm: { seconds: spread(warm.map((r) => r.seconds), 1), cpuSeconds: spread(warm.map((r) => r.cpuSeconds), 1), peakRssMB: spread(warm.map((r) => r.peakRssMB), 0), thumbnailRequests: warmThumbnails },
      });
      const label = build.label ? `${at}, ${build.label}` : at;
      Object.assign(table, {
        [`${label}: cold, seconds`]: show(spread(cold.map((r) => r.seconds), 1)),
        [`${label}: cold, assets/s`]: show(spread(cold.map((r) => ASSETS / r.seconds), 0)),
        [`${label}: floor / cold (share of the server's speed)`]: show(ratio),
        [`${label}: cold, CPU seconds (user+sys) / ms per asset`]: `${show(spread(cold.map((r) => r.cpuSeconds), 1))} / ${show(cpuMs)}`,
        [`${label}: cold, peak RSS MB`]: show(spread(cold.map((r) => r.peakRssMB), 0)),
        [`${label}: cold, thumbnail requests / groups found`]: `${coldThumbnails} / ${groupsFound} (${GROUPS} planted)`,
        [`${label}: warm (no change), seconds`]: show(spread(warm.map((r) => r.seconds), 1)),
        [`${label}: warm, CPU seconds (user+sys)`]: show(spread(warm.map((r) => r.cpuSeconds), 1)),
        [`${label}: warm, peak RSS MB / thumbnail requests`]: `${show(spread(warm.map((r) => r.peakRssMB), 0))} / ${warmThumbnails}`,
      });
    }
  }
  if (writeRuns) Object.assign(table, writing, writeTable(writeRuns as WriteRuns));
  const result = { case: 'immich', assets: ASSETS, plantedGroups: GROUPS, rounds: ROUNDS, floorInFlight: FLOOR_IN_FLIGHT, builds: BUILDS, byLatency, table, writeRuns };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await agent.close();
  await fake.close();
  rmSync(work, { recursive: true, force: true });
}

type WriteRuns = Record<WriteCase, Record<Mode, { seconds: number[]; requests: number; writes: number; exit: string }>>;

/** Writing requests do not change from round to round: counted once, on a warm store. */
async function countWrites(common: string[]): Promise<Record<string, string | number>> {
  fake.clearRequests();
  const tagging = await timedCli([...common, '--tag-only']);
  const writes = fake.writeRequests().length;
  const groups = tagging.report.groups.length;
  fake.clearRequests();
  await timedCli([...common, '--tag-only']);
  const secondWrites = fake.writeRequests().length;
  // Resolve in Immich: review page and similarity metadata for every group, then again.
  fake.clearRequests();
  const resolving = await timedCli([...common, '--immich-review', '--write-similarity']);
  const resolveWrites = fake.writeRequests().length;
  const resolveReads = fake.requests().length - resolveWrites;
  fake.clearRequests();
  const again = await timedCli([...common, '--immich-review', '--write-similarity']);
  const resolveSecondWrites = fake.writeRequests().length;
  resetWrites(fake.state);
  return {
    [`tag ${groups} groups: writing requests`]: writes,
    'tag again (idempotent): writing requests': secondWrites,
    [`--immich-review --write-similarity, ${groups} groups: writing requests`]: resolveWrites,
    '--immich-review --write-similarity: other requests, seconds': `${resolveReads}, ${resolving.seconds.toFixed(1)} s`,
    '--immich-review --write-similarity again: writing requests, seconds': `${resolveSecondWrites}, ${again.seconds.toFixed(1)} s`,
  };
}

/** With and without read-back, alternating which goes first, each from the seeded state. */
async function timeWrites(common: string[], round: number, previous: WriteRuns | undefined): Promise<WriteRuns> {
  const runs: WriteRuns = previous ?? {
    tag: { readBack: { seconds: [], requests: 0, writes: 0, exit: '' }, noVerify: { seconds: [], requests: 0, writes: 0, exit: '' } },
    groups: { readBack: { seconds: [], requests: 0, writes: 0, exit: '' }, noVerify: { seconds: [], requests: 0, writes: 0, exit: '' } },
  };
  const modes: Mode[] = round % 2 === 0 ? ['readBack', 'noVerify'] : ['noVerify', 'readBack'];
  for (const name of Object.keys(WRITE_CASES) as WriteCase[]) {
    for (const mode of modes) {
      resetWrites(fake.state);
      fake.clearRequests();
      const timed = await timedCli([...common, ...WRITE_CASES[name], ...(mode === 'noVerify' ? ['--no-verify'] : [])]);
      const entry = runs[name][mode];
      entry.seconds.push(timed.seconds);
      entry.requests = fake.requests().length;
      entry.writes = fake.writeRequests().length;
      entry.exit = timed.report.groups.length === GROUPS ? 'ok' : `groups ${timed.report.groups.length}`;
    }
    log(`  ${name}: read-back ${runs[name].readBack.seconds.at(-1)?.toFixed(1)} s / ${runs[name].readBack.requests} requests, --no-verify ${runs[name].noVerify.seconds.at(-1)?.toFixed(1)} s / ${runs[name].noVerify.requests} requests`);
  }
  resetWrites(fake.state);
  return runs;
}

function writeTable(runs: WriteRuns): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(WRITE_CASES) as WriteCase[]).flatMap((name) => {
      const { readBack, noVerify } = runs[name];
      const label = name === 'tag' ? `tag ${GROUPS} groups` : `albums + favorites + stacks, ${GROUPS} groups`;
      return [
        [`${label}, read-back: seconds / requests (writing)`, `${show(spread(readBack.seconds, 1))} / ${readBack.requests} (${readBack.writes})`],
        [`${label}, --no-verify: seconds / requests (writing)`, `${show(spread(noVerify.seconds, 1))} / ${noVerify.requests} (${noVerify.writes})`],
      ];
    }),
  );
}
