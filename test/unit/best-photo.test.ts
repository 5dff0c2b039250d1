import { describe, expect, it } from 'vitest';
import type { Photo, PhotoMeta } from '../../src/core/photo.js';
import { pickBest } from '../../src/grouping/best-photo.js';

function photo(id: string, meta: Partial<PhotoMeta>, extra: Partial<Photo> = {}): Photo {
  return { source: 'local', id, path: id, changeKey: '', meta: { width: 100, height: 100, bytes: 1000, format: 'jpeg', ...meta }, ...extra };
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
});
