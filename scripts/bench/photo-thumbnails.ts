/**
 * Thumbnails made the way Immich makes its `thumbnail` rendition (WebP, quality 80, 250 px on the
 * short side) of real-photo content, for the Immich benchmark: the synthetic grids it used before
 * cost far less to decode and hash than a real thumbnail, and hid the gap to the server's speed.
 *
 * Each picture is a mosaic of 12 tiles cut from the real photos in test/fixtures/photos (a random
 * window of a random photo, mirrored or not), each tile with its own brightness and tint, under a
 * light field of two random waves across the whole picture. Tiles of sky or lake look much alike;
 * the waves and the tile brightnesses give every picture its own low-frequency layout, so unrelated
 * pictures do not hash alike (with tiles alone, 1 pair in 2,000 pictures grouped); the photo
 * content gives real texture to decode.
 * A planted duplicate is the same mosaic encoded again at another quality, as a re-saved copy is.
 *
 * Made once per (count, pairs) and kept in the system's temporary folder: ~20 s per 1,000 on a core.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import sharp from 'sharp';

/** Bump when the pictures change: a cached set of another version is not reused. */
const VERSION = 3;
const SHORT_SIDE = 250;
const LONG_SIDE = 333;
const QUALITY = 80;
/** The second copy of a planted pair: re-encoded, not byte-identical. */
const COPY_QUALITY = 72;
const COLUMNS = 4;
const ROWS = 3;
const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/photos');

interface Picture {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * `count` thumbnails; the first `2 * pairs` come in pairs showing one picture (pairs duplicate
 * groups), every other one its own picture.
 */
export async function immichThumbnails(count: number, pairs: number, log: (line: string) => void): Promise<Buffer[]> {
  const dir = path.join(os.tmpdir(), `po-bench-thumbnails-v${VERSION}-${count}-${pairs}`);
  const file = (index: number): string => path.join(dir, `${index}.webp`);
  if (existsSync(dir) && readdirSync(dir).length === count) return Array.from({ length: count }, (_, i) => readFileSync(file(i)));
  log(`making ${count} Immich-like thumbnails in ${dir} (once) ...`);
  mkdirSync(dir, { recursive: true });
  const photos = await Promise.all(
    readdirSync(FIXTURES)
      .filter((name) => name.endsWith('.jpg'))
      .sort()
      .map(async (name) => {
        const { data, info } = await sharp(path.join(FIXTURES, name)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        return { data, width: info.width, height: info.height };
      }),
  );
  const limit = pLimit(os.availableParallelism());
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      limit(async () => {
        const planted = i < 2 * pairs;
        const seed = planted ? Math.floor(i / 2) : i;
        const picture = mosaic(photos, seed);
        const quality = planted && i % 2 === 1 ? COPY_QUALITY : QUALITY;
        const bytes = await sharp(picture.data, { raw: { width: picture.width, height: picture.height, channels: 3 } }).webp({ quality }).toBuffer();
        // Written under a temporary name: an interrupted run leaves no short file behind.
        writeFileSync(`${file(i)}.part`, bytes);
        renameSync(`${file(i)}.part`, file(i));
      }),
    ),
  );
  return Array.from({ length: count }, (_, i) => readFileSync(file(i)));
}

/** One picture per seed: landscape three times in four, as in a typical library. */
function mosaic(photos: Picture[], seed: number): Picture {
  const next = random(seed);
  const landscape = next() % 4 !== 0;
  const [width, height] = landscape ? [LONG_SIDE, SHORT_SIDE] : [SHORT_SIDE, LONG_SIDE];
  const [columns, rows] = landscape ? [COLUMNS, ROWS] : [ROWS, COLUMNS];
  const data = Buffer.alloc(width * height * 3);
  const light = lightField(next, width, height);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const x0 = Math.floor((column * width) / columns);
      const x1 = Math.floor(((column + 1) * width) / columns);
      const y0 = Math.floor((row * height) / rows);
      const y1 = Math.floor(((row + 1) * height) / rows);
      const photo = photos[next() % photos.length] as Picture;
      // A window at least the tile's size (texture is shrunk, never blown up), at most the photo's.
      const side = Math.min(photo.width, photo.height);
      const window = Math.max(x1 - x0, y1 - y0) + (next() % Math.max(1, side - Math.max(x1 - x0, y1 - y0)));
      const left = next() % Math.max(1, photo.width - window);
      const top = next() % Math.max(1, photo.height - window);
      const mirror = next() % 2 === 1;
      const gain = 0.3 + (next() % 1000) / 700;
      const tint = [0, 1, 2].map(() => 0.8 + (next() % 1000) / 2500);
      for (let y = y0; y < y1; y++) {
        const sourceY = top + Math.floor(((y - y0) * window) / (y1 - y0));
        for (let x = x0; x < x1; x++) {
          const u = Math.floor(((x - x0) * window) / (x1 - x0));
          const sourceX = left + (mirror ? window - 1 - u : u);
          const from = (sourceY * photo.width + sourceX) * 3;
          const to = (y * width + x) * 3;
          for (let channel = 0; channel < 3; channel++) {
            data[to + channel] = Math.min(255, Math.round((photo.data[from + channel] ?? 0) * gain * (tint[channel] ?? 1) * (light[y * width + x] ?? 1)));
          }
        }
      }
    }
  }
  return { data, width, height };
}

/** 1 ± 0.6 over the picture: the product of two slow waves, one across and one down, plus a diagonal one. */
function lightField(next: () => number, width: number, height: number): Float32Array {
  const wave = () => ({ cycles: 0.5 + (next() % 1000) / 500, phase: ((next() % 1000) / 1000) * 2 * Math.PI });
  const [across, down, diagonal] = [wave(), wave(), wave()];
  const field = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const v = y / height;
      field[y * width + x] =
        1 + 0.35 * Math.cos(2 * Math.PI * across.cycles * u + across.phase) * Math.cos(2 * Math.PI * down.cycles * v + down.phase) + 0.25 * Math.cos(2 * Math.PI * diagonal.cycles * (u + v) + diagonal.phase);
    }
  }
  return field;
}

/** A small seeded generator (xorshift32): the same pictures on every machine. */
function random(seed: number): () => number {
  let state = (Math.imul(seed + 1, 2654435761) ^ 0x9e3779b9) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}
