import { describe, expect, it } from 'vitest';
import type { Photo, PhotoMeta } from '../../src/core/photo.js';
import { pickBest as pickBestOf, type BestPhotoRule } from '../../src/grouping/best-photo.js';

function photo(id: string, meta: Partial<PhotoMeta>, extra: Partial<Photo> = {}): Photo {
  return { source: 'local', id, path: id, changeKey: '', meta: { width: 100, height: 100, bytes: 1000, format: 'jpeg', ...meta }, ...extra };
}

/** The metadata rules alone: photos without pixels. */
function pickBest(photos: Photo[], rules?: readonly BestPhotoRule[]): { best: Photo; reason: string } {
  const choice = pickBestOf(photos.map((p) => ({ photo: p })), rules);
  return { best: choice.best.photo, reason: choice.reason };
}

describe('pickBest', () => {
  it('prefers resolution first and says so', () => {
    const choice = pickBest([photo('/small', { width: 2016, height: 1512 }), photo('/big', { width: 4032, height: 3024 })]);
    expect(choice.best.id).toBe('/big');
    expect(choice.reason).toBe('higher resolution (4032x3024 vs 2016x1512)');
  });

  it('prefers HEIC/PNG/RAW over JPEG at equal resolution, counting a RAW sibling', () => {
    expect(pickBest([photo('/a.jpg', {}), photo('/b.png', { format: 'png' })]).best.id).toBe('/b.png');
    const withRaw = photo('/c.jpg', { bytes: 10 }, { siblings: ['/c.CR2'] });
    const choice = pickBest([photo('/a.jpg', { bytes: 5000 }), withRaw]);
    expect(choice.best.id).toBe('/c.jpg');
    expect(choice.reason).toBe('preferred format (JPEG+RAW over JPEG)');
  });

  it('follows a configured rule order', () => {
    const older = photo('/old', { width: 10, height: 10, takenAt: '2001-01-01T00:00:00Z' });
    const bigger = photo('/new', { width: 20, height: 20, takenAt: '2020-01-01T00:00:00Z' });
    expect(pickBest([older, bigger], ['oldest', 'resolution']).best.id).toBe('/old');
    expect(pickBest([older, bigger]).best.id).toBe('/new');
  });

  it('breaks full ties by path, whatever the input order', () => {
    const a = photo('/a', {});
    const b = photo('/b', {});
    expect(pickBest([b, a]).best.id).toBe('/a');
    expect(pickBest([a, b]).best.id).toBe('/a');
  });

  it('prefers a camera original over an editor\'s export or a copy without EXIF, and says why the others lost', () => {
    const original = photo('/dcim/IMG_1.jpg', { bytes: 900, camera: 'Canon EOS R5' });
    const edited = photo('/export/IMG_1.jpg', { bytes: 1500, camera: 'Canon EOS R5', software: 'GIMP 2.10.34' });
    const resaved = photo('/dcim/IMG_1 (1).jpg', { bytes: 2000 });
    const choice = pickBestOf([resaved, edited, original].map((p) => ({ photo: p })));
    expect(choice.best.photo.id).toBe('/dcim/IMG_1.jpg');
    expect([...choice.setAside].map(([c, why]) => [c.photo.id, why])).toEqual([
      ['/dcim/IMG_1 (1).jpg', 'no camera metadata'],
      ['/export/IMG_1.jpg', 'saved by an editor (GIMP 2.10.34)'],
    ]);
    // Camera firmware writing its own Software tag is no editor.
    const firmware = photo('/b.jpg', { bytes: 2000, camera: 'Canon EOS R5', software: 'Firmware Version 1.8.1' });
    expect(pickBest([original, firmware]).best.id).toBe('/b.jpg');
    expect(pickBest([original, resaved], ['bytes']).best.id).toBe('/dcim/IMG_1 (1).jpg');
  });

  it('prefers a JPEG of clearly higher quality before resolution and size', () => {
    const original = photo('/a.jpg', { bytes: 1000, jpegQuality: 92 });
    const lowQuality = photo('/b.jpg', { bytes: 3000, width: 200, jpegQuality: 60 });
    const choice = pickBest([lowQuality, original]);
    expect(choice.best.id).toBe('/a.jpg');
    expect(choice.reason).toBe('the other is a JPEG re-save at quality 60');
    // A re-save at 98 of a quality-92 original is no better: no quality evidence between the two.
    expect(pickBest([original, photo('/c.jpg', { bytes: 2000, jpegQuality: 98 })], ['compression', 'path']).best.id).toBe('/a.jpg');
    expect(pickBest([lowQuality, original], ['resolution']).best.id).toBe('/b.jpg');
  });
});
