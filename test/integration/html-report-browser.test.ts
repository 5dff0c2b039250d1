/**
 * The HTML contact sheet opened in real headless Chromium: what a person sees, that hostile
 * names stay text, and that a large report pages instead of loading every image.
 */

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_SCHEMA, type Report, type ReportGroup, type ReportItem } from '../../src/core/report.js';
import { renderHtmlReport, type ThumbnailProvider } from '../../src/report/html-report.js';
import { launchChromium, openHtmlFile } from '../helpers/browser.js';

const HOSTILE = '<img src=x onerror=alert(1)>.jpg';

/** A real JPEG, different per seed: a colour gradient with a bright block in a seed-dependent place. */
async function photoBytes(seed: number, width = 640, height = 480): Promise<Buffer> {
  const hue = (seed * 47) % 255;
  const block = await sharp({
    create: { width: 120, height: 90, channels: 3, background: { r: 255, g: 255 - hue, b: hue } },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: { r: hue, g: 90, b: 255 - hue } } })
    .composite([{ input: block, left: (seed * 37) % (width - 120), top: (seed * 23) % (height - 90) }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

function item(id: string, path: string, distance: number, extra: Partial<ReportItem> = {}): ReportItem {
  return { id, path, distance, width: 4000, height: 3000, bytes: 2_500_000, format: 'jpeg', ...extra };
}

function baseReport(groups: ReportGroup[], extra: Partial<Report> = {}): Report {
  return {
    schema: REPORT_SCHEMA,
    runId: 'run-test',
    source: 'local',
    dryRun: false,
    settings: { hash: 'blockhash', bits: 64, threshold: 5 },
    groups,
    skipped: [],
    actions: [],
    stats: { photos: 100, hashed: 100, reused: 0, skipped: 0, failed: 0, ignored: 0, groups: groups.length, grouped: 0, seconds: 1 },
    ...extra,
  };
}

let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), 'po-html-'));
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function renderToFile(name: string, report: Report, provider: ThumbnailProvider): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, await renderHtmlReport(report, provider));
  return file;
}

