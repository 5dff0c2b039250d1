/**
 * Immich benchmark (run by `npm run bench` through vite-node, since the fake server is TypeScript):
 * 20,000 assets on the fake Immich server with 5 ms latency per request; the built CLI runs cold
 * (every thumbnail fetched and hashed), warm (cache and store reused: no thumbnail request), and
 * tagging 2,000 duplicate groups (counting the writing requests). Prints one JSON line.
 */

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { startFakeImmich } from '../../test/helpers/fake-immich/index.js';

const run = promisify(execFile);
const ASSETS = Number(process.env.PO_BENCH_ASSETS ?? 20_000);
const GROUPS = Number(process.env.PO_BENCH_GROUPS ?? 2_000);
const LATENCY_MS = 5;
const bin = path.resolve(import.meta.dirname, '../../bin/photo-organizer.js');
const wrapper = path.resolve(import.meta.dirname, 'peak-rss.mjs');

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

async function timedCli(args: string[]): Promise<{ seconds: number; peakRssMB: number; report: { stats: Record<string, number>; groups: unknown[] } }> {
  const started = performance.now();
  const { stdout, stderr } = await run(process.execPath, [wrapper, bin, ...args], { maxBuffer: 1 << 28 });
  const seconds = (performance.now() - started) / 1000;
  const rss = Number(/peak-rss-kb=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  return { seconds, peakRssMB: Math.round(rss / 1024), report: JSON.parse(stdout) as { stats: Record<string, number>; groups: unknown[] } };
}

const fake = await startFakeImmich();
const work = mkdtempSync(path.join(os.tmpdir(), 'po-bench-immich-'));
try {
  const { user, key } = fake.seedUser();
  for (let i = 0; i < ASSETS; i++) {
    // The first 2 * GROUPS assets come in pairs sharing a picture: GROUPS duplicate groups.
    const picture = i < 2 * GROUPS ? Math.floor(i / 2) : i;
    fake.state.addAsset({
      ownerId: user.id,
      originalFileName: `IMG_${String(i).padStart(6, '0')}.jpg`,
      checksum: Buffer.from(`asset-${i}`.padEnd(20, '.')).toString('base64'),
      fileCreatedAt: new Date(Date.UTC(2024, 0, 1) - i * 60_000).toISOString(),
      width: 4000,
      height: 3000,
      thumbnail: await distinctThumbnail(picture),
      exif: { fileSizeInByte: 3_000_000 + i },
    });
  }
  fake.faults.setLatency(LATENCY_MS);
  const common = ['organize', '--source', 'immich', '--immich-url', fake.url, '--immich-api-key', key, '--save-hashes', path.join(work, 'h.db'), '--cache-dir', path.join(work, 'cache'), '--json', '--concurrency', '8'];

  fake.clearRequests();
  const cold = await timedCli(common);
  const coldThumbnails = fake.thumbnailRequests().length;
  fake.clearRequests();
  const warm = await timedCli(common);
  const warmThumbnails = fake.thumbnailRequests().length;
  fake.clearRequests();
  const tagging = await timedCli([...common, '--tag-only']);
  const writes = fake.writeRequests().length;
  fake.clearRequests();
  await timedCli([...common, '--tag-only']);
  const secondWrites = fake.writeRequests().length;

  const result = {
    case: 'immich',
    assets: ASSETS,
    latencyMs: LATENCY_MS,
    groups: tagging.report.groups.length,
    table: {
      'cold: assets/s': Math.round(ASSETS / cold.seconds),
      'cold: seconds / peak RSS MB': `${cold.seconds.toFixed(1)} / ${cold.peakRssMB}`,
      'cold: thumbnail requests': coldThumbnails,
      'warm (no change): seconds / peak RSS MB': `${warm.seconds.toFixed(1)} / ${warm.peakRssMB}`,
      'warm: assets/s': Math.round(ASSETS / warm.seconds),
      'warm: thumbnail requests': warmThumbnails,
      [`tag ${tagging.report.groups.length} groups: writing requests`]: writes,
      'tag again (idempotent): writing requests': secondWrites,
    },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await fake.close();
  rmSync(work, { recursive: true, force: true });
}
