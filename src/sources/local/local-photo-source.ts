/** Photos from local folders: streamed folder by folder, recognised by content, siblings kept together. */

import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ImageFormat, Photo, SourceEntry } from '../../core/photo.js';
import { SourceUnavailableError, UsageError } from '../../core/errors.js';
import type { PhotoSource } from '../photo-source.js';
import { formatFromExtension, sniffFormat, SNIFF_BYTES } from '../../core/image-format.js';
import { describeFsError, walkFolders, type WalkedFile } from './walk.js';
import { groupSiblings, type SiblingUnit } from './siblings.js';
import { isOtherFile } from './other-files.js';
import { localChangeKey, MAX_FILE_BYTES, originalInput, readOriginal, readUnchangedOriginal } from './original-file.js';

export interface LocalFolder {
  path: string;
  /** Reference folders are compared against but never acted on; their photos are always kept. */
  reference: boolean;
}

export interface LocalSourceOptions {
  folders: readonly LocalFolder[];
  /** Keeps only files whose path matches (e.g. a picomatch glob); applied before any read. */
  pathFilter?: (filePath: string) => boolean;
}

export interface Candidate {
  file: WalkedFile;
  format: ImageFormat;
}

export class LocalPhotoSource implements PhotoSource {
  readonly kind = 'local' as const;
  readonly thumbnailsAreOriginals = true;
  /** One store may serve several folders run by run: a folder's listing says nothing of the others. */
  readonly listsWholeLibrary = false;

  constructor(private readonly options: LocalSourceOptions) {}

  async *list(signal?: AbortSignal): AsyncGenerator<SourceEntry> {
    await this.checkFolders();
    for (const folder of this.options.folders) {
      for await (const directory of walkFolders([folder.path], signal)) {
        for (const problem of directory.problems) {
          yield { kind: 'skipped', skipped: { id: problem.path, path: problem.path, reason: problem.reason } };
        }
        const candidates: Candidate[] = [];
        const others: WalkedFile[] = [];
        for (const file of directory.files) {
          if (this.options.pathFilter && !this.options.pathFilter(file.path)) continue;
          const verdict = await classify(file);
          if (verdict === OTHER) others.push(file);
          else if (typeof verdict === 'string') yield { kind: 'skipped', skipped: { id: file.path, path: file.path, reason: verdict } };
          else candidates.push(verdict);
        }
        const { units, unclaimed } = groupSiblings(candidates, others);
        for (const file of unclaimed) yield { kind: 'ignored', path: file.path };
        for (const unit of units) yield { kind: 'photo', photo: toPhoto(unit, folder.reference) };
      }
    }
  }

  thumbnail(photo: Photo): Promise<Buffer> {
    return readOriginal(photo.id);
  }

  originalInput(photo: Photo): Promise<Buffer | string> {
    return originalInput(photo.id);
  }

  /** Any local photo's, reference libraries' too: their ids are absolute paths like ours. */
  unchangedOriginal(photo: Photo): Promise<Buffer | undefined> {
    return readUnchangedOriginal(photo.id, photo.changeKey);
  }

  async close(): Promise<void> {}

  private async checkFolders(): Promise<void> {
    for (const folder of this.options.folders) {
      try {
        const stats = await stat(folder.path);
        if (!stats.isDirectory()) throw new SourceUnavailableError(`not a folder: ${folder.path}`);
      } catch (error) {
        if (error instanceof SourceUnavailableError) throw error;
        // A folder named on the command line that is not there is a mistake in the command (exit 2).
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`no such folder: ${folder.path}`);
        throw new SourceUnavailableError(`cannot read folder ${folder.path}: ${describeFsError(error)}`);
      }
    }
  }
}

/** A file that is not a photo: counted and listed with -v, never reported as skipped. */
const OTHER = Symbol('other file');

/**
 * A candidate photo, another kind of file, or the reason a photo is skipped. A file named like an
 * image is not opened here: its content is checked when it is decoded, so an unchanged library
 * costs one stat per file. A file with any other name is a photo only if its header says so.
 */
async function classify(file: WalkedFile): Promise<Candidate | typeof OTHER | string> {
  if (isOtherFile(file.name)) return OTHER;
  const byExtension = formatFromExtension(file.name);
  if (!byExtension && (file.stats.size === 0 || file.stats.size > MAX_FILE_BYTES)) return OTHER;
  if (file.stats.size === 0) return 'empty file';
  if (file.stats.size > MAX_FILE_BYTES) return `file too large (${file.stats.size} bytes)`;
  if (byExtension) return { file, format: byExtension };
  let header: Uint8Array;
  try {
    header = await readHeader(file.path);
  } catch (error) {
    return describeFsError(error);
  }
  const byContent = sniffFormat(header);
  return byContent ? { file, format: byContent } : OTHER;
}

async function readHeader(filePath: string): Promise<Uint8Array> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function toPhoto(unit: SiblingUnit, reference: boolean): Photo {
  const { file, format } = unit.primary;
  const photo: Photo = {
    source: 'local',
    id: path.resolve(file.path),
    path: file.path,
    changeKey: localChangeKey(file.stats),
    meta: { width: 0, height: 0, bytes: file.stats.size, format },
  };
  const siblings = [...unit.siblings.map((sibling) => sibling.file.path), ...unit.companions.map((companion) => companion.path)];
  if (siblings.length > 0) photo.siblings = siblings;
  if (reference) photo.isReference = true;
  return photo;
}
