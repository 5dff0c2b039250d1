/**
 * The reports as a user gets them: the built CLI writes HTML, CSV and JSON for benchmark photos
 * (the dev-split photos kept in test/fixtures; tests never read ../shared), generated copies, and
 * duplicates with hostile and awkward names. The HTML is opened in headless Chromium and checked
 * against the JSON, and a screenshot is left in test-artifacts/report-cli.png. Also the CLI's
 * manners: --help with examples on every command, one clear line and exit 2 for bad flags.
 */

import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report, ReportGroup } from '../../src/core/report.js';
import { launchChromium, openHtmlFile, type OpenedPage } from '../helpers/browser.js';
import { sceneJpeg, scenePng } from '../helpers/images.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const repo = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(repo, 'test/fixtures');
const HOSTILE = '<img src=x onerror=alert(1)>.jpg';
const AWKWARD = 'a "quoted", name\nwith a line break.jpg';
const SCREENSHOT = path.join(repo, 'test-artifacts/report-cli.png');
const CSV_COLUMNS = ['group_id', 'kind', 'best', 'id', 'path', 'bytes', 'width', 'height', 'distance', 'format', 'taken_at', 'found_by', 'owner'];

/** RFC 4180, strictly: CRLF records, quoted fields may hold commas, CR, LF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let at = 0;
  while (at < text.length) {
    if (text[at] === '"' && field === '') {
      let close = at + 1;
      for (;;) {
        const found = text.indexOf('"', close);
        if (found < 0) throw new Error(`unterminated quote at ${at}`);
        if (text[found + 1] === '"') close = found + 2;
        else {
          close = found;
          break;
        }
      }
      field = text.slice(at + 1, close).replaceAll('""', '"');
      at = close + 1;
      if (at < text.length && text[at] !== ',' && !text.startsWith('\r\n', at)) throw new Error(`text after a quoted field at ${at}`);
    } else if (text[at] === ',') {
      record.push(field);
      field = '';
      at++;
    } else if (text.startsWith('\r\n', at)) {
      records.push([...record, field]);
      record = [];
      field = '';
      at += 2;
    } else {
      if (text[at] === '"' || text[at] === '\n' || text[at] === '\r') throw new Error(`bare ${JSON.stringify(text[at])} in an unquoted field at ${at}`);
      field += text[at];
      at++;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('the last record has no CRLF');
  return records;
}

/** The HTML's display order: most reclaimable space first, then bigger groups, then id. */
function displayOrder(groups: readonly ReportGroup[]): string[] {
  return [...groups]
    .sort((a, b) => b.reclaimableBytes - a.reclaimableBytes || b.items.length - a.items.length || a.id.localeCompare(b.id))
    .map((group) => group.id);
}

