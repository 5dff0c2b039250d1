import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { computeFingerprint, confirmMatch, decodeFingerprint, fingerprintDistance, NEAR_DISTANCE, type Fingerprint } from '../../src/hashing/fingerprint.js';
// The pipeline confirms every candidate with this limit, whatever --threshold found it.
import { CROPPED_COPY_MAX_DISTANCE as CONFIRM_LIMIT } from '../../src/hashing/crop-queries.js';
import { decodeHashInput } from '../../src/thumbnails/hash-input.js';

const photo = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/photos/${name}`, import.meta.url)));
const fingerprintOf = async (image: Buffer) => computeFingerprint(await decodeHashInput(image));
/** Planted copies from the grouping benchmark, as the product fingerprinted them (see the fixture's `about`). */
const plantedPair = (name: 'profileHidesCut' | 'farApart') => {
  const pairs = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/fingerprints/smooth-crops.json', import.meta.url)), 'utf8')) as Record<string, { original: string; cropped: string }>;
  const pair = pairs[name] as { original: string; cropped: string };
  return { original: decodeFingerprint(Buffer.from(pair.original, 'base64')), cropped: decodeFingerprint(Buffer.from(pair.cropped, 'base64')) };
};
const castle = () => sharp(photo('castle.jpg'));
const W = 512;
const H = 342;

/** The benchmark's transforms, remade with sharp. */
const copies: Record<string, () => Promise<Buffer>> = {
  q60: () => castle().jpeg({ quality: 60 }).toBuffer(),
  resize25: () => castle().resize(128).jpeg().toBuffer(),
  png: () => castle().png().toBuffer(),
  webp: () => castle().webp({ quality: 80 }).toBuffer(),
  crop5: () => castle().extract({ left: 26, top: 17, width: W - 52, height: H - 34 }).jpeg().toBuffer(),
  crop10left: () => castle().extract({ left: 51, top: 0, width: W - 51, height: H }).jpeg().toBuffer(),
  crop10top: () => castle().extract({ left: 0, top: 34, width: W, height: H - 34 }).jpeg().toBuffer(),
  brighter: () => castle().linear(1.1, 12).jpeg().toBuffer(),
  darker: () => castle().linear(0.9, -12).jpeg().toBuffer(),
  blur: () => castle().blur(1).jpeg().toBuffer(),
  rot90: () => castle().rotate(90).jpeg().toBuffer(),
  exif6: () => castle().withMetadata({ orientation: 6 }).jpeg().toBuffer(),
  flip: () => castle().flop().jpeg().toBuffer(),
  gray: () => castle().greyscale().jpeg().toBuffer(),
};

describe('confirmMatch', () => {
  it.each(Object.keys(copies))('confirms the photo and its %s copy, both ways', async (name) => {
    const original = await fingerprintOf(photo('castle.jpg'));
    const copy = await fingerprintOf(await (copies[name] as () => Promise<Buffer>)());
    expect(confirmMatch(original, copy, CONFIRM_LIMIT)).toBe(true);
    expect(confirmMatch(copy, original, CONFIRM_LIMIT)).toBe(true);
  });

  it('confirms two different crops of one photo (neither contains the other)', async () => {
    const five = await fingerprintOf(await copies.crop5!());
    const left = await fingerprintOf(await copies.crop10left!());
    expect(confirmMatch(five, left, CONFIRM_LIMIT)).toBe(true);
  });

  it('rejects the two halves of one photo: same light and horizon, no shared pixels', async () => {
    const a = await fingerprintOf(photo('lake-half-a.jpg'));
    const b = await fingerprintOf(photo('lake-half-b.jpg'));
    // Close enough to be a candidate at the default radius: the confirmation is what says no.
    expect(fingerprintDistance(a, b)).toBeLessThanOrEqual(CONFIRM_LIMIT);
    expect(confirmMatch(a, b, CONFIRM_LIMIT)).toBe(false);
    expect(confirmMatch(b, a, CONFIRM_LIMIT)).toBe(false);
    const reencoded = await fingerprintOf(await sharp(photo('lake-half-b.jpg')).resize(184).jpeg({ quality: 60 }).toBuffer());
    expect(confirmMatch(a, reencoded, 64)).toBe(false);
  });

  it('rejects an unrelated photo even with the widest threshold', async () => {
    const castleFp = await fingerprintOf(photo('castle.jpg'));
    const lake = await fingerprintOf(photo('lake-half-a.jpg'));
    expect(confirmMatch(castleFp, lake, 64)).toBe(false);
  });

  it('honours the threshold: a crop needs a radius wide enough to be a candidate', async () => {
    const original = await fingerprintOf(photo('castle.jpg'));
    const crop = await fingerprintOf(await copies.crop10left!());
    const distance = fingerprintDistance(original, crop);
    expect(distance).toBeGreaterThan(2);
    expect(confirmMatch(original, crop, distance - 1)).toBe(false);
    expect(confirmMatch(original, crop, distance)).toBe(true);
  });

  it('confirms a 5 % crop of a smooth picture whose row profiles point to the wrong cut, both ways', () => {
    const { original, cropped } = plantedPair('profileHidesCut');
    expect(fingerprintDistance(original, cropped)).toBeGreaterThan(NEAR_DISTANCE);
    expect(confirmMatch(original, cropped, CONFIRM_LIMIT)).toBe(true);
    expect(confirmMatch(cropped, original, CONFIRM_LIMIT)).toBe(true);
  });

  it('confirms a 5 % crop that lies 22 bits from its original: the limit a crop may be found from', () => {
    const { original, cropped } = plantedPair('farApart');
    expect(fingerprintDistance(original, cropped)).toBe(22);
    expect(confirmMatch(original, cropped, CONFIRM_LIMIT)).toBe(true);
    expect(confirmMatch(original, cropped, 21)).toBe(false);
  });

  it('falls back to the distance alone for fingerprints without thumbnails', () => {
    const bare = (bits: bigint): Fingerprint => ({ variants: Array.from({ length: 8 }, () => bits) });
    expect(confirmMatch(bare(0n), bare(0b111n), 3)).toBe(true);
    expect(confirmMatch(bare(0n), bare(0b111n), 2)).toBe(false);
    expect(confirmMatch(bare(0n), bare(0xfffn), 12)).toBe(true);
    expect(confirmMatch(bare(0n), bare(0xfffn), 11)).toBe(false);
  });
});
