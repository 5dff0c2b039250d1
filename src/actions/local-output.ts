/**
 * Copying groups into the output folder. Originals are only read; a file is written under a
 * temporary name and then hard-linked to its final name, which fails instead of overwriting.
 */

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { CopyStep } from './plan.js';

const TEMP_PREFIX = '.photo-organizer-tmp-';

export type CopyOutcome = { status: 'done'; path: string } | { status: 'unchanged'; path: string } | { status: 'failed'; error: string };

export async function copyIntoOutput(step: CopyStep): Promise<CopyOutcome> {
  try {
    // The plan only makes safe names; this step holds the line on its own in case one is not.
    if (step.name !== path.basename(step.name) || step.name === '.' || step.name === '..' || step.name.includes('\\')) {
      throw new Error(`unsafe file name ${JSON.stringify(step.name)}: it must be a plain name inside the group folder`);
    }
    await mkdir(step.folder, { recursive: true });
    // A group folder someone replaced with a link could lead the copy anywhere: never follow it.
    if ((await lstat(step.folder)).isSymbolicLink()) throw new Error(`${step.folder} is a symbolic link; not writing through it`);
    const source = await stat(step.from);
    const temp = path.join(step.folder, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
    let candidate = path.join(step.folder, step.name);
    for (let attempt = 2; ; attempt++) {
      const existing = await stat(candidate).catch(() => undefined);
      // The same bytes under the wanted name: our copy from an earlier run.
      if (existing?.size === source.size && (await sameContent(step.from, candidate))) return { status: 'unchanged', path: candidate };
      if (!existing) break;
      candidate = numbered(path.join(step.folder, step.name), attempt);
    }
    await copyFile(step.from, temp, constants.COPYFILE_EXCL);
    try {
      for (let attempt = 2; ; attempt++) {
        try {
          await link(temp, candidate);
          return { status: 'done', path: candidate };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          candidate = numbered(path.join(step.folder, step.name), attempt);
        }
      }
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  } catch (error) {
    return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
}

/** Removes temporary files an interrupted run left in the output folder's group folders. */
export async function removeLeftoverTemps(outputDir: string): Promise<number> {
  let removed = 0;
  const folders = await readdir(outputDir, { withFileTypes: true }).catch(() => []);
  for (const folder of folders) {
    if (!folder.isDirectory()) continue;
    const dir = path.join(outputDir, folder.name);
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.startsWith(TEMP_PREFIX)) continue;
      await unlink(path.join(dir, name)).catch(() => undefined);
      removed++;
    }
  }
  return removed;
}

async function sameContent(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([readFile(a), readFile(b)]);
  return left.equals(right);
}

function numbered(filePath: string, counter: number): string {
  const extension = path.extname(filePath);
  return `${filePath.slice(0, filePath.length - extension.length)} (${counter})${extension}`;
}
