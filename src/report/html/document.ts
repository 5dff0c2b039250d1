/**
 * The static part of the contact sheet: head, summary, skipped list and actions, rendered on
 * the server with every report string escaped. Groups are left to the page script.
 */

import { createHash } from 'node:crypto';
import { escape } from 'html-escaper';
import type { Report } from '../../core/report.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { humanBytes } from './format.js';
import { KIND_HELP } from './page-data.js';
import { STYLES } from './styles.js';

const PAGE_SIZES = [25, 50, 100, 200];
const DEFAULT_PAGE_SIZE = 50;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Nothing may load from anywhere (the file must work offline and leak nothing), images only
 * from data: URIs, and only our own style and script run: an injected tag would be inert even
 * if escaping ever failed.
 */
const CSP = [
  "default-src 'none'",
  'img-src data:',
  `style-src ${sha256(STYLES)}`,
  `script-src ${sha256(CLIENT_SCRIPT)}`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function stat(label: string, value: string, id: string): string {
  return `<div class="stat" id="${id}"><div class="value">${escape(value)}</div><div class="label">${escape(label)}</div></div>`;
}

function skippedPanel(report: Report): string {
  if (report.skipped.length === 0) return '';
  const rows = report.skipped
    .map((s) => `<tr><td>${escape(s.path)}</td><td>${escape(s.reason)}</td></tr>`)
    .join('\n');
  return `<details class="panel" id="po-skipped"><summary>Skipped photos (${report.skipped.length})</summary>
<table><thead><tr><th>Path</th><th>Reason</th></tr></thead><tbody>
${rows}
</tbody></table></details>`;
}

function actionsPanel(report: Report): string {
  if (report.actions.length === 0) return '';
  const rows = report.actions
    .map(
      (a) =>
        `<tr><td>${escape(a.type)}</td><td>${escape(a.target)}</td><td>${a.count}</td>` +
        `<td>${escape(a.status)}</td><td>${escape(a.error ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<details class="panel" id="po-actions"><summary>${report.dryRun ? 'Planned changes' : 'Changes'} (${report.actions.length})</summary>
<table><thead><tr><th>Action</th><th>Target</th><th>Photos</th><th>Status</th><th>Error</th></tr></thead><tbody>
${rows}
</tbody></table></details>`;
}

function toolbar(): string {
  const kinds = (['exact', 'near', 'similar'] as const)
    .map((k) => `<option value="${k}" title="${escape(KIND_HELP[k])}">${k}</option>`)
    .join('');
  const sizes = PAGE_SIZES.map(
    (n) => `<option value="${n}"${n === DEFAULT_PAGE_SIZE ? ' selected' : ''}>${n}</option>`,
  ).join('');
  const pager = '<nav class="pager" aria-label="Pages"></nav>';
  return `<div class="toolbar" id="po-toolbar">
<label>Kind <select id="po-kind"><option value="all">all</option>${kinds}</select></label>
<label>Find <input type="search" id="po-search" placeholder="file name or group id"></label>
<label>Per page <select id="po-size">${sizes}</select></label>
${pager}
</div>`;
}

export interface DocumentParts {
  /** JSON for the groups, already safe for a script block. */
  dataJson: string;
  /** JSON for the thumbnail list in consecutive pieces, already safe for a script block. */
  thumbsJson: readonly string[];
}

/** Yield the document in pieces, so the two big JSON blocks are never copied into one more string. */
export function* documentChunks(report: Report, parts: DocumentParts): Generator<string> {
  const items = report.groups.reduce((n, g) => n + g.items.length, 0);
  const reclaimable = report.groups.reduce((n, g) => n + g.reclaimableBytes, 0);
  const run = [
    `Run ${report.runId}`,
    `source: ${report.source}`,
    `${report.settings.hash} ${report.settings.bits}-bit, threshold ${report.settings.threshold}`,
  ].join(' · ');
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escape(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Photo organizer report · ${escape(report.runId)}</title>
<style>${STYLES}</style>
</head>
<body>
<main>
<h1>Photo organizer report</h1>
<p class="run">${escape(run)}${report.dryRun ? ' · <span class="tag">dry run</span>' : ''}</p>
<section class="summary" aria-label="Summary">
${stat('Photos scanned', report.stats.photos.toLocaleString('en-US'), 'po-stat-photos')}
${stat('Groups', report.groups.length.toLocaleString('en-US'), 'po-stat-groups')}
${stat('Photos in groups', items.toLocaleString('en-US'), 'po-stat-items')}
${stat('Reclaimable', humanBytes(reclaimable), 'po-stat-reclaimable')}
${stat('Skipped', report.skipped.length.toLocaleString('en-US'), 'po-stat-skipped')}
</section>
${skippedPanel(report)}
${actionsPanel(report)}
${toolbar()}
<noscript><p class="noscript">This report needs JavaScript to show the groups.</p></noscript>
<div id="po-groups" aria-live="polite"></div>
<div class="toolbar bottom"><nav class="pager" aria-label="Pages"></nav></div>
</main>
<script type="application/json" id="po-data">`;
  yield parts.dataJson;
  yield `</script>
<script type="application/json" id="po-thumbs">`;
  yield* parts.thumbsJson;
  yield `</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
