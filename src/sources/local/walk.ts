/**
 * Recursive folder walk that streams one directory at a time, follows symlinks but never
 * enters a directory twice (so symlink loops end), and reports what it could not read.
 */

import { opendir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { throwIfCancelled } from '../../core/errors.js';

const STAT_BATCH = 64;

export interface WalkedFile {
  path: string;
  name: string;
  stats: Stats;
}

export interface WalkedDirectory {
  dir: string;
  files: WalkedFile[];
  /** Entries that could not be read: a dangling link, a folder without permission, ... */
  problems: { path: string; reason: string }[];
}

export async function* walkFolders(roots: readonly string[], signal?: AbortSignal): AsyncGenerator<WalkedDirectory> {
  const visited = new Set<string>();
  const pending = [...roots].map((root) => path.resolve(root)).reverse();
  while (pending.length > 0) {
    throwIfCancelled(signal);
    const dir = pending.pop() as string;
    const found: WalkedDirectory = { dir, files: [], problems: [] };
    let dirStats: Stats;
    try {
      dirStats = await stat(dir);
    } catch (error) {
      found.problems.push({ path: dir, reason: describeEntryError(error, dir) });
      yield found;
      continue;
    }
    const identity = `${dirStats.dev}:${dirStats.ino}`;
    if (visited.has(identity)) continue;
    visited.add(identity);

    const subdirs: string[] = [];
    const toStat: { path: string; name: string }[] = [];
    try {
      for await (const entry of await opendir(dir)) {
        const entryPath = path.join(dir, entry.name);
        if (entry.isDirectory()) subdirs.push(entryPath);
        else if (entry.isFile() || entry.isSymbolicLink()) toStat.push({ path: entryPath, name: entry.name });
      }
    } catch (error) {
      found.problems.push({ path: dir, reason: describeFsError(error) });
    }
    // Stats in parallel batches: one at a time, a warm run would wait on each round trip.
    for (let start = 0; start < toStat.length; start += STAT_BATCH) {
      const batch = toStat.slice(start, start + STAT_BATCH);
      const results = await Promise.allSettled(batch.map((entry) => stat(entry.path)));
      results.forEach((result, index) => {
        const entry = batch[index] as { path: string; name: string };
        if (result.status === 'rejected') found.problems.push({ path: entry.path, reason: describeEntryError(result.reason, entry.path) });
        else if (result.value.isDirectory()) subdirs.push(entry.path);
        else if (result.value.isFile()) found.files.push({ ...entry, stats: result.value });
      });
    }
    // Sorted so runs are deterministic whatever order the filesystem lists in.
    found.files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    subdirs.sort().reverse();
    pending.push(...subdirs);
    yield found;
  }
}

/**
 * A name that is not valid UTF-8 reaches us with U+FFFD in place of its bad bytes, so the path we
 * hold names no file: say that, rather than "vanished".
 */
function describeEntryError(error: unknown, entryPath: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' && path.basename(entryPath).includes('\uFFFD')) return 'file name is not valid UTF-8: rename it to scan it';
  return describeFsError(error);
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'file vanished or is a dangling link';
    case 'ELOOP':
      return 'symlink loop';
    case 'EISDIR':
      return 'is a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
