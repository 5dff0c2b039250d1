/**
 * The bar detector on real images made with sharp: it finds the photo inside a black letterbox, a
 * pillarbox, a white frame and a phone screenshot's bars, and leaves alone a photo's own dark night
 * sky or uniform sky band (and still finds the letterbox around such a photo without eating into
 * its sky).
 */

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findContentRegion, type ContentBox } from '../../src/hashing/content-region.js';
import { contentFingerprint } from '../../src/hashing/content-fingerprint.js';
import { computeFingerprint, DEFAULT_THRESHOLD, fingerprintDistance } from '../../src/hashing/fingerprint.js';
import { decodeWithHeader } from '../../src/thumbnails/hash-input.js';
import { framed, letterboxed, screenshot } from '../helpers/framed-copies.js';
import { sceneJpeg, sceneRaw } from '../helpers/images.js';
import { mulberry32 } from '../helpers/random.js';

const SIDE = 64;

async function boxOf(image: Buffer): Promise<ContentBox | undefined> {
  return findContentRegion((await decodeWithHeader(image)).grey);
}

/** Where `from`..`to` pixels of an axis `length` long fall on the 64-cell raster. */
function cells(from: number, to: number, length: number): [number, number] {
  return [(from / length) * SIDE, (to / length) * SIDE];
}

/** The box lies inside the photo's cells and loses at most `slack` cells on each side. */
function expectInside(box: ContentBox | undefined, [left, right]: [number, number], [top, bottom]: [number, number], slack = 2.5): void {
  expect(box).toBeDefined();
  const { left: l = 0, right: r = 0, top: t = 0, bottom: b = 0 } = box ?? {};
  for (const [kept, edge, inward] of [
    [l, left, 1],
    [t, top, 1],
    [r, right, -1],
    [b, bottom, -1],
  ] as const) {
    expect((kept - edge) * inward).toBeGreaterThanOrEqual(-0.01);
    expect((kept - edge) * inward).toBeLessThanOrEqual(slack);
  }
}

/** A night photo: a near-black sky with faint noise and a few stars over a lit landscape (the bottom 40 %). */
async function nightSky(): Promise<Buffer> {
  const [width, height, skyHeight] = [480, 360, 216];
  const random = mulberry32(7);
  const sky = Buffer.alloc(width * skyHeight * 3);
  for (let y = 0; y < skyHeight; y++) {
    for (let x = 0; x < width; x++) {
      const level = Math.round(2 + (10 * y) / skyHeight + random() * 3);
      sky.fill(level, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  for (let star = 0; star < 40; star++) {
    const [x, y] = [Math.floor(random() * (width - 2)), Math.floor(random() * (skyHeight - 2))];
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) sky.fill(230, ((y + dy) * width + x + dx) * 3, ((y + dy) * width + x + dx) * 3 + 3);
  }
  const land = await (await sceneRaw({ seed: 11, width, height: height - skyHeight })).png().toBuffer();
  return sharp(sky, { raw: { width, height: skyHeight, channels: 3 } })
    .extend({ bottom: height - skyHeight, background: '#000000' })
    .composite([{ input: land, left: 0, top: skyHeight }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A photo whose top third is one flat sky colour (a clear sky), over a scene. */
async function flatSkyBand(colour: string): Promise<Buffer> {
  const land = await (await sceneRaw({ seed: 12, width: 480, height: 240 })).png().toBuffer();
  return sharp({ create: { width: 480, height: 360, channels: 3, background: colour } })
    .composite([{ input: land, left: 0, top: 120 }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe('findContentRegion', () => {
  const photo = () => sceneJpeg({ seed: 3, width: 480, height: 360 });

  it('finds a landscape photo fitted into a black 9:16 story canvas (letterbox)', async () => {
    // 480×360 in 288×512: 288×216 at rows 148-364.
    expectInside(await boxOf(await letterboxed(await photo())), [0, SIDE], cells(148, 364, 512));
  });

  it('finds a portrait photo fitted into a black 16:9 canvas (pillarbox)', async () => {
    const portrait = await sceneJpeg({ seed: 4, width: 360, height: 480 });
    // 360×480 in 512×288: 216×288 at columns 148-364.
    expectInside(await boxOf(await letterboxed(portrait)), cells(148, 364, 512), [0, SIDE]);
  });

  it('finds a photo in a plain white frame and in a black one', async () => {
    // A 22 px frame around 480×360: 524×404.
    for (const colour of ['#ffffff', '#000000'] as const) {
      expectInside(await boxOf(await framed(await photo(), colour)), cells(22, 502, 524), cells(22, 382, 404));
    }
  });

  it('finds the photo between a screenshot’s status bar (with a clock) and navigation bar (with icons)', async () => {
    // 480×360 fitted in 360×550 below a 32 px status bar: 360×270 at rows 172-442 of 640.
    expectInside(await boxOf(await screenshot(await photo())), [0, SIDE], cells(172, 442, 640));
    // A tall photo fills the view's height: only the grey system bars surround it.
    const tall = await sceneJpeg({ seed: 5, width: 300, height: 600 });
    const box = await boxOf(await screenshot(tall));
    expectInside(box, cells(42.5, 317.5, 360), cells(32, 582, 640));
  });

  it('leaves a dark night sky alone, and still finds the letterbox around it without eating into the sky', async () => {
    const night = await nightSky();
    expect(await boxOf(night)).toBeUndefined();
    expectInside(await boxOf(await letterboxed(night)), [0, SIDE], cells(148, 364, 512));
  });

  it('leaves a flat sky band alone, white or blue, and still finds the frame around it', async () => {
    for (const colour of ['#ffffff', '#8cbef0']) {
      const sky = await flatSkyBand(colour);
      expect(await boxOf(sky)).toBeUndefined();
      expectInside(await boxOf(await framed(sky, '#000000')), cells(22, 502, 524), cells(22, 382, 404));
    }
  });

  it('gives the photo inside bars a hash input and a fingerprint close to the photo’s own', async () => {
    const original = computeFingerprint((await decodeWithHeader(await photo())).input);
    for (const copy of [await letterboxed(await photo()), await screenshot(await photo()), await framed(await photo(), '#ffffff')]) {
      const { input } = await decodeWithHeader(copy);
      const content = input.content && contentFingerprint(input.content);
      expect(content).toBeDefined();
      // Guard: the whole copy is beyond the index radius from the photo; its content is well within it.
      expect(fingerprintDistance(original, computeFingerprint(input))).toBeGreaterThan(DEFAULT_THRESHOLD);
      expect(fingerprintDistance(original, content ?? original)).toBeLessThanOrEqual(DEFAULT_THRESHOLD - 2);
    }
  });
});
