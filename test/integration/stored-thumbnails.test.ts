/**
 * Grouping holds lean fingerprints (no thumbnail) and the confirmation reads thumbnails back from a
 * real SQLite hash store: a cropped copy beyond NEAR_DISTANCE is still confirmed by its pixels, two
 * halves of one scene are still told apart, and a pair whose thumbnail is gone from the store is
 * never taken on its hashes alone. The best-photo rules' details (thumbnail and look) come back in
 * one read of the row.
 */

import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { confirmWithStoredThumbnails } from '../../src/grouping/stored-thumbnails.js';
import { computeFingerprint, encodeFingerprint, fingerprintDistance, FINGERPRINT_VERSION, NEAR_DISTANCE, withoutThumbnail } from '../../src/hashing/fingerprint.js';
import type { HashedPhoto } from '../../src/hashing/hash-stage.js';
import { HashArena } from '../../src/hashing/hash-arena.js';
import { decodeWithHeader } from '../../src/thumbnails/hash-input.js';
import { HashRepository } from '../../src/store/hash-repository.js';
import { openStore } from '../../src/store/open-store.js';
import { storedDetails, storedThumbnail } from '../../src/store/stored-pixels.js';
import { encodeLook } from '../../src/thumbnails/photo-look.js';
import { letterboxed, screenshot } from '../helpers/framed-copies.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/photos');
const tempDir = useTempDirs();
const arena = new HashArena();

async function storedPhoto(store: HashRepository, id: string, image: Buffer): Promise<HashedPhoto> {
  const fingerprint = computeFingerprint((await decodeWithHeader(image)).input);
  const meta = { width: fingerprint.width ?? 0, height: fingerprint.height ?? 0, bytes: image.length, format: 'jpeg' as const };
  store.saveBatch([{ source: 'local', id, changeKey: '1:1', fingerprintVersion: FINGERPRINT_VERSION, fingerprint: encodeFingerprint(fingerprint), checksum: undefined, path: id, meta }], 'run-1');
  return { photo: { source: 'local', id, path: id, changeKey: '1:1', meta }, fingerprint: withoutThumbnail(fingerprint, arena), checksum: undefined };
}

