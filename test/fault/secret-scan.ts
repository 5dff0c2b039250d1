/**
 * Looks for an API key everywhere a run leaves text behind: its stdout and stderr, and every byte of
 * every file under the folders it wrote (hash database with its WAL, reports, thumbnail cache). A
 * 12-character piece of the key counts too, so a key cut short in a log line is still caught.
 */

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function secretLeaks(key: string, outputs: Record<string, string>, folders: readonly string[]): string[] {
  const pieces = [key, key.slice(0, 12), key.slice(-12)];
  const leaks: string[] = [];
  for (const [name, text] of Object.entries(outputs)) if (pieces.some((piece) => text.includes(piece))) leaks.push(name);
  for (const folder of folders) {
    for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const bytes = readFileSync(file);
      if (pieces.some((piece) => bytes.includes(piece) || bytes.includes(Buffer.from(piece, 'utf16le')))) leaks.push(file);
    }
  }
  return leaks;
}
