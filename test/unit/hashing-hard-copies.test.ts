/**
 * The edits a phone makes that move a photo far on the 64-bit pHash (issue 20): aspect-changing
 * centre crops, a straightened copy, an app filter with a vignette. Each copy is made with sharp
 * from a real photo; the crop queries must bring it within the index radius and the pixel check
 * must confirm it, while the two halves of one photo still do not confirm.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CROP_QUERY_RADIUS, CROPPED_COPY_MAX_DISTANCE as CONFIRM_LIMIT, cropQueryHashes } from '../../src/hashing/crop-queries.js';
import { computeFingerprint, confirmMatch, DEFAULT_THRESHOLD, fingerprintDistance, hammingDistance64, NEAR_DISTANCE, type Fingerprint } from '../../src/hashing/fingerprint.js';
import { decodeHashInput } from '../../src/thumbnails/hash-input.js';

const photo = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/photos/${name}`, import.meta.url)));
const fingerprintOf = async (image: Buffer) => computeFingerprint(await decodeHashInput(image));
const castle = () => sharp(photo('castle.jpg'));
const W = 512;
const H = 342;

/** Closest any crop query of `original` comes to the copy's upright hash. */
const viaCropQueries = (original: Fingerprint, copy: Fingerprint) =>
  Math.min(...cropQueryHashes(original).map((hash) => hammingDistance64(hash, copy.variants[0] ?? 0n)));

/**
 * Turned by `degrees` and cut to the largest centred rectangle of the photo's shape less 2 px a
 * side, back at its size (what an editor's auto-level does).
 */
async function straightenedCopy(image: Buffer, degrees: number): Promise<Buffer> {
  const { width: w = 0, height: h = 0 } = await sharp(image).metadata();
  const angle = (Math.abs(degrees) * Math.PI) / 180;
  const scale = 1 / (Math.cos(angle) + Math.max(w / h, h / w) * Math.sin(angle));
  const turned = await sharp(image).rotate(degrees, { background: '#000' }).toBuffer({ resolveWithObject: true });
  const [width, height] = [Math.floor(w * scale) - 4, Math.floor(h * scale) - 4];
  const left = Math.round((turned.info.width - width) / 2);
  const top = Math.round((turned.info.height - height) / 2);
  return sharp(turned.data).extract({ left, top, width, height }).resize(w, h).jpeg({ quality: 90 }).toBuffer();
}

/** Less saturated, more contrast, a sepia tint, and corners darkened to 55 % by a radial vignette (the dev-hard `filter`, remade with sharp). */
async function filteredCopy(image: Buffer): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(image).metadata();
  const vignette = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><radialGradient id="v" cx="50%" cy="50%" r="71%">` +
      `<stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#8c8c8c"/></radialGradient></defs>` +
      `<rect width="${width}" height="${height}" fill="url(#v)"/></svg>`,
  );
  const toned = await sharp(image)
    .modulate({ brightness: 1.05, saturation: 0.8 })
    .linear(1.35, -0.35 * 128)
    .tint('#704214')
    .toBuffer();
  return sharp(toned).composite([{ input: vignette, blend: 'multiply' }]).jpeg({ quality: 90 }).toBuffer();
}

const copies: Record<string, () => Promise<Buffer>> = {
  'square centre crop (a third of the width gone)': () => castle().extract({ left: (W - H) / 2, top: 0, width: H, height: H }).jpeg().toBuffer(),
  '20 % crop (10 % off every side)': () => castle().extract({ left: 51, top: 34, width: W - 102, height: H - 68 }).jpeg().toBuffer(),
  '15 % one-side crop, resized and re-encoded': () =>
    castle()
      .extract({ left: 0, top: 0, width: W - 77, height: H })
      .resize(Math.round((W - 77) * 0.7))
      .jpeg({ quality: 65 })
      .toBuffer(),
};