describe('confirmation with thumbnails from the store', () => {
  it('confirms a cropped copy by its stored pixels, rejects two halves of one scene, and falls back to near-only without a row', async () => {
    const db = openStore(path.join(tempDir(), 'hashes.db'));
    const store = new HashRepository(db);
    const castle = path.join(fixtures, 'castle.jpg');
    const { width = 0, height = 0 } = await sharp(castle).metadata();
    const cropped = await sharp(castle)
      .extract({ left: Math.round(width * 0.1), top: 0, width: Math.round(width * 0.9), height })
      .jpeg({ quality: 85 })
      .toBuffer();
    const original = await storedPhoto(store, 'castle.jpg', await sharp(castle).toBuffer());
    const copy = await storedPhoto(store, 'castle-cropped.jpg', cropped);
    const halfA = await storedPhoto(store, 'lake-half-a.jpg', await sharp(path.join(fixtures, 'lake-half-a.jpg')).toBuffer());
    const halfB = await storedPhoto(store, 'lake-half-b.jpg', await sharp(path.join(fixtures, 'lake-half-b.jpg')).toBuffer());
    expect(original.fingerprint.thumbnail).toBeUndefined();
    // Guard: the crop must need the pixel check, or the test would prove nothing.
    const cropDistance = fingerprintDistance(original.fingerprint, copy.fingerprint);
    expect(cropDistance).toBeGreaterThan(NEAR_DISTANCE);

    const { confirm, confirmAll } = confirmWithStoredThumbnails(storedThumbnail(store));
    expect(confirm(original, copy, 8)).toBe(true);
    expect(confirm(halfA, halfB, 8)).toBe(false);

    // Many pairs at once (enough for the two-thread check) get the answers of one by one.
    const photos = [original, copy, halfA, halfB];
    const pairs = Array.from({ length: 480 }, (_, k) => [photos[k % 4], photos[Math.floor(k / 4) % 4]] as [HashedPhoto, HashedPhoto]);
    const oneByOne = pairs.map(([a, b]) => confirm(a, b, 8));
    expect(oneByOne.filter(Boolean).length).toBeGreaterThan(100);
    expect(oneByOne.filter((answer) => !answer).length).toBeGreaterThan(100);
    expect(confirmAll(pairs, 8)).toEqual(oneByOne);

    db.prepare('DELETE FROM photos WHERE id = ?').run('castle-cropped.jpg');
    const afterDelete = confirmWithStoredThumbnails(storedThumbnail(store));
    expect(afterDelete.confirm(original, copy, 8)).toBe(false);
    expect(afterDelete.confirmAll([[original, copy], [halfA, halfB], [original, original]], 8)).toEqual([false, false, true]);
    db.close();
  });

  it('confirms copies inside bars by their stored content thumbnails, on one thread and on two, and not without them', async () => {
    const db = openStore(path.join(tempDir(), 'hashes.db'));
    const store = new HashRepository(db);
    const castle = await sharp(path.join(fixtures, 'castle.jpg')).toBuffer();
    const original = await storedPhoto(store, 'castle.jpg', castle);
    const story = await storedPhoto(store, 'castle-story.jpg', await letterboxed(castle));
    const screen = await storedPhoto(store, 'castle-screen.png', await screenshot(castle));
    const halfA = await storedPhoto(store, 'lake-a-story.jpg', await letterboxed(await sharp(path.join(fixtures, 'lake-half-a.jpg')).toBuffer()));
    const halfB = await storedPhoto(store, 'lake-b-story.jpg', await letterboxed(await sharp(path.join(fixtures, 'lake-half-b.jpg')).toBuffer()));
    expect(story.fingerprint.content).toBeDefined();
    expect(story.fingerprint.content?.thumbnail).toBeUndefined();

    const { confirm, confirmAll } = confirmWithStoredThumbnails(storedThumbnail(store));
    expect(confirm(original, story, 8)).toBe(true);
    expect(confirm(story, screen, 8)).toBe(true);
    expect(confirm(halfA, halfB, 8)).toBe(false);
    expect(confirm(story, halfA, 8)).toBe(false);

    const photos = [original, story, screen, halfA, halfB];
    const pairs = Array.from({ length: 500 }, (_, k) => [photos[k % 5], photos[Math.floor(k / 5) % 5]] as [HashedPhoto, HashedPhoto]);
    const oneByOne = pairs.map(([a, b]) => confirm(a, b, 8));
    expect(oneByOne.filter(Boolean).length).toBeGreaterThan(100);
    expect(oneByOne.filter((answer) => !answer).length).toBeGreaterThan(100);
    expect(confirmAll(pairs, 8)).toEqual(oneByOne);

    // A row without the content part (written by hand here) leaves nothing to check the content by:
    // the pair is not taken on its hashes.
    const { content, ...wholeOnly } = computeFingerprint((await decodeWithHeader(await letterboxed(castle))).input);
    expect(content).toBeDefined();
    const plainEncoding = encodeFingerprint(wholeOnly);
    db.prepare('UPDATE photos SET fingerprint = ? WHERE id = ?').run(plainEncoding, 'castle-story.jpg');
    expect(confirmWithStoredThumbnails(storedThumbnail(store)).confirm(original, story, 8)).toBe(false);
    db.close();
  });

  it("reads a grouped photo's thumbnail and look back together, and only what the row holds", async () => {
    const db = openStore(path.join(tempDir(), 'hashes.db'));
    const store = new HashRepository(db);
    const image = await sharp(path.join(fixtures, 'castle.jpg')).toBuffer();
    const fingerprint = computeFingerprint((await decodeWithHeader(image)).input);
    const look = { chroma: 21.5, clipLow: 0.25, clipHigh: 0.125, detail: 3.5 };
    const meta = { width: 640, height: 480, bytes: image.length, format: 'jpeg' as const };
    const row = { source: 'local' as const, changeKey: '1:1', fingerprintVersion: FINGERPRINT_VERSION, checksum: undefined, meta };
    store.saveBatch(
      [
        { ...row, id: 'with-look.jpg', path: 'with-look.jpg', fingerprint: encodeFingerprint(fingerprint), look: encodeLook(look) },
        { ...row, id: 'hashes-only.jpg', path: 'hashes-only.jpg', fingerprint: encodeFingerprint(withoutThumbnail(fingerprint, arena)) },
      ],
      'run-1',
    );
    const detailsOf = storedDetails(store);
    const photo = (id: string) => ({ source: 'local' as const, id, path: id, changeKey: '1:1', meta });
    const both = detailsOf(photo('with-look.jpg'));
    expect(both.thumbnail).toEqual(fingerprint.thumbnail);
    expect(both.look).toEqual(look);
    // A row without a thumbnail or a look (hashes only, written before looks were stored), and no row.
    expect(detailsOf(photo('hashes-only.jpg'))).toEqual({});
    expect(detailsOf(photo('gone.jpg'))).toEqual({});
    db.close();
  });
});