describe('HTML report in Chromium', () => {
  it('shows the summary, groups, best photos and hostile names as text', async () => {
    const groups: ReportGroup[] = [
      {
        id: 'group-0001',
        kind: 'similar',
        found_by: ['phash'],
        best: '/p/a1.jpg',
        bestReason: 'sharper (focus 0.91 vs 0.40)',
        reclaimableBytes: 1_000,
        items: [item('/p/a1.jpg', '/p/a1.jpg', 0), item('/p/a2.jpg', '/p/a2.jpg', 7, { camera: '<b>Cam</b>' })],
      },
      {
        id: 'group-0002',
        kind: 'near',
        found_by: ['phash'],
        best: '/p/b2.jpg',
        bestReason: 'higher resolution (4000x3000 vs 2000x1500)',
        reclaimableBytes: 9_000_000,
        items: [
          item('/p/b1.jpg', `/p/${HOSTILE}`, 3),
          item('/p/b2.jpg', '/p/b2.jpg', 0, { takenAt: '2024-05-01T12:30:00.000Z', camera: 'Canon EOS R6' }),
          item('/p/b3.jpg', '/p/b3.jpg', 4),
        ],
      },
      {
        id: 'group-0003',
        kind: 'exact',
        found_by: ['phash', 'immich-ml'],
        best: '/p/c1.jpg',
        bestReason: 'oldest file',
        reclaimableBytes: 50_000,
        items: [item('/p/c1.jpg', '/p/c1.jpg', 0, { owner: 'u-pat', ownerName: 'Pat', notMine: true }), item('/p/c2.jpg', '/p/c2.jpg', 0, { owner: 'u-me', ownerName: 'Me' })],
      },
    ];
    const report = baseReport(groups, {
      skipped: [{ id: '/p/bad.jpg', path: `/p/bad/${HOSTILE}`, reason: 'truncated JPEG </script><script>alert(2)</script>' }],
      actions: [{ type: 'copy', target: '/out', count: 7, status: 'done' }],
    });
    // a2 has no preview at all, c2 is garbage bytes: both must become placeholders, not failures.
    const provider: ThumbnailProvider = async (id) => {
      if (id === '/p/a2.jpg') return undefined;
      if (id === '/p/c2.jpg') return Buffer.from('not an image');
      return photoBytes(id.charCodeAt(3) + id.charCodeAt(4));
    };
    const file = await renderToFile('small.html', report, provider);
    const { page, problems } = await openHtmlFile(browser, file);

    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await expect(page.textContent('#po-stat-photos .value')).resolves.toBe('100');
    await expect(page.textContent('#po-stat-groups .value')).resolves.toBe('3');
    await expect(page.textContent('#po-stat-items .value')).resolves.toBe('7');
    await expect(page.textContent('#po-stat-reclaimable .value')).resolves.toBe('9.1 MB');
    await expect(page.textContent('#po-stat-skipped .value')).resolves.toBe('1');

    // Most reclaimable space first.
    const order = await page.$$eval('section.group', (els) => els.map((e) => e.getAttribute('data-group-id')));
    expect(order).toEqual(['group-0002', 'group-0003', 'group-0001']);
    // Five real previews, two placeholders.
    expect(await page.locator('#po-groups img').count()).toBe(5);
    expect(await page.locator('#po-groups .no-thumb').count()).toBe(2);
    const natural = await page.$$eval('#po-groups img', (els) => els.map((e) => (e as unknown as { naturalWidth: number }).naturalWidth));
    expect(natural.every((w) => w > 0 && w <= 160)).toBe(true);

    // Exactly one best per group, and it is the report's best.
    for (const group of groups) {
      const best = await page.$$eval(`section[data-group-id="${group.id}"] .item.best`, (els) =>
        els.map((e) => [e.getAttribute('data-id'), e.textContent]),
      );
      expect(best).toHaveLength(1);
      expect(best[0]?.[0]).toBe(group.best);
      expect(best[0]?.[1]).toContain('Best');
    }
    const reason = await page.textContent('section[data-group-id="group-0002"] .reason');
    expect(reason).toContain('higher resolution (4000x3000 vs 2000x1500)');
    const kindTitle = await page.getAttribute('section[data-group-id="group-0003"] .kind', 'title');
    expect(kindTitle).toMatch(/byte-identical/);
    // Who found a group, when Immich did too; whose a photo is, when it is another user's.
    expect(await page.textContent('section[data-group-id="group-0003"] .group-head')).toContain('found by photo-organizer and Immich');
    expect(await page.textContent('section[data-group-id="group-0002"] .group-head')).not.toContain('found by');
    expect(await page.textContent('section[data-group-id="group-0003"] .item[data-id="/p/c1.jpg"]')).toContain("Pat's");
    expect(await page.textContent('section[data-group-id="group-0003"] .item[data-id="/p/c2.jpg"]')).not.toContain("'s");

    // Hostile strings are text, nothing they describe exists as an element.
    expect(await page.textContent('#po-groups')).toContain(HOSTILE);
    expect(await page.textContent('#po-groups')).toContain('<b>Cam</b>');
    await page.click('#po-skipped summary');
    expect(await page.textContent('#po-skipped')).toContain(HOSTILE);
    expect(await page.textContent('#po-skipped')).toContain('</script><script>alert(2)</script>');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('#po-groups b:text("Cam")').count()).toBe(0);
    const links = await page.$$eval('#po-groups a.open', (els) => els.map((e) => e.getAttribute('href')));
    expect(links).toContain('file:///p/b2.jpg');

    await mkdir('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/report.png', fullPage: true });
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await page.close();
  });

  it('links Immich assets to the web UI, and never to a non-http server URL', async () => {
    const groups: ReportGroup[] = [
      {
        id: 'group-0001',
        kind: 'near',
        found_by: ['phash'],
        best: 'asset-1',
        bestReason: 'larger file',
        reclaimableBytes: 10,
        items: [item('asset-1', 'IMG_1.jpg', 0), item('asset-2', 'IMG_2.jpg', 2)],
      },
    ];
    const provider: ThumbnailProvider = async (id) => photoBytes(id.length);
    const good = await renderToFile(
      'immich.html',
      baseReport(groups, { source: 'immich', serverUrl: 'https://photos.example.test/' }),
      provider,
    );
    const bad = await renderToFile(
      'immich-bad.html',
      baseReport(groups, { source: 'immich', serverUrl: 'javascript:alert(1)//' }),
      provider,
    );

    const opened = await openHtmlFile(browser, good);
    const hrefs = await opened.page.$$eval('a.open', (els) => els.map((e) => e.getAttribute('href')));
    expect(hrefs).toEqual(['https://photos.example.test/photos/asset-1', 'https://photos.example.test/photos/asset-2']);
    await opened.page.close();

    const openedBad = await openHtmlFile(browser, bad);
    expect(await openedBad.page.locator('a.open').count()).toBe(0);
    expect(await openedBad.page.locator('section.group').count()).toBe(1);
    expect(openedBad.problems).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await openedBad.page.close();
  });

  it('says so when there is nothing to show', async () => {
    const file = await renderToFile('empty.html', baseReport([]), () => Promise.resolve(undefined));
    const { page, problems } = await openHtmlFile(browser, file);
    expect(await page.textContent('#po-groups')).toBe('No duplicates found: every photo is unique.');
    expect(await page.textContent('.pager .count')).toBe('Groups 0–0 of 0');
    expect(await page.locator('#po-skipped').count()).toBe(0);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await page.close();
  });

  it('pages through 2,500 groups without putting them all in the DOM', async () => {
    const count = 2_500;
    const groups: ReportGroup[] = Array.from({ length: count }, (_, g) => {
      const id = `group-${String(g + 1).padStart(5, '0')}`;
      const items = [0, 1, 2].map((n) => item(`${id}/${n}`, `/lib/${id}/IMG_${n}.jpg`, n));
      const kind = (['exact', 'near', 'similar'] as const)[g % 3] ?? 'near';
      // Reclaimable grows with g, so the display order is the reverse of the id order.
      return { id, kind, found_by: ['phash' as const], best: `${id}/0`, bestReason: 'higher resolution', reclaimableBytes: 1_000 + g, items };
    });
    // Already thumbnail-sized, as the pipeline's previews are: the report embeds them as they are.
    const palette = await Promise.all(Array.from({ length: 40 }, (_, n) => photoBytes(n, 160, 120)));
    // Item ids look like "group-00017/1": the preview depends on the group and the item.
    const provider: ThumbnailProvider = (id) =>
      Promise.resolve(palette[(Number(id.slice(6, 11)) + Number(id.at(-1))) % palette.length]);
    const started = Date.now();
    const file = await renderToFile('large.html', baseReport(groups), provider);
    const renderMs = Date.now() - started;
    const { page, problems, loadMs } = await openHtmlFile(browser, file);

    expect(loadMs).toBeGreaterThan(0);
    expect(loadMs).toBeLessThan(15_000);
    console.info(`2,500 groups: rendered in ${renderMs} ms, loaded in ${Math.round(loadMs)} ms`);
    const shownIds = (): Promise<string[]> =>
      page.$$eval('section.group', (els) => els.map((e) => e.getAttribute('data-group-id') ?? ''));
    const first = await shownIds();
    expect(first).toHaveLength(50);
    expect(first[0]).toBe('group-02500');
    expect(await page.locator('#po-groups img').count()).toBe(150);
    expect(await page.locator('img').count()).toBe(150);
    expect(await page.textContent('.pager .count')).toBe('Groups 1–50 of 2500');
    // 7,500 items drawn from 40 distinct previews: each preview is embedded once.
    expect(await page.evaluate('JSON.parse(document.getElementById("po-thumbs").textContent).length')).toBe(40);

    await page.click('#po-toolbar .pager button.next');
    const second = await shownIds();
    expect(second).toHaveLength(50);
    expect(second[0]).toBe('group-02450');
    expect(second.some((id) => first.includes(id))).toBe(false);
    expect(await page.locator('img').count()).toBe(150);
    expect(new URL(page.url()).hash).toBe('#page=2');

    await page.fill('#po-toolbar .page-input', '50');
    await page.press('#po-toolbar .page-input', 'Enter');
    expect((await shownIds()).at(-1)).toBe('group-00001');

    await page.selectOption('#po-kind', 'exact');
    expect(await page.textContent('.pager .count')).toBe('Groups 1–50 of 834');
    await page.fill('#po-search', 'group-01234/');
    await expect.poll(() => page.locator('section.group').count()).toBe(1);
    expect(await shownIds()).toEqual(['group-01234']);

    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await page.close();
  });
});
