/**
 * The hash stage's two bounds, against the fake Immich and real photos: requests in flight follow
 * the source's download setting and decodes the CPU setting (counted where they happen: at the
 * server, and in sharp's own task counter), a 429's Retry-After is still waited for, and the
 * stored fingerprints and looks and the groups are the same with one worker as with many.
 */

import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { organize } from '../../src/pipeline.js';
import { ImmichPhotoSource } from '../../src/sources/immich/immich-photo-source.js';
import { LocalPhotoSource } from '../../src/sources/local/local-photo-source.js';
import { ThumbnailCache } from '../../src/thumbnails/thumbnail-cache.js';
import { isThumbnailRequest, makeImmichThumbnail, startFakeImmich, type FakeImmich, type SeededUser } from '../helpers/fake-immich/index.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/photos');
let fake: FakeImmich;
let me: SeededUser;

/** The real photos, and copies of each as a user's library has them: re-saved smaller, mirrored, re-encoded. */
async function library(): Promise<{ name: string; bytes: Buffer }[]> {
  const photos: { name: string; bytes: Buffer }[] = [];
  for (const name of ['castle.jpg', 'lake-half-a.jpg', 'lake-half-b.jpg']) {
    const bytes = readFileSync(path.join(FIXTURES, name));
    const stem = name.replace('.jpg', '');
    photos.push({ name, bytes });
    photos.push({ name: `${stem}-small.jpg`, bytes: await sharp(bytes).resize({ width: 300 }).jpeg({ quality: 70 }).toBuffer() });
    photos.push({ name: `${stem}-mirrored.jpg`, bytes: await sharp(bytes).flop().jpeg({ quality: 85 }).toBuffer() });
    photos.push({ name: `${stem}-grey.jpg`, bytes: await sharp(bytes).greyscale().jpeg({ quality: 90 }).toBuffer() });
  }
  return photos;
}

/** Every stored row that hashing wrote, by id: fingerprint and look bytes. */
function storedRows(storeFile: string): Record<string, string> {
  const db = new Database(storeFile, { readonly: true });
  try {
    const rows = db.prepare('SELECT id, fingerprint, look FROM photos ORDER BY id').all() as { id: string; fingerprint: Buffer; look: Buffer }[];
    return Object.fromEntries(rows.map((row) => [row.id, `${row.fingerprint.toString('hex')}/${row.look.toString('hex')}`]));
  } finally {
    db.close();
  }
}

/** Each group's file names, sorted, the groups sorted: comparable between runs. */
function namesOf(groups: readonly { members: readonly { photo: { path: string } }[] }[]): string[][] {
  return groups.map((group) => group.members.map((member) => path.basename(member.photo.path)).sort()).sort();
}

async function immichRun(options: { concurrency: number; download: number }): Promise<{ storeFile: string; groups: string[][] }> {
  const dir = tempDir('po-hash-concurrency');
  const cache = await ThumbnailCache.open({ cacheDir: path.join(dir, 'cache') });
  const source = await ImmichPhotoSource.open({ baseUrl: fake.url, apiKey: me.key, cache, concurrency: options.download, retryBaseDelayMs: 5 });
  const storeFile = path.join(dir, 'hashes.db');
  try {
    const { report, groups } = await organize({ source, storeFile, threshold: 8, dryRun: true, concurrency: options.concurrency });
    expect(report.stats.failed).toBe(0);
    return { storeFile, groups: namesOf(groups) };
  } finally {
    await source.close();
    await cache.close();
  }
}

beforeAll(async () => {
  fake = await startFakeImmich();
  me = fake.seedUser();
  let minute = 0;
  for (const { name, bytes } of await library()) {
    const { width = 0, height = 0 } = await sharp(bytes).metadata();
    fake.state.addAsset({ ownerId: me.user.id, originalFileName: name, original: bytes, width, height, thumbnail: await makeImmichThumbnail(bytes), fileCreatedAt: new Date(Date.UTC(2024, 0, 1, 0, minute++)).toISOString() });
  }
});

