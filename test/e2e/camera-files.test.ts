/**
 * Every file a phone or camera leaves in a folder, through the built CLI: HEIC grouped with its
 * JPEG/PNG copies, a RAW file alone hashed from its preview, Live Photos and motion photos as one
 * photo, and the files that are not photos (videos, sidecars, documents, this tool's own database
 * and reports) ignored: counted, listed with -v, never reported as skipped photos.
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { readHeif } from '../../src/thumbnails/heif/libheif.js';
import { sceneJpeg, sceneRaw } from '../helpers/images.js';
import { RAW_LAYOUTS, tiffFile } from '../helpers/raw-files.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/heic');

/** A few bytes that start like the video format they are named after. */
const videoBytes = (brand: string) => Buffer.concat([Buffer.from([0, 0, 0, 20]), Buffer.from(`ftyp${brand}\0\0\0\0${brand}`, 'latin1'), Buffer.alloc(200, 9)]);

const names = (items: readonly { path: string }[]) => items.map((item) => path.basename(item.path)).sort();

describe('camera and phone files', () => {
  let folder: string;
  let db: string;
  let report: Report;
  let verbose: { stderr: string; code: number | null };

  beforeAll(async () => {
    folder = tempDir();
    db = path.join(folder, 'hashes.db');
    const heic = readFileSync(path.join(FIXTURES, 'samplefilehub.heif'));
    writeFileSync(path.join(folder, 'IMG_0100.HEIC'), heic);
    // Copies made from the HEIC's decoded pixels, as an export or a chat app would.
    const decoded = await readHeif(heic, { minThumbnailSide: 128, maxPixels: 1e8 });
    const pixels = () => sharp(decoded.pixels, { raw: { width: decoded.pixelWidth, height: decoded.pixelHeight, channels: 3 } });
    await pixels().jpeg({ quality: 90 }).toFile(path.join(folder, 'IMG_0100 export.jpg'));
    await pixels().png().toFile(path.join(folder, 'IMG_0100 export.png'));
    await pixels().resize(320).jpeg({ quality: 75 }).toFile(path.join(folder, 'IMG_0100 small.jpg'));
    writeFileSync(path.join(folder, 'IMG_0100.HEIC.json'), '{"title":"IMG_0100.HEIC"}');
    writeFileSync(path.join(folder, 'IMG_0100.xmp'), '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>');
    writeFileSync(path.join(folder, 'IMG_0100.AAE'), '<?xml version="1.0"?><plist/>');

    // A Live Photo: the still (another picture) and its video.
    writeFileSync(path.join(folder, 'IMG_0200.HEIC'), readFileSync(path.join(FIXTURES, 'iphone-13-thumbnail.heic')));
    writeFileSync(path.join(folder, 'IMG_0200.MOV'), videoBytes('qt  '));
    mkdirSync(path.join(folder, 'sent'));
    writeFileSync(path.join(folder, 'sent', 'IMG_0200.HEIC'), readFileSync(path.join(FIXTURES, 'iphone-13-thumbnail.heic')));

    // An Android motion photo: a JPEG with its video appended; and a plain copy of the still.
    const motionStill = await sceneJpeg({ seed: 82, width: 640, height: 480 });
    writeFileSync(path.join(folder, 'PXL_20230101_120000000.MP.jpg'), Buffer.concat([motionStill, videoBytes('mp42')]));
    await sharp(motionStill).resize(400).jpeg().toFile(path.join(folder, 'motion still shared.jpg'));

    // A RAW file alone, and a JPEG exported from it; a RAW with no preview; a RAW+JPEG pair.
    const rawScene = { seed: 83, width: 600, height: 400 };
    const preview = await (await sceneRaw(rawScene)).jpeg({ quality: 85 }).toBuffer();
    const thumbnail = await (await sceneRaw({ seed: 84, width: 160, height: 120 })).jpeg().toBuffer();
    writeFileSync(path.join(folder, 'DSC_0001.NEF'), (RAW_LAYOUTS.nef as NonNullable<typeof RAW_LAYOUTS.nef>)({ preview, thumbnail, make: 'NIKON CORPORATION', model: 'NIKON Z 6' }));
    await (await sceneRaw(rawScene)).resize(300).jpeg().toFile(path.join(folder, 'DSC_0001 edit.jpg'));
    writeFileSync(path.join(folder, 'DSC_0002.NEF'), tiffFile([[[0x010f, { ascii: 'NIKON CORPORATION' }], [0x0201, { offsetOf: thumbnail }], [0x0202, { long: [thumbnail.length] }]]]));
    writeFileSync(path.join(folder, 'IMG_0400.CR3'), (RAW_LAYOUTS.cr3 as NonNullable<typeof RAW_LAYOUTS.cr3>)({ preview: await sceneJpeg({ seed: 85 }), thumbnail, make: 'Canon', model: 'EOS R5' }));
    writeFileSync(path.join(folder, 'IMG_0400.JPG'), await sceneJpeg({ seed: 85 }));

    // Named like a photo, but damaged: still a skipped photo, with one line.
    writeFileSync(path.join(folder, 'broken.heic'), Buffer.concat([heic.subarray(0, 500), Buffer.alloc(500, 0x55)]));
    // Not photos.
    writeFileSync(path.join(folder, 'clip.mp4'), videoBytes('isom'));
    writeFileSync(path.join(folder, 'notes.txt'), 'shopping list\n');
    writeFileSync(path.join(folder, 'README.md'), '# holiday\n');
    mkdirSync(path.join(folder, 'reports'));

    // First run: the database (with its -wal/-shm/.lock) and the reports land inside the folder.
    const first = await runCli(['organize', '-s', folder, '--save-hashes', db, '--report', path.join(folder, 'reports', 'groups.html'), path.join(folder, 'reports', 'groups.csv')]);
    expect(first.code, first.stderr).toBe(0);
    const again = await runCli(['organize', '-s', folder, '--save-hashes', db, '--json']);
    expect(again.code, again.stderr).toBe(0);
    report = JSON.parse(again.stdout) as Report;
    verbose = await runCli(['organize', '-s', folder, '--save-hashes', db, '-v', '--report', path.join(folder, 'reports', 'groups.json')]);
  });

  it('groups a HEIC with the JPEG, PNG and resized copies made from it, and a RAW with its export', () => {
    const groups = report.groups.map((group) => names(group.items));
    expect(groups).toContainEqual(['IMG_0100 export.jpg', 'IMG_0100 export.png', 'IMG_0100 small.jpg', 'IMG_0100.HEIC']);
    expect(groups).toContainEqual(['DSC_0001 edit.jpg', 'DSC_0001.NEF']);
    expect(groups).toContainEqual(['PXL_20230101_120000000.MP.jpg', 'motion still shared.jpg']);
    expect(groups).toContainEqual(['IMG_0200.HEIC', 'IMG_0200.HEIC']);
    expect(groups).toHaveLength(4);
    const raw = report.groups.flatMap((group) => group.items).find((item) => item.path.endsWith('DSC_0001.NEF'));
    expect(raw).toMatchObject({ format: 'raw', camera: 'NIKON CORPORATION NIKON Z 6', width: 600, height: 400 });
  });

  it('counts a Live Photo, a motion photo and a RAW+JPEG pair as one photo each, their other halves never reported', () => {
    // 4 files of the HEIC's picture, the Live Photo and its copy, motion photo + its copy, RAW + export, DSC_0002, IMG_0400 pair, broken.heic.
    expect(report.stats).toMatchObject({ photos: 13, reused: 11, skipped: 2, failed: 0 });
    const live = report.groups.flatMap((group) => group.items).filter((item) => item.path.endsWith('IMG_0200.HEIC'));
    expect(live.map((item) => (item.siblings ?? []).map((sibling) => path.basename(sibling)))).toEqual(expect.arrayContaining([['IMG_0200.MOV'], []]));
    expect(report.skipped.some((item) => item.path.endsWith('.MOV'))).toBe(false);
    const written = JSON.parse(readFileSync(path.join(folder, 'reports', 'groups.json'), 'utf8')) as Report;
    expect(written.stats.photos).toBe(13);
    expect(verbose.stderr).not.toMatch(/ignored \(not a photo\): .*IMG_0200\.MOV/);
  });

  it('shows HEIC and RAW photos in the contact sheet through previews made from them', () => {
    const html = readFileSync(path.join(folder, 'reports', 'groups.html'), 'utf8');
    // 10 photos in groups; the two copies of IMG_0200.HEIC share one thumbnail.
    expect(html.match(/\{"src":"data:image\//g)).toHaveLength(9);
  });

  it('skips only the photos it cannot read, each with one line', () => {
    const skipped = Object.fromEntries(report.skipped.map((item) => [path.basename(item.path), item.reason]));
    expect(Object.keys(skipped).sort()).toEqual(['DSC_0002.NEF', 'broken.heic']);
    expect(skipped['DSC_0002.NEF']).toBe('no preview in this RAW file');
    expect(skipped['broken.heic']).toMatch(/^cannot decode image: .*HEIF/);
    expect(skipped['broken.heic']).not.toContain('\n');
  });

  it('ignores the files that are not photos: counted, listed with -v, in the summary', () => {
    const ignored = [...verbose.stderr.matchAll(/^ignored \(not a photo\): (.*)$/gm)].map((match) => path.basename(match[1] as string)).sort();
    for (const name of ['IMG_0100.HEIC.json', 'IMG_0100.xmp', 'IMG_0100.AAE', 'clip.mp4', 'notes.txt', 'README.md', 'groups.html', 'groups.csv', 'hashes.db', 'hashes.db.lock']) {
      expect(ignored).toContain(name);
    }
    expect(ignored.every((name) => !/\.(heic|jpg|png|nef|cr3)$/i.test(name))).toBe(true);
    expect(report.stats.ignored).toBeGreaterThanOrEqual(10);
    expect(verbose.stderr).toMatch(new RegExp(`; ${ignored.length} other files ignored\\n`));
  });
});
