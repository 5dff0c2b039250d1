/** Image formats: by file extension (what a file claims to be) and by content (what it is). */

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

export const SNIFF_BYTES = 32;

/** The image format the header shows, or undefined when it is not an image we know. */
export function sniffFormat(header: Uint8Array): ImageFormat | undefined {
  const ascii = (start: number, end: number) => String.fromCharCode(...header.subarray(start, end));
  if (header[0] === 0xff && header[1] === 0xd8 && header[2] === 0xff) return 'jpeg';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'tiff';
  // RAW formats with a magic of their own: Fujifilm RAF, Olympus ORF, Panasonic RW2.
  if (ascii(0, 15) === 'FUJIFILMCCD-RAW' || ['IIRO', 'IIRS', 'MMOR', 'IIU\0'].includes(ascii(0, 4))) return 'raw';
  if (ascii(4, 8) === 'ftyp') {
    const brands = ascii(8, Math.min(header.length, SNIFF_BYTES));
    if (/avi[fs]/.test(brands)) return 'avif';
    if (/hei[cxms]|hev[cx]|mif1|msf1/.test(brands)) return 'heic';
    if (/crx /.test(brands)) return 'raw';
  }
  return undefined;
}
