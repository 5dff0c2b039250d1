/**
 * Immich benchmark (run by `npm run bench` through vite-node, since the fake server is TypeScript):
 * 20,000 assets on the fake Immich server with 5 ms latency per request; the built CLI runs cold
 * (every thumbnail fetched and hashed), warm (cache and store reused: no thumbnail request),
 * tagging 2,000 duplicate groups, and putting them on Immich's review page with similarity metadata
 * (`--immich-review --write-similarity`), each twice, counting the writing requests. Each round starts cold in a fresh
 * folder; min/median/max over rounds (`PO_BENCH_ROUNDS`, default 3). Prints one JSON line.
 *
 * The writing runs (tag 2,000 groups; albums + favorites + stacks for 2,000 groups) are timed with
 * read-back and with `--no-verify`, interleaved in each round on a warm store, from the same server
 * state: seconds and every request the run sends.
 *
 * Next to the CLI, the floors it cannot beat at the same concurrency against the same server: paging
 * through the listing, and fetching every thumbnail without decoding it. CPU seconds (user + system)
 * of the CLI are reported too: on a busy machine they move far less than wall time.
 */

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { Agent } from 'undici';
import { startFakeImmich } from '../../test/helpers/fake-immich/index.js';

const run = promisify(execFile);
const ASSETS = Number(process.env.PO_BENCH_ASSETS ?? 20_000);
const GROUPS = Number(process.env.PO_BENCH_GROUPS ?? 2_000);
const ROUNDS = Math.max(1, Number(process.env.PO_BENCH_ROUNDS ?? 3));
const LATENCY_MS = 5;
const CONCURRENCY = 8;
const bin = path.resolve(import.meta.dirname, '../../bin/photo-organizer.js');
const wrapper = path.resolve(import.meta.dirname, 'peak-rss.mjs');
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** A distinct picture per seed: a coarse random grid, smoothly upscaled, as a WebP thumbnail. */
async function distinctThumbnail(seed: number): Promise<Buffer> {
  let state = seed * 2654435761 + 1;
  const cells = Buffer.alloc(8 * 6 * 3);
  for (let i = 0; i < cells.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    cells[i] = state >>> 24;
  }
  return sharp(cells, { raw: { width: 8, height: 6, channels: 3 } }).resize(333, 250, { kernel: 'cubic' }).webp({ quality: 80 }).toBuffer();
}

interface CliRun {
  seconds: number;
  cpuSeconds: number;
  peakRssMB: number;
  report: { stats: Record<string, number>; groups: unknown[] };
}

