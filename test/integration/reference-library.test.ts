/** Hash databases as interchange: one library's hashes loaded as the reference for another run. */

import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/core/errors.js';
import { organize } from '../../src/pipeline.js';
import { LocalPhotoSource } from '../../src/sources/local/local-photo-source.js';
import { loadReferenceLibraries } from '../../src/store/reference-library.js';
import { sceneJpeg } from '../helpers/images.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

function source(dir: string) {
  return new LocalPhotoSource({ folders: [{ path: dir, reference: false }] });
}

describe('reference libraries', () => {
  it('groups this run with photos of a loaded database and lists which reference photos have no match', async () => {
    const root = tempDir();
    const library = path.join(root, 'library');
    const incoming = path.join(root, 'incoming');
    mkdirSync(library);
    mkdirSync(incoming);
    const shared = await sceneJpeg({ seed: 31 });
    writeFileSync(path.join(library, 'shared.jpg'), shared);
    writeFileSync(path.join(library, 'only-in-library.jpg'), await sceneJpeg({ seed: 32 }));
    writeFileSync(path.join(incoming, 'shared-small.jpg'), await sharp(shared).resize(240).jpeg({ quality: 60 }).toBuffer());
    writeFileSync(path.join(incoming, 'new.jpg'), await sceneJpeg({ seed: 33 }));
    const libraryDb = path.join(root, 'library.db');
    await organize({ source: source(library), storeFile: libraryDb, threshold: 8, dryRun: true, concurrency: 2 });

    const references = loadReferenceLibraries([libraryDb]);
    expect(references).toHaveLength(2);
    const { report } = await organize({ source: source(incoming), storeFile: path.join(root, 'incoming.db'), threshold: 8, dryRun: true, concurrency: 2, references });
    expect(report.groups).toHaveLength(1);
    const [group] = report.groups;
    expect(group?.items.map((item) => [path.basename(item.path), Boolean(item.isReference)])).toEqual([
      ['shared.jpg', true],
      ['shared-small.jpg', false],
    ]);
    expect(report.references).toEqual({
      loaded: 2,
      matched: [path.join(library, 'shared.jpg')],
      unmatched: [path.join(library, 'only-in-library.jpg')],
    });
  });

  it('refuses a database made with other hash settings', async () => {
    const root = tempDir();
    writeFileSync(path.join(root, 'a.jpg'), await sceneJpeg({ seed: 34 }));
    const db = path.join(root, 'other.db');
    await organize({ source: source(root), storeFile: db, threshold: 8, dryRun: true, concurrency: 1 });
    const connection = new Database(db);
    connection.prepare("UPDATE store_info SET value = '256' WHERE key = 'bits'").run();
    connection.close();
    expect(() => loadReferenceLibraries([db])).toThrow(StoreError);
    expect(() => loadReferenceLibraries([db])).toThrow(/made with \w+\/256 bits .* re-hash that library/);
  });
});
