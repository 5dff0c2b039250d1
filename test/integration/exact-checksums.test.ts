/**
 * The `exact` tier when content checksums are computed only for photos that share a byte size:
 * byte-identical files still form `exact` groups (in one run, across runs of one store, and against
 * a loaded reference library), while different files of equal size never do.
 */

import { copyFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { organize } from '../../src/pipeline.js';
import { LocalPhotoSource } from '../../src/sources/local/local-photo-source.js';
import { HashRepository } from '../../src/store/hash-repository.js';
import { openStore } from '../../src/store/open-store.js';
import { loadReferenceLibraries } from '../../src/store/reference-library.js';
import { sceneJpeg } from '../helpers/images.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

const run = (dir: string, storeFile: string, references = loadReferenceLibraries([])) =>
  organize({ source: new LocalPhotoSource({ folders: [{ path: dir, reference: false }] }), storeFile, threshold: 8, dryRun: true, concurrency: 2, references });

/** A JPEG with a comment segment right after SOI: same pixels, `size` bytes in all (a COM holds up to 65533). */
function withComment(jpeg: Buffer, size: number, fill: string): Buffer {
  const payload = size - jpeg.length - 4;
  if (payload < 0 || payload > 65533) throw new RangeError(`cannot pad ${jpeg.length} bytes to ${size}`);
  const segment = Buffer.alloc(4 + payload, fill);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(payload + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

const groupsOf = (report: Report) => report.groups.map((group) => [group.kind, group.items.map((item) => path.basename(item.path)).sort()]);

function storedChecksums(storeFile: string): Map<string, string | undefined> {
  const db = openStore(storeFile, { readonly: true });
  try {
    return new Map([...new HashRepository(db).iterate('local')].map((row) => [path.basename(row.path), row.checksum]));
  } finally {
    db.close();
  }
}

describe('exact tier with checksums only where sizes collide', () => {
  it('groups byte-identical files as exact and checksums only the photos that share a size', async () => {
    const dir = tempDir();
    const store = path.join(tempDir(), 'h.db');
    const scene = await sceneJpeg({ seed: 41 });
    const other = await sceneJpeg({ seed: 42 });
    const size = Math.max(scene.length, other.length) + 16;
    const original = withComment(scene, size, 'a');
    writeFileSync(path.join(dir, 'original.jpg'), original);
    writeFileSync(path.join(dir, 'copy.jpg'), original);
    // Another picture of exactly the same size: no group at all.
    writeFileSync(path.join(dir, 'unrelated-same-size.jpg'), withComment(other, size, 'a'));
    writeFileSync(path.join(dir, 'unique-size.jpg'), await sceneJpeg({ seed: 43 }));

    const { report } = await run(dir, store);
    expect(groupsOf(report)).toEqual([['exact', ['copy.jpg', 'original.jpg']]]);
    expect(report.groups[0]?.items.map((item) => item.distance)).toEqual([0, 0]);

    const checksums = storedChecksums(store);
    expect(checksums.get('original.jpg')).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(checksums.get('copy.jpg')).toBe(checksums.get('original.jpg'));
    expect(checksums.get('unrelated-same-size.jpg')).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(checksums.get('unrelated-same-size.jpg')).not.toBe(checksums.get('original.jpg'));
    // The one photo whose size nothing else has was never read for a checksum.
    expect(checksums.get('unique-size.jpg')).toBeUndefined();
  });

  it('never calls different files of equal size exact, even with the same pixels', async () => {
    const dir = tempDir();
    const store = path.join(tempDir(), 'h.db');
    const scene = await sceneJpeg({ seed: 41 });
    // One comment byte pattern apart: the same picture, a near duplicate, not an exact one.
    writeFileSync(path.join(dir, 'commented-a.jpg'), withComment(scene, scene.length + 40, 'a'));
    writeFileSync(path.join(dir, 'commented-b.jpg'), withComment(scene, scene.length + 40, 'b'));

    const { report } = await run(dir, store);
    expect(groupsOf(report)).toEqual([['near', ['commented-a.jpg', 'commented-b.jpg']]]);
    const checksums = storedChecksums(store);
    expect(checksums.get('commented-a.jpg')).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(checksums.get('commented-b.jpg')).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(checksums.get('commented-a.jpg')).not.toBe(checksums.get('commented-b.jpg'));
  });

  it('finds a copy that arrives in a later run of the same store, checksumming the stored photo then', async () => {
    const dir = tempDir();
    const store = path.join(tempDir(), 'h.db');
    const photo = await sceneJpeg({ seed: 44 });
    writeFileSync(path.join(dir, 'first.jpg'), photo);
    writeFileSync(path.join(dir, 'alone.jpg'), await sceneJpeg({ seed: 45 }));
    expect((await run(dir, store)).report.groups).toEqual([]);
    expect(storedChecksums(store).get('first.jpg')).toBeUndefined();

    copyFileSync(path.join(dir, 'first.jpg'), path.join(dir, 'later-copy.jpg'));
    const second = await run(dir, store);
    expect(second.report.stats).toMatchObject({ hashed: 1, reused: 2 });
    expect(groupsOf(second.report)).toEqual([['exact', ['first.jpg', 'later-copy.jpg']]]);
    const checksums = storedChecksums(store);
    expect(checksums.get('first.jpg')).toBeDefined();
    expect(checksums.get('later-copy.jpg')).toBe(checksums.get('first.jpg'));

    // Nothing changed: the stored checksums are reused as they are, and the group stays exact.
    const third = await run(dir, store);
    expect(third.report.stats).toMatchObject({ hashed: 0, reused: 3 });
    expect(groupsOf(third.report)).toEqual([['exact', ['first.jpg', 'later-copy.jpg']]]);
  });

  it('matches a loaded reference library exactly when the reference file is still the one that was hashed', async () => {
    const root = tempDir();
    const library = path.join(root, 'library');
    const incoming = path.join(root, 'incoming');
    mkdirSync(library);
    mkdirSync(incoming);
    const photo = await sceneJpeg({ seed: 46 });
    writeFileSync(path.join(library, 'kept.jpg'), photo);
    writeFileSync(path.join(incoming, 'kept-again.jpg'), photo);
    const libraryDb = path.join(root, 'library.db');
    await run(library, libraryDb);
    expect(storedChecksums(libraryDb).get('kept.jpg')).toBeUndefined();

    const matched = await run(incoming, path.join(root, 'incoming.db'), loadReferenceLibraries([libraryDb]));
    expect(groupsOf(matched.report)).toEqual([['exact', ['kept-again.jpg', 'kept.jpg']]]);
    // The reference database is only read: it is not given the checksum.
    expect(storedChecksums(libraryDb).get('kept.jpg')).toBeUndefined();

    // Touched since the library was hashed: its bytes are not vouched for, so the pair is only near.
    utimesSync(path.join(library, 'kept.jpg'), new Date(2001, 0, 1), new Date(2001, 0, 1));
    const touched = await run(incoming, path.join(root, 'incoming-2.db'), loadReferenceLibraries([libraryDb]));
    expect(groupsOf(touched.report)).toEqual([['near', ['kept-again.jpg', 'kept.jpg']]]);
  });
});
