/**
 * Copies inside bars, end to end: the built CLI groups a letterboxed copy, a phone screenshot and a
 * framed copy of a real photo with the photo itself, and keeps apart two different photos (strips
 * of the two halves of one lake scene) letterboxed the same way, whose whole frames the pixel check
 * alone would take for one photo.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { confirmCandidate } from '../../src/hashing/confirm-match.js';
import { computeFingerprint, DEFAULT_THRESHOLD, type Fingerprint } from '../../src/hashing/fingerprint.js';
import { decodeWithHeader } from '../../src/thumbnails/hash-input.js';
import { startFakeImmich } from '../helpers/fake-immich/index.js';
import { framed, letterboxed, screenshot } from '../helpers/framed-copies.js';
import { organizeArgs, seedAssets } from '../helpers/immich-e2e.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/photos');
const tempDir = useTempDirs();

/** A wide strip across the middle of the photo (3.3:1), as a panorama crop would be. */
async function strip(image: Buffer): Promise<Buffer> {
  const { width = 1 } = await sharp(image).metadata();
  return sharp(image).resize({ width, height: Math.round(width * 0.3), fit: 'cover' }).jpeg({ quality: 92 }).toBuffer();
}

function namesOfGroupWith(report: Report, name: string): string[] | undefined {
  return report.groups
    .find((group) => group.items.some((item) => path.basename(item.path) === name))
    ?.items.map((item) => path.basename(item.path))
    .sort();
}

/** The castle with copies inside bars, and two letterboxed strips of the two halves of one lake scene. */
async function framedCopies(): Promise<Record<string, Buffer>> {
  const castle = readFileSync(path.join(fixtures, 'castle.jpg'));
  const [halfA, halfB] = await Promise.all(['lake-half-a.jpg', 'lake-half-b.jpg'].map((name) => strip(readFileSync(path.join(fixtures, name)))));
  return {
    'castle.jpg': castle,
    'castle-story.jpg': await letterboxed(castle),
    'castle-screenshot.png': await screenshot(castle),
    'castle-framed.jpg': await framed(castle, '#ffffff'),
    'lake-a-story.jpg': await letterboxed(halfA as Buffer),
    'lake-b-story.jpg': await letterboxed(halfB as Buffer),
  };
}

describe('copies inside bars', () => {
  it('groups letterboxed, screenshot and framed copies with the photo, and keeps two letterboxed halves of one scene apart', async () => {
    const photos = tempDir();
    const files = await framedCopies();
    for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(photos, name), bytes);

    // Guard: the pixel check of the two letterboxed strips' whole frames takes them for one photo,
    // so only comparing what is inside their bars keeps them apart.
    const fingerprintOf = async (name: string) => {
      return computeFingerprint((await decodeWithHeader(files[name] as Buffer)).input);
    };
    const [storyA, storyB] = [await fingerprintOf('lake-a-story.jpg'), await fingerprintOf('lake-b-story.jpg')];
    const wholeFrame = ({ content, ...whole }: Fingerprint): Fingerprint => whole;
    expect(confirmCandidate(wholeFrame(storyA), wholeFrame(storyB), DEFAULT_THRESHOLD)).toBe(true);
    expect(storyA.content && storyB.content).toBeDefined();

    const result = await runCli(['organize', '--json', '-s', photos, '--save-hashes', path.join(tempDir(), 'hashes.db')]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(namesOfGroupWith(report, 'castle.jpg')).toEqual(['castle-framed.jpg', 'castle-screenshot.png', 'castle-story.jpg', 'castle.jpg']);
    expect(namesOfGroupWith(report, 'lake-a-story.jpg')).toBeUndefined();
    expect(namesOfGroupWith(report, 'lake-b-story.jpg')).toBeUndefined();
    // The photo itself is the one kept, not a copy inside bars.
    expect(path.basename(report.groups.find((group) => group.items.some((item) => path.basename(item.path) === 'castle.jpg'))?.best ?? '')).toBe('castle.jpg');
  });

  it("on Immich too: the server's thumbnails of the same files group the same way (bars found on the one colour decode)", async () => {
    const fake = await startFakeImmich();
    try {
      const { key, user } = fake.seedUser();
      await seedAssets(fake, user.id, Object.entries(await framedCopies()));
      const root = tempDir();
      const result = await runCli(['organize', '--json', ...organizeArgs(fake, root).slice(1)], { env: { IMMICH_API_KEY: key } });
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as Report;
      expect(namesOfGroupWith(report, 'castle.jpg')).toEqual(['castle-framed.jpg', 'castle-screenshot.png', 'castle-story.jpg', 'castle.jpg']);
      expect(namesOfGroupWith(report, 'lake-a-story.jpg')).toBeUndefined();
      expect(namesOfGroupWith(report, 'lake-b-story.jpg')).toBeUndefined();
    } finally {
      await fake.close();
    }
  });
});
