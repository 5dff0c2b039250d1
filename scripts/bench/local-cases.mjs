/**
 * Local hashing benchmarks, in-process against the built library (dist/):
 *   cold  — hash camera-sized JPEGs with a fresh store, next to the decode floor
 *           (`sharp(file).resize(N)` with shrink-on-load, same files, same concurrency);
 *   warm  — the same run again, nothing changed; also the CLI's wall time less Node's start-up;
 *   warm100k — 100,000 unchanged files against a synthetic store.
 * Rounds alternate floor and ours so machine noise hits both alike; min/median/max are reported.
 * The CPU-time ratio (process-wide user+system, sharp's threads included) is printed too: on a
 * machine shared with other work, wall time swings with the neighbours, CPU per photo much less.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { spread } from './spread.mjs';

const dist = new URL('../../dist/', import.meta.url);
const load = (module) => import(new URL(module, dist).href);

export async function runLocalCases({ perfDir, rounds = 3, concurrency = os.availableParallelism(), warm100k = true }) {
  const { organize } = await load('pipeline.js');
  const { LocalPhotoSource } = await load('sources/local/local-photo-source.js');
  const { HASH_INPUT_SIZE } = await load('thumbnails/hash-input.js');
  const { DEFAULT_THRESHOLD } = await load('hashing/fingerprint.js');
  const files = readdirSync(perfDir).filter((name) => name.endsWith('.jpg')).sort().map((name) => path.join(perfDir, name));
  if (files.length === 0) throw new Error(`no JPEGs in ${perfDir}; build them with ../shared/bench/make-perf-set.sh 300 ${perfDir}`);
  const work = mkdtempSync(path.join(os.tmpdir(), 'po-bench-'));
  const run = (store) =>
    organize({ source: new LocalPhotoSource({ folders: [{ path: perfDir, reference: false }] }), storeFile: store, threshold: DEFAULT_THRESHOLD, dryRun: true, concurrency });
  try {
    // Read every file once first, so no round pays for the disk and the others for the page cache.
    await decodeFloor(files, HASH_INPUT_SIZE, concurrency);
    const floor = [];
    const cold = [];
    const warm = [];
    const floorCpu = [];
    const coldCpu = [];
    for (let round = 0; round < rounds; round++) {
      floor.push(await timed(() => decodeFloor(files, HASH_INPUT_SIZE, concurrency), floorCpu));
      const store = path.join(work, `cold-${round}.db`);
      cold.push(await timed(() => run(store), coldCpu));
      warm.push(await timed(() => run(store)));
    }
    const rate = (seconds) => files.length / seconds;
    const floorRate = spread(floor.map(rate), 3);
    const coldRate = spread(cold.map(rate), 3);
    const ratios = spread(cold.map((seconds, i) => floor[i] / seconds), 3);
    const cli = cliWarmSeconds(perfDir, path.join(work, 'cold-0.db'));
    const result = {
      case: 'local',
      photos: files.length,
      megabytes: Math.round(files.reduce((sum, file) => sum + statSync(file).size, 0) / 1e6),
      concurrency,
      hashInputSize: HASH_INPUT_SIZE,
      floorPhotosPerSecond: floorRate,
      coldPhotosPerSecond: coldRate,
      coldToFloorRatio: ratios,
      coldToFloorCpuRatio: spread(coldCpu.map((seconds, i) => floorCpu[i] / seconds), 3),
      cpuMsPerPhoto: { floor: spread(floorCpu.map((s) => (s * 1000) / files.length), 3), cold: spread(coldCpu.map((s) => (s * 1000) / files.length), 3) },
      warmSeconds: spread(warm, 3),
      warmPhotosPerSecond: spread(warm.map(rate), 3),
      cliWarmSecondsAfterStartup: cli,
    };
    if (warm100k) result.warm100k = await warmSynthetic(work, 100_000, concurrency, rounds);
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function decodeFloor(files, size, concurrency) {
  const limit = pLimit(concurrency);
  await Promise.all(files.map((file) => limit(() => sharp(file).resize(size, size, { fit: 'fill' }).raw().toBuffer())));
}

/** The CLI's wall time for a warm run, less the time Node needs to start and load the CLI. */
function cliWarmSeconds(perfDir, store) {
  const bin = new URL('../../bin/photo-organizer.js', import.meta.url).pathname;
  const times = [];
  const startups = [];
  for (let i = 0; i < 3; i++) {
    startups.push(timeSync(() => execFileSync(process.execPath, [bin, '--version'])));
    times.push(timeSync(() => execFileSync(process.execPath, [bin, 'organize', '-s', perfDir, '--save-hashes', store, '--quiet'], { stdio: 'ignore' })));
  }
  return spread(times.map((time, i) => time - (startups[i] ?? 0)), 3);
}

