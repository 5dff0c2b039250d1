/**
 * Real headless Chromium (Debian's `chromium` package) driven by playwright-core, for tests
 * and scripts that need to see an HTML report the way a person would.
 */

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch Chromium, or fail saying how to get it: a missing browser must not pass as a skip. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it with: ` +
        'apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** What a page complained about while it was open. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
}

export interface OpenedPage {
  page: Page;
  problems: PageProblems;
  /** Milliseconds from navigation start to the `load` event. */
  loadMs: number;
}

/** Open a local HTML file and record console errors, uncaught errors and dialogs. */
export async function openHtmlFile(
  browser: Browser,
  htmlPath: string,
  viewport = { width: 1280, height: 900 },
): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport });
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(pathToFileURL(resolve(htmlPath)).href, { waitUntil: 'load', timeout: 120_000 });
  // A string, because this runs in the page and the project's TS lib has no DOM types.
  const loadMs = Number(
    await page.evaluate(
      '(() => { const n = performance.getEntriesByType("navigation")[0]; return n ? n.loadEventStart - n.startTime : -1; })()',
    ),
  );
  return { page, problems, loadMs };
}

/** Screenshot an HTML file as Chromium renders it; reusable from scripts (e.g. the README picture). */
export async function screenshotHtml(
  htmlPath: string,
  pngPath: string,
  options: { width?: number; height?: number; fullPage?: boolean } = {},
): Promise<void> {
  const browser = await launchChromium();
  try {
    const { page } = await openHtmlFile(browser, htmlPath, {
      width: options.width ?? 1280,
      height: options.height ?? 900,
    });
    await mkdir(dirname(resolve(pngPath)), { recursive: true });
    await page.screenshot({ path: pngPath, fullPage: options.fullPage ?? false });
  } finally {
    await browser.close();
  }
}
