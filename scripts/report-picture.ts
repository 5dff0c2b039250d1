/**
 * Makes docs/report.png, the README's picture of the HTML report: runs the built CLI on a folder
 * (default: the bundled sample) and photographs the page in headless Chromium.
 *
 *   npx vite-node scripts/report-picture.ts [-- --source-dir DIR] [--out docs/report.png]
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { screenshotHtml } from '../test/helpers/browser.js';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { 'source-dir': { type: 'string', default: path.join(root, 'sample') }, out: { type: 'string', default: path.join(root, 'docs/report.png') } },
});
const work = mkdtempSync(path.join(os.tmpdir(), 'po-picture-'));
try {
  const html = path.join(work, 'report.html');
  execFileSync(process.execPath, [path.join(root, 'bin/photo-organizer.js'), 'organize', '-s', values['source-dir'], '--save-hashes', path.join(work, 'h.db'), '--report', html, '--quiet']);
  await screenshotHtml(html, values.out, { width: 1200, height: 900 });
  console.log(`wrote ${values.out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
