/**
 * The camera-library case of issue 16, end to end through the built CLI: eight camera originals
 * (sharp-made JPEGs with Make, Model and DateTimeOriginal), each beside what a library collects — a
 * quality-98 re-save without EXIF (`name (1).jpg`), an edited export (brightened, Software: GIMP), a
 * watermarked blog copy and a small messenger copy. Every group must keep its original, from the
 * local folder and from the same files uploaded to the fake Immich (thumbnails and the listing's
 * exifInfo only), which must choose the same photos.
 */

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { makeImmichThumbnail, startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { sceneRaw } from '../helpers/images.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const fixtures = path.resolve(import.meta.dirname, '../fixtures/photos');
const CAMERAS = [
  ['Canon', 'Canon EOS R5'], ['NIKON CORPORATION', 'NIKON Z 6'], ['SONY', 'ILCE-7M3'], ['FUJIFILM', 'X-T4'],
  ['Apple', 'iPhone 13'], ['Google', 'Pixel 7'], ['samsung', 'SM-G991B'], ['OLYMPUS CORPORATION', 'E-M10MarkIII'],
] as const;

interface LibraryFile {
  name: string;
  bytes: Buffer;
  original: boolean;
}

/** A picture per camera: the castle fixture photo, then seeded scenes. */
async function picture(index: number): Promise<sharp.Sharp> {
  if (index === 0) return sharp(path.join(fixtures, 'castle.jpg')).resize(640);
  return (await sceneRaw({ seed: 1600 + index, width: 640, height: 480 })).jpeg({ quality: 100 }).pipe(sharp());
}

async function library(): Promise<LibraryFile[]> {
  const files: LibraryFile[] = [];
  for (const [index, [make, model]] of CAMERAS.entries()) {
    const name = `IMG_${1000 + index}`;
    const date = `2023:05:0${index + 1} 10:1${index}:00`;
    const original = await (await picture(index)).jpeg({ quality: 92 }).withExif({ IFD0: { Make: make, Model: model }, IFD2: { DateTimeOriginal: date } }).toBuffer();
    const { width = 0, height = 0 } = await sharp(original).metadata();
    const mark = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="${width - 16}" y="${height - 18}" text-anchor="end" font-family="DejaVu Sans" font-weight="bold" font-size="${Math.round(height * 0.08)}" fill="white" fill-opacity="0.8" stroke="black" stroke-width="2">© my photo blog</text></svg>`,
    );
    files.push(
      { name: `camera/${name}.jpg`, bytes: original, original: true },
      { name: `camera/${name} (1).jpg`, bytes: await sharp(original).jpeg({ quality: 98 }).toBuffer(), original: false },
      {
        name: `export/${name}-edit.jpg`,
        bytes: await sharp(original).linear(1.1, 16).jpeg({ quality: 95 }).withExif({ IFD0: { Make: make, Model: model, Software: 'GIMP 2.10.34' }, IFD2: { DateTimeOriginal: date } }).toBuffer(),
        original: false,
      },
      { name: `blog/${name}-web.jpg`, bytes: await sharp(original).composite([{ input: mark }]).jpeg({ quality: 90 }).toBuffer(), original: false },
      { name: `messenger/IMG-2023050${index + 1}-WA000${index}.jpg`, bytes: await sharp(original).resize(Math.round(width * 0.6)).jpeg({ quality: 70 }).toBuffer(), original: false },
    );
  }
  return files;
}

const bestNames = (report: Report) => report.groups.map((group) => path.basename(group.items.find((item) => item.id === group.best)?.path ?? '')).sort();

describe('the best photo of a camera library', () => {
  let files: LibraryFile[];
  let fake: FakeImmich;
  let key: string;
  const originals = () => files.filter((file) => file.original).map((file) => path.basename(file.name)).sort();

  beforeAll(async () => {
    files = await library();
    fake = await startFakeImmich();
    const seeded = fake.seedUser();
    key = seeded.key;
    // What Immich's listing knows of each upload: size, pixels, and the EXIF it extracted (make, model, date).
    for (const [index, file] of files.entries()) {
      const meta = await sharp(file.bytes).metadata();
      const camera = file.original || file.name.startsWith('export/') ? CAMERAS[Math.floor(index / 5)] : undefined;
      fake.state.addAsset({
        ownerId: seeded.user.id,
        originalFileName: path.basename(file.name),
        checksum: createHash('sha1').update(file.bytes).digest('base64'),
        fileCreatedAt: new Date(Date.UTC(2024, 4, 1, 0, index)).toISOString(),
        width: meta.width ?? 0,
        height: meta.height ?? 0,
        thumbnail: await makeImmichThumbnail(file.bytes),
        exif: { fileSizeInByte: file.bytes.length, ...(camera ? { make: camera[0], model: camera[1] } : {}) },
      });
    }
  }, 60_000);
  afterAll(async () => fake.close());

  it('keeps every original, locally and in Immich, and Immich chooses what the local run chose', async () => {
    const root = tempDir();
    for (const file of files) {
      mkdirSync(path.dirname(path.join(root, 'photos', file.name)), { recursive: true });
      writeFileSync(path.join(root, 'photos', file.name), file.bytes);
    }
    const local = await runCli(['organize', '-s', path.join(root, 'photos'), '--save-hashes', path.join(root, 'local.db'), '--json']);
    expect(local.code).toBe(0);
    const localReport = JSON.parse(local.stdout) as Report;
    expect(localReport.groups).toHaveLength(CAMERAS.length);
    // Grouping itself is not under test here: nearly every copy must be in its original's group.
    expect(localReport.stats.grouped).toBeGreaterThanOrEqual(files.length - 2);
    expect(bestNames(localReport)).toEqual(originals());
    const edits = localReport.groups.flatMap((group) => group.items.filter((item) => item.path.includes('-edit')));
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.every((item) => item.notKeptBecause === 'saved by an editor (GIMP 2.10.34)')).toBe(true);

    // A warm run reads everything back from the store and decides the same.
    const warm = await runCli(['organize', '-s', path.join(root, 'photos'), '--save-hashes', path.join(root, 'local.db'), '--json']);
    const warmReport = JSON.parse(warm.stdout) as Report;
    expect(warmReport.stats.reused).toBe(files.length);
    expect(warmReport.groups.map((group) => [group.best, group.bestReason])).toEqual(localReport.groups.map((group) => [group.best, group.bestReason]));

    const immich = await runCli(['organize', '--source', 'immich', '--immich-url', fake.url, '--save-hashes', path.join(root, 'immich.db'), '--cache-dir', path.join(root, 'cache'), '--json'], {
      env: { IMMICH_API_KEY: key },
    });
    expect(immich.code).toBe(0);
    const immichReport = JSON.parse(immich.stdout) as Report;
    expect(bestNames(immichReport)).toEqual(bestNames(localReport));
    // No original was downloaded for this: thumbnails only.
    expect(fake.requests((request) => request.path.includes('/original'))).toEqual([]);
    expect(fake.violations()).toEqual([]);
  }, 120_000);

  it('keeps the clean original of the bundled sample, not its watermarked copy', async () => {
    const root = tempDir();
    const sample = path.resolve(import.meta.dirname, '../../sample');
    const result = await runCli(['organize', '-s', sample, '--save-hashes', path.join(root, 'sample.db'), '--json']);
    const report = JSON.parse(result.stdout) as Report;
    const trees = report.groups.find((group) => group.items.some((item) => item.path.endsWith('trees-above-watermark.jpg')));
    expect(trees?.best).toBe(path.join(sample, 'camera/trees-above.jpg'));
    expect(trees?.bestReason).toBe('the other has added content in the lower right');
  });
});
