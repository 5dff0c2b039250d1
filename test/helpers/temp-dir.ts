/** Throw-away folders for tests, removed after each test file. */

import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export function useTempDirs(): (label?: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) removeTree(dir);
  });
  return (label = 'po-test') => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `${label}-`));
    made.push(dir);
    return dir;
  };
}

/**
 * Removes a test's folder, including folders a test locked (mode 000, to test "permission denied"):
 * root removes those anyway, any other user must open them again first.
 */
function removeTree(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    reopenFolders(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

function reopenFolders(dir: string): void {
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return;
  chmodSync(dir, 0o700);
  for (const name of readdirSync(dir)) reopenFolders(path.join(dir, name));
}
