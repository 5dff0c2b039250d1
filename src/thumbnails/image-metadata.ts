/** Pixel size, orientation, date, camera and editing software of an original image, read from its header and EXIF. */

import exifReader from 'exif-reader';
import type { Metadata } from 'sharp';
import type { ImageFormat, PhotoMeta } from '../core/photo.js';

const SHARP_FORMATS: Record<string, ImageFormat> = {
  jpeg: 'jpeg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tiff', heif: 'heic', avif: 'avif',
};

/** What photoMetaOf reads of a header: sharp's, or one read without it (jpeg-header.ts). */
export type HeaderFields = Pick<Metadata, 'width' | 'height' | 'orientation' | 'format' | 'compression' | 'exif'>;

/** The photo's metadata from a header already read (e.g. by sharp while decoding the hash input). */
export function photoMetaOf(info: HeaderFields): Partial<PhotoMeta> {
  const orientation = info.orientation ?? 1;
  // Orientations 5-8 turn the picture a quarter: the displayed size is the stored size swapped.
  const quarterTurn = orientation >= 5;
  const meta: Partial<PhotoMeta> = {
    width: (quarterTurn ? info.height : info.width) ?? 0,
    height: (quarterTurn ? info.width : info.height) ?? 0,
    orientation,
  };
  const format = info.format === 'heif' && info.compression === 'av1' ? 'avif' : SHARP_FORMATS[info.format ?? ''];
  if (format) meta.format = format;
  if (info.exif) Object.assign(meta, metaFromExif(info.exif));
  return meta;
}

/** Date taken and camera from an EXIF block (`Exif\0\0` and a TIFF structure, or the bare TIFF structure); {} when unreadable. */
export function metaFromExif(exif: Buffer): Partial<PhotoMeta> {
  try {
    const tags = exifReader(exif);
    const meta: Partial<PhotoMeta> = {};
    // CR3 keeps its EXIF directory as a TIFF structure of its own: the date is then in its first directory.
    const taken = tags.Photo?.DateTimeOriginal ?? tags.Image?.DateTimeOriginal ?? tags.Image?.DateTime;
    if (taken instanceof Date && !Number.isNaN(taken.getTime())) meta.takenAt = taken.toISOString();
    const camera = [tags.Image?.Make, tags.Image?.Model].filter((part) => typeof part === 'string' && part.trim()).join(' ').trim();
    if (camera) meta.camera = camera.replace(/\0/g, '');
    const software = typeof tags.Image?.Software === 'string' ? tags.Image.Software.replace(/\0/g, '').trim() : '';
    if (software) meta.software = software;
    return meta;
  } catch {
    // Broken EXIF is common and harmless: the photo is still hashed, just without these fields.
    return {};
  }
}
