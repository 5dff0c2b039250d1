/**
 * Files that vanish or change while a run is under way, at each point where it hurts: after the
 * folder was listed but before the file is read, and after it was hashed but before it is copied.
 * The real local source and output folder run in-process, wrapped by a source that meddles with
 * the real files at exactly those moments (no timing luck involved).
 */

import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localOutputTarget } from '../../src/actions/local-target.js';
import type { Photo, SourceEntry } from '../../src/core/photo.js';
import { organize } from '../../src/pipeline.js';
import type { PhotoSource } from '../../src/sources/photo-source.js';
import { LocalPhotoSource } from '../../src/sources/local/local-photo-source.js';
import { sceneJpeg } from '../helpers/images.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

/** The local source, with hooks run on the real files right after a photo is listed and right after it is read. */
class MeddlingSource implements PhotoSource {
  readonly kind = 'local' as const;
  readonly thumbnailsAreOriginals = true;
  readonly listsWholeLibrary = false;
  private readonly inner: LocalPhotoSource;

  constructor(
    folder: string,
    private readonly afterListed: (photo: Photo) => void,
    private readonly afterRead: (photo: Photo) => void,
  ) {
    this.inner = new LocalPhotoSource({ folders: [{ path: folder, reference: false }] });
  }

  async *list(signal?: AbortSignal): AsyncGenerator<SourceEntry> {
    for await (const entry of this.inner.list(signal)) {
      if (entry.kind === 'photo') this.afterListed(entry.photo);
      yield entry;
    }
  }

  async thumbnail(photo: Photo): Promise<Buffer> {
    const bytes = await this.inner.thumbnail(photo);
    this.afterRead(photo);
    return bytes;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('files that vanish or change during a run', () => {
  it('skips what vanished with a reason, copies the rest, and re-hashes what changed on the next run', async () => {
    const photos = tempDir();
    const out = path.join(tempDir(), 'out');
    const store = path.join(tempDir(), 'h.db');
    const a = await sceneJpeg({ seed: 71 });
    const b = await sceneJpeg({ seed: 72 });
    for (const name of ['a1.jpg', 'a2.jpg', 'a3.jpg', 'gone-before-read.jpg', 'emptied.jpg', 'gone-before-copy.jpg']) writeFileSync(path.join(photos, name), a);
    writeFileSync(path.join(photos, 'becomes-b.jpg'), a);
    writeFileSync(path.join(photos, 'b1.jpg'), b);

    const base = (photo: Photo) => path.basename(photo.id);
    const source = new MeddlingSource(
      photos,
      (photo) => {
        if (base(photo) === 'gone-before-read.jpg') rmSync(photo.id);
        if (base(photo) === 'emptied.jpg') truncateSync(photo.id, 0);
        // Another picture after the folder was listed: stored under the stat taken at listing.
        if (base(photo) === 'becomes-b.jpg') writeFileSync(photo.id, b);
      },
      (photo) => {
        if (base(photo) === 'gone-before-copy.jpg') rmSync(photo.id);
      },
    );
    const request = { storeFile: store, threshold: 12, dryRun: false, concurrency: 2 };
    const { report } = await organize({ ...request, source, target: localOutputTarget(out, false) });

    // In the order the photos finished, which more photos in flight make vary: compared sorted.
    expect(report.skipped.map((item) => [path.basename(item.path), item.reason]).sort()).toEqual([
      ['emptied.jpg', 'not a valid JPEG file (unrecognised content)'],
      ['gone-before-read.jpg', 'file vanished or is a dangling link'],
    ]);
    const groups = report.groups.map((group) => group.items.map((item) => path.basename(item.path)).sort()).sort();
    expect(groups).toEqual([['a1.jpg', 'a2.jpg', 'a3.jpg', 'gone-before-copy.jpg'], ['b1.jpg', 'becomes-b.jpg']]);
    // The copy whose original vanished failed on its own; every other copy is there, byte for byte.
    const failed = report.actions.filter((action) => action.status === 'failed');
    expect(failed).toEqual([expect.objectContaining({ type: 'copy', count: 1, error: expect.stringContaining('gone-before-copy.jpg') as unknown })]);
    const copied = readdirSync(out, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(copied).toHaveLength(5);
    for (const entry of copied) {
      const bytes = readFileSync(path.join(entry.parentPath, entry.name));
      expect(bytes.equals(a) || bytes.equals(b), entry.name).toBe(true);
    }

    // Next run: the changed file's new size/mtime make it be hashed again; nothing stale is reused.
    writeFileSync(path.join(photos, 'becomes-b.jpg'), readFileSync(path.join(photos, 'a1.jpg')));
    const again = await organize({ ...request, source: new LocalPhotoSource({ folders: [{ path: photos, reference: false }] }) });
    const regrouped = again.report.groups.map((group) => group.items.map((item) => path.basename(item.path)).sort()).sort();
    expect(regrouped).toEqual([['a1.jpg', 'a2.jpg', 'a3.jpg', 'becomes-b.jpg']]);
    expect(again.report.stats).toMatchObject({ hashed: 1, reused: 4 });
  });
});
