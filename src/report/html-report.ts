/**
 * The HTML report: one self-contained contact sheet (inline CSS, JS and thumbnails, no network).
 *
 * Groups and thumbnails travel as JSON data blocks and the page script renders a page of
 * groups at a time: a 20,000-group report never has more than one page of images in the DOM.
 */

import type { Report } from '../core/report.js';
import { documentChunks } from './html/document.js';
import { buildPageData, scriptJson } from './html/page-data.js';
import { collectThumbnails, thumbnailOptionsFor, type ThumbnailOptions, type ThumbnailProvider } from './html/thumbnails.js';

export type { ThumbnailOptions, ThumbnailProvider } from './html/thumbnails.js';

export interface HtmlReportOptions {
  thumbnails?: Partial<ThumbnailOptions>;
}

const PIECE = 1000;

/** A JSON array written in slices, so no single string has to hold every thumbnail. */
function jsonArrayPieces(values: readonly unknown[]): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < values.length; at += PIECE) {
    const body = scriptJson(values.slice(at, at + PIECE)).slice(1, -1);
    pieces.push((at === 0 ? '[' : ',') + body);
  }
  return pieces.length === 0 ? ['[]'] : [...pieces.slice(0, -1), `${pieces.at(-1) ?? ''}]`];
}

/**
 * The document in pieces, for writing straight to a file stream: the thumbnail block of a very
 * large library can approach V8's limit on one string's length.
 */
export async function renderHtmlReportChunks(
  report: Report,
  thumbnails: ThumbnailProvider,
  options: HtmlReportOptions = {},
): Promise<string[]> {
  const ids = [...new Set(report.groups.flatMap((g) => g.items.map((item) => item.id)))];
  const set = await collectThumbnails(ids, thumbnails, thumbnailOptionsFor(ids.length, options.thumbnails));
  const parts = {
    dataJson: scriptJson(buildPageData(report, set.indexOf)),
    thumbsJson: jsonArrayPieces(set.thumbnails),
  };
  return [...documentChunks(report, parts)];
}

/** Render the contact sheet as one HTML string. */
export async function renderHtmlReport(
  report: Report,
  thumbnails: ThumbnailProvider,
  options: HtmlReportOptions = {},
): Promise<string> {
  return (await renderHtmlReportChunks(report, thumbnails, options)).join('');
}
