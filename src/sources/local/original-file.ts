/** Reading a local original: the checks made before sharp or our checksum touch its bytes. */

import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { PhotoUnreadableError } from '../../core/errors.js';
import { describeFsError } from './walk.js';

/** Larger files are refused before reading: no camera writes a 1 GiB photo. */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

/** A local photo's change key: its size and whole-millisecond mtime. */
export function localChangeKey(stats: Pick<Stats, 'size' | 'mtimeMs'>): string {
  return `${stats.size}:${Math.trunc(stats.mtimeMs)}`;
}

/**
 * libvips reads a trailing `[...]` of a file name as load options (`a.jpg[shrink=2]`), so such a
 * file cannot be handed to sharp by name: it is read into memory instead.
 */
const LOAD_OPTION_SUFFIX = /\[[^/\\]*\]$/;

/**
 * The file's path, for sharp to read (the listing has refused what is too large), or its bytes when
 * sharp would misread the path; rejects with a per-photo reason. No second stat: a file gone since
 * the listing fails to decode, and the decode's failure reads it again for the reason (hash-stage.ts).
 */
export async function originalInput(filePath: string): Promise<Buffer | string> {
  return LOAD_OPTION_SUFFIX.test(filePath) ? readOriginal(filePath) : filePath;
}

export async function readOriginal(filePath: string): Promise<Buffer> {
  await checkSize(filePath);
  try {
    return await readFile(filePath);
  } catch (error) {
    throw new PhotoUnreadableError(describeFsError(error), { cause: error });
  }
}

async function checkSize(filePath: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(filePath)).size;
  } catch (error) {
    throw new PhotoUnreadableError(describeFsError(error), { cause: error });
  }
  if (size > MAX_FILE_BYTES) throw new PhotoUnreadableError(`file too large (${size} bytes)`);
}

/**
 * The file's bytes if it still has `changeKey` (so they are the bytes that were hashed), else
 * undefined: a file that changed or vanished since is simply not vouched for.
 */
export async function readUnchangedOriginal(filePath: string, changeKey: string): Promise<Buffer | undefined> {
  try {
    const before = await stat(filePath);
    if (localChangeKey(before) !== changeKey) return undefined;
    const bytes = await readFile(filePath);
    return bytes.length === before.size ? bytes : undefined;
  } catch {
    return undefined;
  }
}
