/**
 * The CSV report: one row per grouped photo, for spreadsheets and scripts.
 *
 * RFC 4180: CRLF line ends, a header row, fields holding a quote, comma, CR or LF are quoted
 * and their quotes doubled. Values are written as they are: no BOM (it trips up scripts that
 * read the header) and no spreadsheet-formula escaping (a leading `'` would corrupt paths).
 */

import type { Report, ReportGroup, ReportItem } from '../core/report.js';

const CRLF = '\r\n';

const COLUMNS = [
  'group_id',
  'kind',
  'best',
  'id',
  'path',
  'bytes',
  'width',
  'height',
  'distance',
  'format',
  'taken_at',
  // Who found the group ("phash", "immich-ml" or "phash+immich-ml"), and the asset's owner when the run includes other users' photos.
  'found_by',
  'owner',
] as const;

/** Quote a field only when it must be: keeps simple values readable and diff-friendly. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function row(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + CRLF;
}

function itemRow(group: ReportGroup, item: ReportItem): string {
  return row([
    group.id,
    group.kind,
    item.id === group.best ? 'true' : 'false',
    item.id,
    item.path,
    String(item.bytes),
    String(item.width),
    String(item.height),
    String(item.distance),
    item.format,
    item.takenAt ?? '',
    group.found_by.join('+'),
    item.ownerName ?? item.owner ?? '',
  ]);
}

/** Render every group member as a CSV row, groups and items in report order. */
export function renderCsvReport(report: Report): string {
  const rows: string[] = [row(COLUMNS)];
  for (const group of report.groups) {
    for (const item of group.items) rows.push(itemRow(group, item));
  }
  return rows.join('');
}