async function timedCli(args: string[]): Promise<CliRun> {
  const started = performance.now();
  const { stdout, stderr } = await run(process.execPath, [wrapper, bin, ...args], { maxBuffer: 1 << 28 });
  const seconds = (performance.now() - started) / 1000;
  const rss = Number(/peak-rss-kb=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  const cpu = Number(/cpu-ms=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  return { seconds, cpuSeconds: cpu / 1000, peakRssMB: Math.round(rss / 1024), report: JSON.parse(stdout) as CliRun['report'] };
}

/** Every page of the listing (with exif, as the CLI asks), `CONCURRENCY` connections, nothing parsed beyond JSON. */
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

/** Every thumbnail fetched once, `CONCURRENCY` at a time, bytes read and dropped. */
async function fetchFloor(agent: Agent, origin: string, key: string, ids: string[]): Promise<number> {
  const limit = pLimit(CONCURRENCY);
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

function spread(values: number[], digits = 1): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (value: number): number => Math.round(value * 10 ** digits) / 10 ** digits;
  return { min: round(sorted[0] ?? Number.NaN), median: round(sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN), max: round(sorted.at(-1) ?? Number.NaN) };
}

const show = (s: { min: number; median: number; max: number }): string => `${s.median} (${s.min}–${s.max})`;

const fake = await startFakeImmich();
const work = mkdtempSync(path.join(os.tmpdir(), 'po-bench-immich-'));
const agent = new Agent({ connections: CONCURRENCY });
try {
  const { user, key } = fake.seedUser();
  const seeding = pLimit(os.availableParallelism() * 2);
  // The first 2 * GROUPS assets come in pairs sharing a picture: GROUPS duplicate groups.
  const thumbnails = await Promise.all(Array.from({ length: ASSETS }, (_, i) => seeding(() => distinctThumbnail(i < 2 * GROUPS ? Math.floor(i / 2) : i))));
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
  fake.faults.setLatency(LATENCY_MS);
  const origin = new URL(fake.url).origin;

  const cold: CliRun[] = [];
  const warm: CliRun[] = [];
  const listFloor: number[] = [];
  const thumbFloor: number[] = [];
  let coldThumbnails = 0;
  let warmThumbnails = 0;
  let writes = 0;
  let secondWrites = 0;
  let groups = 0;
  let resolveWrites = 0;
  let resolveReads = 0;
  let resolveSeconds = 0;
  let resolveSecondWrites = 0;
  let resolveSecondSeconds = 0;
  const writeRuns: Record<WriteCase, Record<Mode, { seconds: number[]; requests: number; writes: number; exit: string }>> = {
    tag: { readBack: { seconds: [], requests: 0, writes: 0, exit: '' }, noVerify: { seconds: [], requests: 0, writes: 0, exit: '' } },
    groups: { readBack: { seconds: [], requests: 0, writes: 0, exit: '' }, noVerify: { seconds: [], requests: 0, writes: 0, exit: '' } },
  };
  for (let round = 0; round < ROUNDS; round++) {
    const dir = path.join(work, `round-${round}`);
    mkdirSync(dir);
    const common = ['organize', '--source', 'immich', '--immich-url', fake.url, '--immich-api-key', key, '--save-hashes', path.join(dir, 'h.db'), '--cache-dir', path.join(dir, 'cache'), '--json', '--concurrency', String(CONCURRENCY)];
    const listed = await listingFloor(agent, origin, key);
    listFloor.push(listed.seconds);
    thumbFloor.push(await fetchFloor(agent, origin, key, listed.ids));
    fake.clearRequests();
    cold.push(await timedCli(common));
    coldThumbnails = fake.thumbnailRequests().length;
    fake.clearRequests();
    warm.push(await timedCli(common));
    warmThumbnails = fake.thumbnailRequests().length;
    log(`round ${round + 1}/${ROUNDS}: cold ${cold.at(-1)?.seconds.toFixed(1)} s ${cold.at(-1)?.peakRssMB} MB, warm ${warm.at(-1)?.seconds.toFixed(1)} s ${warm.at(-1)?.peakRssMB} MB`);
    // With and without read-back, alternating which goes first, each from the seeded state.
    const modes: Mode[] = round % 2 === 0 ? ['readBack', 'noVerify'] : ['noVerify', 'readBack'];
    for (const name of Object.keys(WRITE_CASES) as WriteCase[]) {
      for (const mode of modes) {
        resetWrites(fake.state);
        fake.clearRequests();
        const timed = await timedCli([...common, ...WRITE_CASES[name], ...(mode === 'noVerify' ? ['--no-verify'] : [])]);
        const entry = writeRuns[name][mode];
        entry.seconds.push(timed.seconds);
        entry.requests = fake.requests().length;
        entry.writes = fake.writeRequests().length;
        entry.exit = timed.report.groups.length === GROUPS ? 'ok' : `groups ${timed.report.groups.length}`;
      }
      log(`  ${name}: read-back ${writeRuns[name].readBack.seconds.at(-1)?.toFixed(1)} s / ${writeRuns[name].readBack.requests} requests, --no-verify ${writeRuns[name].noVerify.seconds.at(-1)?.toFixed(1)} s / ${writeRuns[name].noVerify.requests} requests`);
    }
    resetWrites(fake.state);
    if (round > 0) continue;
    // Writing requests do not change from round to round: counted once.
    fake.clearRequests();
    const tagging = await timedCli([...common, '--tag-only']);
    writes = fake.writeRequests().length;
    groups = tagging.report.groups.length;
    fake.clearRequests();
    await timedCli([...common, '--tag-only']);
    secondWrites = fake.writeRequests().length;
    // Resolve in Immich: review page and similarity metadata for every group, then again.
    fake.clearRequests();
    const resolving = await timedCli([...common, '--immich-review', '--write-similarity']);
    resolveWrites = fake.writeRequests().length;
    resolveReads = fake.requests().length - resolveWrites;
    resolveSeconds = resolving.seconds;
    fake.clearRequests();
    const again = await timedCli([...common, '--immich-review', '--write-similarity']);
    resolveSecondWrites = fake.writeRequests().length;
    resolveSecondSeconds = again.seconds;
  }

  const coldSeconds = spread(cold.map((r) => r.seconds));
  const warmSeconds = spread(warm.map((r) => r.seconds));
  const result = {
    case: 'immich',
    assets: ASSETS,
    latencyMs: LATENCY_MS,
    concurrency: CONCURRENCY,
    rounds: ROUNDS,
    groups,
    cold: { seconds: coldSeconds, cpuSeconds: spread(cold.map((r) => r.cpuSeconds)), peakRssMB: spread(cold.map((r) => r.peakRssMB), 0) },
    warm: { seconds: warmSeconds, cpuSeconds: spread(warm.map((r) => r.cpuSeconds)), peakRssMB: spread(warm.map((r) => r.peakRssMB), 0) },
    floors: { listingSeconds: spread(listFloor, 2), thumbnailFetchSeconds: spread(thumbFloor) },
    table: {
      'cold: seconds': show(coldSeconds),
      'cold: assets/s': show(spread(cold.map((r) => ASSETS / r.seconds), 0)),
      'cold: CPU seconds (user+sys)': show(spread(cold.map((r) => r.cpuSeconds))),
      'cold: peak RSS MB': show(spread(cold.map((r) => r.peakRssMB), 0)),
      'cold: thumbnail requests': coldThumbnails,
      'floor: fetch every thumbnail, seconds': show(spread(thumbFloor)),
      'floor: page the listing, seconds': show(spread(listFloor, 2)),
      'warm (no change): seconds': show(warmSeconds),
      'warm: assets/s': show(spread(warm.map((r) => ASSETS / r.seconds), 0)),
      'warm: CPU seconds (user+sys)': show(spread(warm.map((r) => r.cpuSeconds))),
      'warm: peak RSS MB': show(spread(warm.map((r) => r.peakRssMB), 0)),
      'warm: thumbnail requests': warmThumbnails,
      [`tag ${groups} groups: writing requests`]: writes,
      'tag again (idempotent): writing requests': secondWrites,
      [`--immich-review --write-similarity, ${groups} groups: writing requests`]: resolveWrites,
      '--immich-review --write-similarity: other requests, seconds': `${resolveReads}, ${resolveSeconds.toFixed(1)} s`,
      '--immich-review --write-similarity again: writing requests, seconds': `${resolveSecondWrites}, ${resolveSecondSeconds.toFixed(1)} s`,
      ...Object.fromEntries(
        (Object.keys(WRITE_CASES) as WriteCase[]).flatMap((name) => {
          const { readBack, noVerify } = writeRuns[name];
          const label = name === 'tag' ? `tag ${groups} groups` : `albums + favorites + stacks, ${groups} groups`;
          return [
            [`${label}, read-back: seconds / requests (writing)`, `${show(spread(readBack.seconds))} / ${readBack.requests} (${readBack.writes})`],
            [`${label}, --no-verify: seconds / requests (writing)`, `${show(spread(noVerify.seconds))} / ${noVerify.requests} (${noVerify.writes})`],
          ];
        }),
      ),
    },
    writeRuns,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await agent.close();
  await fake.close();
  rmSync(work, { recursive: true, force: true });
}
