/** Image formats by file extension: what a file claims to be before its content is checked. */

import type { ImageFormat } from './photo.js';

const IMAGE_EXTENSIONS: Record<string, ImageFormat> = {
  jpg: 'jpeg', jpeg: 'jpeg', jpe: 'jpeg', jfif: 'jpeg',
  png: 'png', webp: 'webp', gif: 'gif', tif: 'tiff', tiff: 'tiff',
  avif: 'avif', heic: 'heic', heif: 'heic', hif: 'heic',
  dng: 'raw', cr2: 'raw', cr3: 'raw', nef: 'raw', nrw: 'raw', arw: 'raw', srf: 'raw', sr2: 'raw',
  orf: 'raw', rw2: 'raw', raf: 'raw', pef: 'raw', srw: 'raw', x3f: 'raw', '3fr': 'raw', iiq: 'raw',
};

export function formatFromExtension(fileName: string): ImageFormat | undefined {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0) return undefined;
  return IMAGE_EXTENSIONS[fileName.slice(dot + 1).toLowerCase()];
}
