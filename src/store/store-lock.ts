/**
 * One run at a time per store: a lock file beside the database, created exclusively and holding
 * the owner's pid. A lock left by a process that no longer exists is taken over, so a crash or
 * SIGKILL never blocks the next cron run.
 */

import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from '../core/errors.js';

export interface StoreLock {
  release(): void;
}

export function lockStore(storeFile: string): StoreLock {
  const lockFile = `${storeFile}.lock`;
  mkdirSync(path.dirname(path.resolve(storeFile)), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => unlinkSync(lockFile) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreError(`cannot lock ${storeFile}: ${(error as Error).message}`);
      const owner = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new StoreError(`another photo-organizer run (pid ${owner}) is using ${storeFile}; try again when it has finished`);
      }
      unlinkSync(lockFile);
    }
  }
  throw new StoreError(`cannot lock ${storeFile}: the lock file keeps reappearing`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