describe('hard copies of one photo', () => {
  it.each(Object.keys(copies))('finds and confirms its %s, both ways', async (name) => {
    const original = await fingerprintOf(photo('castle.jpg'));
    const copy = await fingerprintOf(await (copies[name] as () => Promise<Buffer>)());
    // Too far for the index radius as it is: only a crop query finds it.
    expect(fingerprintDistance(original, copy)).toBeGreaterThan(DEFAULT_THRESHOLD);
    expect(viaCropQueries(original, copy)).toBeLessThanOrEqual(CROP_QUERY_RADIUS);
    expect(confirmMatch(original, copy, CONFIRM_LIMIT)).toBe(true);
    expect(confirmMatch(copy, original, CONFIRM_LIMIT)).toBe(true);
  });

  it('finds and confirms the 16:9 crop of a 4:3 photo (a quarter of its height gone), both ways', async () => {
    const fourByThree = await castle().extract({ left: 28, top: 0, width: 456, height: H }).jpeg({ quality: 95 }).toBuffer();
    const original = await fingerprintOf(fourByThree);
    const copy = await fingerprintOf(await sharp(fourByThree).extract({ left: 0, top: 43, width: 456, height: 256 }).jpeg().toBuffer());
    expect(fingerprintDistance(original, copy)).toBeGreaterThan(DEFAULT_THRESHOLD);
    expect(viaCropQueries(original, copy)).toBeLessThanOrEqual(CROP_QUERY_RADIUS);
    expect(confirmMatch(original, copy, CONFIRM_LIMIT)).toBe(true);
    expect(confirmMatch(copy, original, CONFIRM_LIMIT)).toBe(true);
  });

  it('confirms a copy straightened by 3°, both ways', async () => {
    // A detailed part of the photo: on its thumbnail a 3° turn moves edges by a pixel or more.
    const detail = await castle().extract({ left: 128, top: 60, width: 300, height: 200 }).resize(W).jpeg({ quality: 95 }).toBuffer();
    const original = await fingerprintOf(detail);
    const copy = await fingerprintOf(await straightenedCopy(detail, 3));
    expect(fingerprintDistance(original, copy)).toBeGreaterThan(NEAR_DISTANCE);
    expect(confirmMatch(original, copy, CONFIRM_LIMIT)).toBe(true);
    expect(confirmMatch(copy, original, CONFIRM_LIMIT)).toBe(true);
  });

  it('confirms a sepia, contrasty, vignetted copy, both ways', async () => {
    const original = await fingerprintOf(photo('lake-half-b.jpg'));
    const copy = await fingerprintOf(await filteredCopy(photo('lake-half-b.jpg')));
    expect(fingerprintDistance(original, copy)).toBeGreaterThan(NEAR_DISTANCE);
    expect(confirmMatch(original, copy, CONFIRM_LIMIT)).toBe(true);
    expect(confirmMatch(copy, original, CONFIRM_LIMIT)).toBe(true);
  });

  it('confirms a filtered copy and a 9:16 crop of a misty photo, both ways: the vignette taken off lines them up', async () => {
    const lake = photo('lake-half-b.jpg');
    const { width = 0, height = 0 } = await sharp(lake).metadata();
    const narrow = Math.round((height * 9) / 16);
    const filtered = await fingerprintOf(await filteredCopy(lake));
    const cropped = await fingerprintOf(await sharp(lake).extract({ left: Math.floor((width - narrow) / 2), top: 0, width: narrow, height }).jpeg().toBuffer());
    expect(confirmMatch(filtered, cropped, CONFIRM_LIMIT)).toBe(true);
    expect(confirmMatch(cropped, filtered, CONFIRM_LIMIT)).toBe(true);
  });

  it('rejects the two halves of one photo pillarboxed on black, whose bars correlate whatever the picture', async () => {
    const boxed = async (image: Buffer) => fingerprintOf(await sharp(image).resize(512, 288, { fit: 'contain', background: '#000' }).jpeg({ quality: 90 }).toBuffer());
    const a = await boxed(photo('lake-half-a.jpg'));
    const b = await boxed(photo('lake-half-b.jpg'));
    expect(confirmMatch(a, b, CONFIRM_LIMIT)).toBe(false);
    expect(confirmMatch(b, a, CONFIRM_LIMIT)).toBe(false);
  });

  it('hashes the photo under a typical vignette: a vignetted copy lands closer to that than to the photo', async () => {
    const original = await fingerprintOf(photo('castle.jpg'));
    const vignetteOnly = await fingerprintOf(
      await castle()
        .composite([
          {
            input: Buffer.from(
              `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><defs><radialGradient id="v" cx="50%" cy="50%" r="71%">` +
                `<stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#8c8c8c"/></radialGradient></defs><rect width="${W}" height="${H}" fill="url(#v)"/></svg>`,
            ),
            blend: 'multiply',
          },
        ])
        .jpeg()
        .toBuffer(),
    );
    const vignetteQuery = cropQueryHashes(original).at(-1) ?? 0n;
    expect(hammingDistance64(vignetteQuery, vignetteOnly.variants[0] ?? 0n)).toBeLessThan(fingerprintDistance(original, vignetteOnly));
  });

  it('still rejects the two halves of one photo, and their square crops', async () => {
    const halves = [photo('lake-half-a.jpg'), photo('lake-half-b.jpg')];
    const [a, b] = await Promise.all(halves.map((half) => fingerprintOf(half)));
    const squares = await Promise.all(
      halves.map(async (half) => {
        const { width = 0, height = 0 } = await sharp(half).metadata();
        const side = Math.min(width, height);
        const square = sharp(half).extract({ left: Math.floor((width - side) / 2), top: Math.floor((height - side) / 2), width: side, height: side });
        return fingerprintOf(await square.jpeg().toBuffer());
      }),
    );
    for (const [x, y] of [
      [a, b],
      [squares[0], squares[1]],
      [a, squares[1]],
      [squares[0], b],
    ] as [Fingerprint, Fingerprint][]) {
      expect(confirmMatch(x, y, CONFIRM_LIMIT)).toBe(false);
      expect(confirmMatch(y, x, CONFIRM_LIMIT)).toBe(false);
    }
  });
});
