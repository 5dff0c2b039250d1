/** Throw-away folders for tests, removed after each test file. */

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export function useTempDirs(): (label?: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return (label = 'po-test') => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `${label}-`));
    made.push(dir);
    return dir;
  };
}
