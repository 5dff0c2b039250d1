/** Writing every `--report` file; each format by its extension, each file written whole or not at all. */

import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Report } from '../core/report.js';
import type { PhotoGroup } from '../grouping/group-engine.js';
import { renderCsvReport } from '../report/csv-report.js';
import { renderHtmlReportChunks } from '../report/html-report.js';
import { renderJsonReport, reportFormatOf } from '../report/write-report.js';
import type { PhotoSource } from '../sources/photo-source.js';
import { viewableImage } from '../thumbnails/decode-photo.js';

export async function writeReports(report: Report, files: readonly string[], groups: readonly PhotoGroup[], source: PhotoSource): Promise<void> {
  for (const file of files) {
    const format = reportFormatOf(file);
    const chunks =
      format === 'json' ? [renderJsonReport(report)]
      : format === 'csv' ? [renderCsvReport(report)]
      : await renderHtmlReportChunks(report, thumbnailsOf(groups, source));
    await writeAtomically(file, chunks);
  }
}

function thumbnailsOf(groups: readonly PhotoGroup[], source: PhotoSource) {
  const photos = new Map(groups.flatMap((group) => group.members.map((member) => [member.photo.id, member.photo] as const)));
  return async (id: string) => {
    const photo = photos.get(id);
    if (!photo) return undefined;
    const bytes = await source.thumbnail(photo);
    // A local HEIC or RAW is its original file: shown through a preview made from it.
    return source.thumbnailsAreOriginals ? viewableImage(bytes, photo.meta.format) : bytes;
  };
}

async function writeAtomically(file: string, chunks: readonly string[]): Promise<void> {
  const temp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  const stream = createWriteStream(temp);
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  stream.end();
  await finished(stream);
  await rename(temp, file);
}