/** An attribute of every element matching a selector (a string: the project's TS has no DOM types). */
async function attributes(page: OpenedPage['page'], selector: string, attribute: string): Promise<(string | null)[]> {
  const values: unknown = await page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((n) => n.getAttribute(${JSON.stringify(attribute)}))`);
  if (!Array.isArray(values)) throw new Error(`no list for ${selector}`);
  return values.map((value) => (typeof value === 'string' ? value : null));
}

describe('--report html, csv and json from the CLI', () => {
  let root: string;
  let photos: string;
  let report: Report;
  let items: number;
  let opened: OpenedPage;
  let close: () => Promise<void>;

  beforeAll(async () => {
    root = tempDir();
    photos = path.join(root, 'photos');
    mkdirSync(photos);
    for (const dir of ['immich/images', 'photos']) {
      for (const name of readdirSync(path.join(fixtures, dir)).filter((file) => /\.(jpe?g|png)$/i.test(file))) {
        copyFileSync(path.join(fixtures, dir, name), path.join(photos, name));
      }
    }
    // Generated scenes, each with a smaller re-encode and some as PNG: near-duplicate groups of 2-3.
    for (let seed = 1; seed <= 8; seed++) {
      writeFileSync(path.join(photos, `scene-${seed}.jpg`), await sceneJpeg({ seed, width: 1200, height: 900 }));
      writeFileSync(path.join(photos, `scene-${seed}-small.jpg`), await sceneJpeg({ seed, width: 600, height: 450 }, 70));
      if (seed % 3 === 0) writeFileSync(path.join(photos, `scene-${seed}.png`), await scenePng({ seed, width: 800, height: 600 }));
    }
    copyFileSync(path.join(fixtures, 'immich/images/IMG_3DE3968B.jpg'), path.join(photos, HOSTILE));
    copyFileSync(path.join(photos, 'scene-1.jpg'), path.join(photos, AWKWARD));

    const result = await runCli([
      'organize', '-s', photos, '--save-hashes', path.join(root, 'h.db'),
      '--report', path.join(root, 'r.html'), '--report', path.join(root, 'r.csv'), '--report', path.join(root, 'r.json'), '--quiet',
    ]);
    expect(result.stderr).toMatch(/ photos, /);
    expect(result.code).toBe(0);
    report = JSON.parse(readFileSync(path.join(root, 'r.json'), 'utf8')) as Report;
    items = report.groups.reduce((sum, group) => sum + group.items.length, 0);

    const browser = await launchChromium();
    close = () => browser.close();
    opened = await openHtmlFile(browser, path.join(root, 'r.html'), { width: 1280, height: 900 });
  }, 120_000);

  afterAll(async () => {
    await close?.();
  });

  it('writes a JSON report holding the hostile and awkward copies in groups', () => {
    expect(report.schema).toBe('photo-organizer/report@1');
    expect(report.groups.length).toBeGreaterThanOrEqual(9); // 8 scenes + the fixtures' own duplicates
    // Every group says who found it: a local run has only our hashes.
    expect(new Set(report.groups.map((group) => JSON.stringify(group.found_by)))).toEqual(new Set(['["phash"]']));
    const grouped = report.groups.flatMap((group) => group.items.map((item) => path.basename(item.path)));
    expect(grouped).toContain(HOSTILE);
    expect(grouped).toContain(AWKWARD);
    expect(grouped).not.toContain('lake-half-a.jpg'); // the benchmark's hard negative stays apart
  });

  it('opens without errors and shows every group and photo of the JSON report, best photo marked, in display order', async () => {
    const { page, problems } = opened;
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    expect(report.groups.length).toBeLessThanOrEqual(50); // one page at the default page size
    const shownIds = await attributes(page, 'section.group', 'data-group-id');
    expect(shownIds).toEqual(displayOrder(report.groups));
    expect(await page.locator('#po-groups article.item').count()).toBe(items);
    expect(await page.locator('#po-groups img').count()).toBe(items);
    const bestIds = await attributes(page, 'article.item.best', 'data-id');
    expect(new Set(bestIds)).toEqual(new Set(report.groups.map((group) => group.best)));
    expect(await page.locator('#po-stat-groups .value').innerText()).toBe(String(report.groups.length));
    expect(await page.locator('#po-stat-items .value').innerText()).toBe(String(items));
    expect(await page.locator('#po-stat-photos .value').innerText()).toBe(String(report.stats.photos));
    // Thumbnails are embedded: every image is a data: URI, nothing to fetch.
    const sources = await attributes(page, '#po-groups img', 'src');
    expect(sources).toHaveLength(items);
    expect(sources.every((src) => src?.startsWith('data:image/'))).toBe(true);
  });

  it('renders the hostile file name as text', async () => {
    const { page, problems } = opened;
    expect(problems.dialogs).toEqual([]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    const names = await page.locator('.item .name').allInnerTexts();
    expect(names).toContain(HOSTILE);
    expect(await page.locator('#po-groups').innerText()).toContain(HOSTILE);
  });

  it('writes one RFC 4180 CSV row per photo of the JSON report', () => {
    const [header, ...rows] = parseCsv(readFileSync(path.join(root, 'r.csv'), 'utf8'));
    expect(header).toEqual(CSV_COLUMNS);
    expect(rows).toHaveLength(items);
    const expected = report.groups.flatMap((group) =>
      group.items.map((item) => [group.id, group.kind, String(item.id === group.best), item.id, item.path, String(item.bytes), String(item.width), String(item.height), String(item.distance), item.format, item.takenAt ?? '', group.found_by.join('+'), item.ownerName ?? item.owner ?? '']),
    );
    expect(rows).toEqual(expected);
    expect(rows.map((row) => row[4])).toContain(path.join(photos, AWKWARD));
  });

  it('leaves a screenshot of the whole report as a test artifact', async () => {
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    const png = await opened.page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(50_000); // thumbnails drawn, not a blank page
  });
});

describe('--help, --version and usage errors', () => {
  const commands = ['organize', 'watch', 'runs', 'ignore', 'undo'];

  it.each(commands)('%s --help exits 0 with usage and an examples block', async (command) => {
    const { code, stdout, stderr } = await runCli([command, '--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain(`Usage: photo-organizer ${command} `);
    const examples = stdout.split(/^Examples?:$/m)[1];
    expect(examples, `${command} --help has no examples`).toBeDefined();
    expect(examples).toMatch(new RegExp(`^ {2}\\$ .*photo-organizer ${command}\\b`, 'm'));
  });

  it('lists every command in the top-level --help, and prints the version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of commands) expect(help.stdout).toMatch(new RegExp(`^ {2}${command}\\b`, 'm'));
    const version = await runCli(['--version']);
    const { version: expected } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatchObject({ code: 0, stdout: `${expected}\n` });
  });

  it.each([...commands.map((command) => [command, '--no-such-flag']), ['', '--no-such-flag']])('%s %s: one line on stderr, exit 2', async (command, flag) => {
    const { code, stdout, stderr } = await runCli([...(command ? [command] : []), flag]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(flag)]);
  });

  it('refuses flags that do not fit the source, and unknown commands, with one line and exit 2', async () => {
    const dir = tempDir();
    const conflicting = await runCli(['organize', '-s', dir, '--tag-only']);
    expect(conflicting.code).toBe(2);
    expect(conflicting.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/--tag-only .*--source immich/)]);
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining('frobnicate')]);
  });
});
