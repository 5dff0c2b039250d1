/**
 * Makes docs/report.png, the README's picture of the HTML report: runs the built CLI (`npm run
 * build` first) on a folder (default: the bundled sample) and photographs the page in headless
 * Chromium at 1200x900, which keeps the PNG under ~300 KB.
 *
 *   npx vite-node scripts/report-picture.ts [--source-dir DIR] [--out docs/report.png] [--full-page]
 *
 * e.g. the benchmark's dev set: --source-dir ../shared/bench/dev/photos --out test-artifacts/report-dev.png
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { screenshotHtml } from '../test/helpers/browser.js';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    'source-dir': { type: 'string', default: path.join(root, 'sample') },
    out: { type: 'string', default: path.join(root, 'docs/report.png') },
    'full-page': { type: 'boolean', default: false },
  },
});
const cli = path.join(root, 'bin/photo-organizer.js');
if (!existsSync(path.join(root, 'dist'))) throw new Error('the CLI is not built: run npm run build first');
const work = mkdtempSync(path.join(os.tmpdir(), 'po-picture-'));
try {
  const html = path.join(work, 'report.html');
  execFileSync(process.execPath, [cli, 'organize', '-s', values['source-dir'], '--save-hashes', path.join(work, 'h.db'), '--report', html, '--quiet']);
  await screenshotHtml(html, values.out, { width: 1200, height: 900, fullPage: values['full-page'] });
  console.log(`wrote ${values.out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
