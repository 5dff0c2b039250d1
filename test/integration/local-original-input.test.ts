/**
 * Local originals are decoded by path (sharp reads the file itself): the fingerprint and metadata
 * are the ones the bytes give, and a name libvips would read as load options is still hashed.
 */

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { organize } from '../../src/pipeline.js';
import { computeFingerprint, encodeFingerprint } from '../../src/hashing/fingerprint.js';
import { LocalPhotoSource } from '../../src/sources/local/local-photo-source.js';
import { decodeWithHeader } from '../../src/thumbnails/hash-input.js';
import { photoMetaOf } from '../../src/thumbnails/image-metadata.js';
import { sceneJpeg } from '../helpers/images.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

describe('decoding local originals by path', () => {
  it('gives the fingerprint and metadata of the bytes, so stored fingerprints stay valid', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'turned.jpg');
    // Stored 480×360 with EXIF orientation 6 (displayed 360×480), a date and a camera.
    const bytes = await sharp(await sceneJpeg({ seed: 51 }))
      .withExif({ IFD0: { Make: 'Acme', Model: 'Acme One', DateTime: '2024:05:06 07:08:09' } })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    writeFileSync(file, bytes);

    const byPath = await decodeWithHeader(file);
    const byBytes = await decodeWithHeader(bytes);
    expect(encodeFingerprint(computeFingerprint(byPath.input)).equals(encodeFingerprint(computeFingerprint(byBytes.input)))).toBe(true);
    expect(photoMetaOf(byPath.header)).toEqual(photoMetaOf(byBytes.header));
    expect(photoMetaOf(byPath.header)).toMatchObject({ width: 360, height: 480, orientation: 6, format: 'jpeg', camera: 'Acme Acme One' });
  });

  it('hashes files whose names end like libvips load options ("[...]") from their bytes', async () => {
    const dir = tempDir();
    const photo = await sceneJpeg({ seed: 52 });
    for (const name of ['plain.jpg', 'shot.jpg[shrink=2]', 'scan[0]']) writeFileSync(path.join(dir, name), photo);

    const { report } = await organize({
      source: new LocalPhotoSource({ folders: [{ path: dir, reference: false }] }),
      storeFile: path.join(tempDir(), 'h.db'),
      threshold: 8,
      dryRun: true,
      concurrency: 2,
    });
    expect(report.skipped).toEqual([]);
    expect(report.groups.map((group) => [group.kind, group.items.map((item) => [path.basename(item.path), item.width, item.height]).sort()])).toEqual([
      ['exact', [['plain.jpg', 480, 360], ['scan[0]', 480, 360], ['shot.jpg[shrink=2]', 480, 360]]],
    ]);
  });
});
