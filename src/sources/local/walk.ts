/**
 * Recursive folder walk that streams one directory at a time, follows symlinks but never
 * enters a directory twice (so symlink loops end), and reports what it could not read.
 */

import { opendir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { throwIfCancelled } from '../../core/errors.js';

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
      found.problems.push({ path: dir, reason: describeFsError(error) });
      yield found;
      continue;
    }
    const identity = `${dirStats.dev}:${dirStats.ino}`;
    if (visited.has(identity)) continue;
    visited.add(identity);

    const subdirs: string[] = [];
    try {
      for await (const entry of await opendir(dir)) {
        const entryPath = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          subdirs.push(entryPath);
          continue;
        }
        if (!entry.isFile() && !entry.isSymbolicLink()) continue;
        try {
          const stats = await stat(entryPath);
          if (stats.isDirectory()) subdirs.push(entryPath);
          else if (stats.isFile()) found.files.push({ path: entryPath, name: entry.name, stats });
        } catch (error) {
          found.problems.push({ path: entryPath, reason: describeFsError(error) });
        }
      }
    } catch (error) {
      found.problems.push({ path: dir, reason: describeFsError(error) });
    }
    // Sorted so runs are deterministic whatever order the filesystem lists in.
    found.files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    subdirs.sort().reverse();
    pending.push(...subdirs);
    yield found;
  }
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
