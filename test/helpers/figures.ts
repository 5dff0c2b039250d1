/**
 * Figures the fault and security tests count (tried / survived / lost), written as JSON to
 * `test-artifacts/figures/<name>.json` (gitignored) and printed, so a run leaves its numbers behind.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIGURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/figures');

export function writeFigures(name: string, figures: Record<string, unknown>): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const record = { name, at: new Date().toISOString(), ...figures };
  writeFileSync(path.join(FIGURES_DIR, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  console.log(`figures ${name}: ${JSON.stringify(figures)}`);
}