/** 100,000 small files, each already in the store with its size and mtime: nothing to decode. */
async function warmSynthetic(work, count, concurrency, rounds) {
  const { openStore } = await load('store/open-store.js');
  const { HashRepository } = await load('store/hash-repository.js');
  const { DEFAULT_THRESHOLD, FINGERPRINT_VERSION, HASH_SETTINGS, encodeFingerprint } = await load('hashing/fingerprint.js');
  const dir = path.join(work, 'synthetic');
  const store = path.join(work, 'synthetic.db');
  const db = openStore(store);
  const repo = new HashRepository(db);
  repo.claimIdentity({ ...HASH_SETTINGS, fingerprintVersion: FINGERPRINT_VERSION }, store);
  const header = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 60 }, () => 0)]);
  const thumbnail = new Uint8Array(32 * 32).map((_, i) => (i * 37) % 256);
  let batch = [];
  let seed = 12345;
  // splitmix64: well-spread 64-bit hashes, like those of distinct photos.
  const next64 = () => {
    seed = BigInt.asUintN(64, BigInt(seed) + 0x9e3779b97f4a7c15n);
    let z = seed;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
  for (let i = 0; i < count; i++) {
    const folder = path.join(dir, String(Math.floor(i / 1000)));
    if (i % 1000 === 0) mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `p${i}.jpg`);
    writeFileSync(file, header);
    const stats = statSync(file);
    // A full fingerprint, thumbnail included, as the hash stage stores it: the rows a warm run reads are real-sized.
    const fingerprint = { variants: Array.from({ length: 8 }, next64), cropHashes: Array.from({ length: 5 }, next64), thumbnail, width: 4000, height: 3000 };
    batch.push({
      source: 'local', id: file, changeKey: `${stats.size}:${Math.trunc(stats.mtimeMs)}`, fingerprintVersion: FINGERPRINT_VERSION,
      fingerprint: encodeFingerprint(fingerprint), checksum: `c${i}`, path: file,
      meta: { width: 4000, height: 3000, bytes: stats.size, format: 'jpeg' },
    });
    if (batch.length === 5000) {
      repo.saveBatch(batch, 'bench');
      batch = [];
    }
  }
  repo.saveBatch(batch, 'bench');
  db.close();
  const { organize } = await load('pipeline.js');
  const { LocalPhotoSource } = await load('sources/local/local-photo-source.js');
  const seconds = [];
  for (let round = 0; round < rounds; round++) {
    seconds.push(await timed(() => organize({ source: new LocalPhotoSource({ folders: [{ path: dir, reference: false }] }), storeFile: store, threshold: DEFAULT_THRESHOLD, dryRun: true, concurrency })));
  }
  return { files: count, seconds: spread(seconds, 3) };
}

/** Wall seconds of `fn`; its process CPU seconds are pushed onto `cpu` when given. */
async function timed(fn, cpu) {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(cpuStarted);
  cpu?.push((used.user + used.system) / 1e6);
  return (performance.now() - started) / 1000;
}

function timeSync(fn) {
  const started = performance.now();
  fn();
  return (performance.now() - started) / 1000;
}

