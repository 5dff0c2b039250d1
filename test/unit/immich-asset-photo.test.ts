import { describe, expect, it } from 'vitest';
import { assetToPhoto, cameraOf, checksumBase64, formatOf } from '../../src/sources/immich/asset-photo.js';
import { assetSchema, type AssetDto } from '../../src/sources/immich/immich-dto.js';

/** A v3.1 search item with exif, trimmed from API-NOTES §4.4. */
function asset(overrides: Record<string, unknown> = {}): AssetDto {
  return assetSchema.parse({
    id: '2b4e0a0e-4c2d-4f7b-9d8e-3f2a1b0c9d8e',
    ownerId: '6f1c7a52-1d3e-4b8a-9c0d-2e3f4a5b6c7d',
    type: 'IMAGE',
    originalFileName: 'IMG_0001.JPG',
    originalMimeType: 'image/jpeg',
    checksum: 'jbo4gx3wAoxbHHzeWl8a+FV7hec=',
    fileCreatedAt: '2024-05-01T10:11:12.000Z',
    fileModifiedAt: '2024-05-01T10:11:12.000Z',
    localDateTime: '2024-05-01T12:11:12.000Z',
    updatedAt: '2024-06-01T08:00:05.000Z',
    isFavorite: true,
    isTrashed: false,
    visibility: 'timeline',
    libraryId: null,
    width: 4032,
    height: 3024,
    exifInfo: { fileSizeInByte: 2345678, exifImageWidth: 4032, exifImageHeight: 3024, make: 'Apple', model: 'iPhone 12', orientation: '1', dateTimeOriginal: '2024-05-01T10:11:12+02:00' },
    ...overrides,
  });
}

describe('assetToPhoto', () => {
  it('maps a v3 search item', () => {
    expect(assetToPhoto(asset())).toEqual({
      source: 'immich',
      id: '2b4e0a0e-4c2d-4f7b-9d8e-3f2a1b0c9d8e',
      path: 'IMG_0001.JPG',
      changeKey: 'jbo4gx3wAoxbHHzeWl8a+FV7hec=',
      knownChecksum: 'jbo4gx3wAoxbHHzeWl8a+FV7hec=',
      meta: {
        width: 4032,
        height: 3024,
        bytes: 2345678,
        format: 'jpeg',
        takenAt: '2024-05-01T08:11:12.000Z',
        camera: 'Apple iPhone 12',
        orientation: 1,
        isFavorite: true,
      },
    });
  });

  it('uses the EXIF size, upright, on servers older than v2.5', () => {
    const photo = assetToPhoto(asset({ width: undefined, height: undefined, exifInfo: { exifImageWidth: 512, exifImageHeight: 384, orientation: '6' } }));
    expect(photo.meta).toMatchObject({ width: 384, height: 512, orientation: 6 });
  });

  it('copes with no exif at all (second pass without withExif)', () => {
    const photo = assetToPhoto(asset({ exifInfo: undefined, width: null, height: null }));
    expect(photo.meta).toEqual({ width: 0, height: 0, bytes: 0, format: 'jpeg', takenAt: '2024-05-01T10:11:12.000Z', isFavorite: true });
  });

  it('never offers an external-library checksum as content, and keys changes on the file time', () => {
    const photo = assetToPhoto(asset({ libraryId: '9a1c7a52-1d3e-4b8a-9c0d-2e3f4a5b6c7d', fileModifiedAt: '2025-01-01T00:00:00.000Z' }));
    expect(photo.knownChecksum).toBeUndefined();
    expect(photo.changeKey).toBe('jbo4gx3wAoxbHHzeWl8a+FV7hec=:2025-01-01T00:00:00.000Z');
  });
});

describe('asset field helpers', () => {
  it('gives checksums as base64 SHA-1, like the hash stage computes for local files', () => {
    expect(checksumBase64('jbo4gx3wAoxbHHzeWl8a+FV7hec=')).toBe('jbo4gx3wAoxbHHzeWl8a+FV7hec=');
    expect(checksumBase64('8DBA38831DF0028C5B1C7CDE5A5F1AF8557B85E7')).toBe('jbo4gx3wAoxbHHzeWl8a+FV7hec=');
    expect(checksumBase64('path-based?')).toBeUndefined();
    expect(checksumBase64('AAAA')).toBeUndefined();
  });

  it('knows formats by MIME type, then by extension', () => {
    expect(formatOf('image/heif', 'x')).toBe('heic');
    expect(formatOf('image/x-canon-cr2', 'IMG_1.CR2')).toBe('raw');
    expect(formatOf(undefined, 'scan.TIF')).toBe('tiff');
    expect(formatOf('application/octet-stream', 'noext')).toBe('unknown');
  });

  it('does not repeat the maker in the camera name', () => {
    expect(cameraOf('Canon', 'Canon EOS R5')).toBe('Canon EOS R5');
    expect(cameraOf('NIKON CORPORATION', 'NIKON D750')).toBe('NIKON CORPORATION NIKON D750');
    expect(cameraOf(null, null)).toBeUndefined();
    expect(cameraOf('Fujifilm', ' ')).toBe('Fujifilm');
  });
});