afterEach(() => {
  fake.faults.clear();
  const violations = fake.violations();
  fake.clearRequests();
  expect(violations).toEqual([]);
});

afterAll(async () => {
  await fake.close();
});

describe('hash stage concurrency', () => {
  it('keeps the download setting in flight at the server while decoding one photo at a time', async () => {
    // Every answer waits 40 ms: the client's requests pile up at the server up to its bound.
    fake.faults.setLatency(40);
    const decodesAtOnce: number[] = [];
    fake.onHandled((request) => {
      if (isThumbnailRequest(request)) decodesAtOnce.push(sharp.counters().process);
    });
    await immichRun({ concurrency: 1, download: 4 });
    expect(fake.thumbnailRequests()).toHaveLength(12);
    // Before the split, a run decoding one photo at a time also fetched one at a time.
    expect(fake.peakInFlight()).toBeGreaterThan(1);
    expect(fake.peakInFlight()).toBeLessThanOrEqual(4);
    expect(Math.max(...decodesAtOnce)).toBeLessThanOrEqual(1);
  });

  it('still waits out a 429 and its Retry-After on thumbnails', async () => {
    const arrivals = new Map<string, number[]>();
    fake.onHandled((request) => {
      if (isThumbnailRequest(request)) arrivals.set(request.apiPath, [...(arrivals.get(request.apiPath) ?? []), Date.now()]);
    });
    fake.faults.rateLimit(2, 1, (target) => /\/thumbnail$/.test(target.apiPath));
    await immichRun({ concurrency: 2, download: 8 });
    const limited = fake.requests((r) => r.status === 429);
    expect(limited).toHaveLength(2);
    for (const request of limited) {
      const [refused, retried] = arrivals.get(request.apiPath) ?? [];
      expect(retried).toBeDefined();
      expect((retried ?? 0) - (refused ?? 0)).toBeGreaterThanOrEqual(950);
    }
  });

  it('stores the same fingerprints and looks and finds the same groups with one worker and with many (Immich)', async () => {
    const one = await immichRun({ concurrency: 1, download: 1 });
    const many = await immichRun({ concurrency: 4, download: 16 });
    expect(storedRows(many.storeFile)).toEqual(storedRows(one.storeFile));
    expect(Object.keys(storedRows(one.storeFile))).toHaveLength(12);
    expect(many.groups).toEqual(one.groups);
    // The castle and its copies group; the two halves of the lake photo never do.
    expect(one.groups.some((group) => group.includes('castle.jpg') && group.includes('castle-small.jpg'))).toBe(true);
    expect(one.groups.some((group) => group.includes('lake-half-a.jpg') && group.includes('lake-half-b.jpg'))).toBe(false);
  });

  it('stores the same fingerprints and looks and finds the same groups with one worker and with many (local)', async () => {
    const folder = tempDir('po-hash-local');
    for (const { name, bytes } of await library()) writeFileSync(path.join(folder, name), bytes);
    copyFileSync(path.join(FIXTURES, 'castle.jpg'), path.join(folder, 'castle-copy.jpg'));
    const run = async (concurrency: number) => {
      const storeFile = path.join(tempDir('po-hash-local-store'), 'hashes.db');
      const source = new LocalPhotoSource({ folders: [{ path: folder, reference: false }] });
      const { groups } = await organize({ source, storeFile, threshold: 8, dryRun: true, concurrency });
      return { rows: storedRows(storeFile), groups: namesOf(groups) };
    };
    const one = await run(1);
    const many = await run(4);
    expect(many.rows).toEqual(one.rows);
    expect(Object.keys(one.rows)).toHaveLength(13);
    expect(many.groups).toEqual(one.groups);
    expect(one.groups.length).toBeGreaterThan(0);
  });
});
