/**
 * Turning an Immich asset into the `Photo` the pipeline works with. Pure, so every version's field
 * quirks are unit-tested without a server.
 */

import type { ImageFormat, Photo } from '../../core/photo.js';
import type { AssetDto } from './immich-dto.js';

const MIME_FORMATS: Record<string, ImageFormat> = {
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/tiff': 'tiff',
  'image/avif': 'avif',
  'image/heic': 'heic',
  'image/heif': 'heic',
};

const EXTENSION_FORMATS: Record<string, ImageFormat> = {
  jpg: 'jpeg', jpeg: 'jpeg', jpe: 'jpeg', png: 'png', webp: 'webp', gif: 'gif', tif: 'tiff', tiff: 'tiff',
  avif: 'avif', heic: 'heic', heif: 'heic', hif: 'heic',
  dng: 'raw', nef: 'raw', nrw: 'raw', cr2: 'raw', cr3: 'raw', crw: 'raw', arw: 'raw', sr2: 'raw', srf: 'raw',
  raf: 'raw', orf: 'raw', rw2: 'raw', pef: 'raw', srw: 'raw', x3f: 'raw', '3fr': 'raw', erf: 'raw',
  kdc: 'raw', mrw: 'raw', iiq: 'raw', raw: 'raw', rwl: 'raw',
};

/** Immich derives the MIME type from the file name; RAW types are vendor `image/x-…` names. */
export function formatOf(mimeType: string | null | undefined, fileName: string): ImageFormat | 'unknown' {
  const mime = mimeType?.toLowerCase();
  if (mime !== undefined) {
    const known = MIME_FORMATS[mime];
    if (known !== undefined) return known;
  }
  const extension = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return (extension !== undefined ? EXTENSION_FORMATS[extension] : undefined) ?? 'unknown';
}

/**
 * The checksum as base64 SHA-1, the form the hash stage computes for local files too. Immich sends
 * base64; a compatible server might send hex. Anything else is not a SHA-1 and is not offered.
 */
export function checksumBase64(checksum: string): string | undefined {
  if (/^[0-9a-f]{40}$/i.test(checksum)) return Buffer.from(checksum, 'hex').toString('base64');
  if (!/^[A-Za-z0-9+/]{27}=$/.test(checksum)) return undefined;
  return Buffer.from(checksum, 'base64').length === 20 ? checksum : undefined;
}

function isoDate(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function positive(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/** "Canon" + "Canon EOS R5" reads "Canon EOS R5", not "Canon Canon EOS R5". */
export function cameraOf(make: string | null | undefined, model: string | null | undefined): string | undefined {
  const maker = make?.trim() ?? '';
  const name = model?.trim() ?? '';
  if (name === '') return maker === '' ? undefined : maker;
  if (maker === '' || name.toLowerCase().startsWith(maker.toLowerCase())) return name;
  return `${maker} ${name}`;
}

/**
 * Displayed pixel size. v2.5+ gives it upright on the asset; older servers only have the stored
 * EXIF size, which must be swapped for orientations 5–8 (rotated 90°).
 */
function dimensions(asset: AssetDto): { width: number; height: number } {
  const width = positive(asset.width);
  const height = positive(asset.height);
  if (width > 0 && height > 0) return { width, height };
  const exif = asset.exifInfo;
  const exifWidth = positive(exif?.exifImageWidth);
  const exifHeight = positive(exif?.exifImageHeight);
  const orientation = Number(exif?.orientation ?? 1);
  return orientation >= 5 && orientation <= 8 ? { width: exifHeight, height: exifWidth } : { width: exifWidth, height: exifHeight };
}

/**
 * The change key is the checksum: it is the content. For external-library assets the checksum is of
 * the path ("path:" + originalPath), so the file's modification time is added, and no checksum is
 * offered as content identity.
 */
export function assetToPhoto(asset: AssetDto): Photo {
  const external = asset.libraryId !== null && asset.libraryId !== undefined && asset.libraryId !== '';
  const checksum = external ? undefined : checksumBase64(asset.checksum);
  const orientation = asset.exifInfo?.orientation;
  const orientationNumber = orientation === null || orientation === undefined ? undefined : Number(orientation);
  const takenAt = isoDate(asset.exifInfo?.dateTimeOriginal) ?? isoDate(asset.fileCreatedAt);
  const camera = cameraOf(asset.exifInfo?.make, asset.exifInfo?.model);
  return {
    source: 'immich',
    id: asset.id,
    path: asset.originalFileName,
    changeKey: external ? `${asset.checksum}:${asset.fileModifiedAt ?? ''}` : asset.checksum,
    ...(checksum !== undefined ? { knownChecksum: checksum } : {}),
    meta: {
      ...dimensions(asset),
      bytes: positive(asset.exifInfo?.fileSizeInByte),
      format: formatOf(asset.originalMimeType, asset.originalFileName),
      ...(takenAt !== undefined ? { takenAt } : {}),
      ...(camera !== undefined ? { camera } : {}),
      ...(orientationNumber !== undefined && orientationNumber >= 1 && orientationNumber <= 8 ? { orientation: orientationNumber } : {}),
      isFavorite: asset.isFavorite === true,
    },
  };
}
