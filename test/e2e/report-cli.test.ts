/**
 * The reports as a user gets them: the built CLI writes HTML, CSV and JSON for benchmark photos (the
 * dev-split photos kept in test/fixtures) plus a copy with a hostile name; the HTML is opened in
 * headless Chromium and checked against the JSON, and a screenshot is left in test-artifacts/.
 */

import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { launchChromium, openHtmlFile } from '../helpers/browser.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const fixtures = path.resolve(import.meta.dirname, '../fixtures');
const HOSTILE = '<img src=x onerror=alert(1)>.jpg';

describe('--report html, csv and json from the CLI', () => {
  it('shows every group and photo of the JSON report, renders a hostile name as text, and writes RFC 4180 rows', async () => {
    const root = tempDir();
    const photos = path.join(root, 'photos');
    mkdirSync(photos);
    for (const dir of ['immich/images', 'photos']) {
      for (const name of readdirSync(path.join(fixtures, dir)).filter((file) => /\.(jpe?g|png)$/i.test(file))) {
        copyFileSync(path.join(fixtures, dir, name), path.join(photos, name));
      }
    }
    copyFileSync(path.join(fixtures, 'immich/images/IMG_3DE3968B.jpg'), path.join(photos, HOSTILE));
    const html = path.join(root, 'r.html');
    const csv = path.join(root, 'r.csv');
    const json = path.join(root, 'r.json');
    const result = await runCli(['organize', '-s', photos, '--save-hashes', path.join(root, 'h.db'), '--report', html, csv, json, '--quiet']);
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    const items = report.groups.reduce((sum, group) => sum + group.items.length, 0);
    expect(report.groups.length).toBeGreaterThanOrEqual(2);
    expect(report.groups.some((group) => group.items.some((item) => path.basename(item.path) === HOSTILE))).toBe(true);

    const rows = readFileSync(csv, 'utf8').split('\r\n').filter((line) => line.length > 0);
    expect(rows).toHaveLength(items + 1);
    expect(rows.some((row) => row.includes(`"${path.join(photos, HOSTILE)}"`) || row.includes(HOSTILE))).toBe(true);

    const browser = await launchChromium();
    try {
      const { page, problems } = await openHtmlFile(browser, html);
      expect(problems).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
      expect(await page.locator('section.group').count()).toBe(report.groups.length);
      expect(await page.locator('#po-groups img').count()).toBe(items);
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(await page.locator('#po-groups').innerText()).toContain(HOSTILE);
      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: path.join('test-artifacts', 'report-dev-photos.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
