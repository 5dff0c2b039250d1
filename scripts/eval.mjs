#!/usr/bin/env node
/**
 * Accuracy harness: runs the built CLI on the benchmark's public splits, dev and dev-hard, at the
 * default settings, scores each with the benchmark's own evaluator and prints them side by side
 * (scores and per-transform recall), then sweeps the threshold on dev.
 *
 *   npm run eval -- [--bench ../shared/bench] [--splits dev,dev-hard] [--sweep 2-16] [--curve docs/accuracy-curve.png] [--json out.json]
 *
 * Reads only the benchmark folder given (it is not part of the repository). A split missing from it
 * is left out with a note; `--sweep none` skips the sweep.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    bench: { type: 'string', default: path.resolve(root, '../shared/bench') },
    splits: { type: 'string', default: 'dev,dev-hard' },
    sweep: { type: 'string', default: '2-16' },
    curve: { type: 'string' },
    json: { type: 'string' },
  },
});
const bench = path.resolve(values.bench);
const work = mkdtempSync(path.join(os.tmpdir(), 'po-eval-'));
const cli = path.join(root, 'bin', 'photo-organizer.js');

/** One run of the CLI on a split, with a hash store of the split's own (a cold run the first time). */
function runTool(split, extraArgs) {
  const out = path.join(work, `${split}-report.json`);
  const store = path.join(work, `${split}-hashes.db`);
  const stdout = execFileSync(process.execPath, [cli, 'organize', '--source', 'local', '-s', path.join(bench, split), '--json', '--save-hashes', store, ...extraArgs], {
    maxBuffer: 256 * 1024 * 1024,
  });
  writeFileSync(out, stdout);
  return { out, report: JSON.parse(stdout.toString()) };
}

function evaluate(split, resultFile) {
  const folder = path.join(bench, split);
  return execFileSync(process.execPath, [path.join(bench, 'evaluate.mjs'), '--truth', path.join(folder, 'truth.csv'), '--root', folder, '--result', resultFile]).toString();
}

function parseScores(text) {
  const number = (pattern) => Number(text.match(pattern)?.[1] ?? Number.NaN);
  const transforms = {};
  for (const [, name, recall, found] of text.matchAll(/^ {2}(\w+)\s+([\d.]+)\s+\((\d+\/\d+)\)$/gm)) transforms[name] = { recall: Number(recall), found };
  return {
    precision: number(/precision ([\d.]+)/),
    recall: number(/recall ([\d.]+)/),
    f1: number(/F1=([\d.]+)/),
    hardNegatives: number(/hard negatives: (\d+) of/),
    best: number(/BEST=([\d.]+)/),
    transforms,
  };
}

/** The splits' scores in columns, then every transform's recall (blank where a split has none). */
function sideBySide(results) {
  const names = results.map((result) => result.split);
  const lines = [`| | ${names.join(' | ')} |`, `|---|${names.map(() => '---:').join('|')}|`];
  const row = (label, value) => lines.push(`| ${label} | ${results.map(value).join(' | ')} |`);
  row('F1', (r) => r.scores.f1.toFixed(4));
  row('precision', (r) => r.scores.precision.toFixed(4));
  row('recall', (r) => r.scores.recall.toFixed(4));
  row('hard-negative merges', (r) => String(r.scores.hardNegatives));
  row('best photo', (r) => r.scores.best.toFixed(4));
  row('cold run (s)', (r) => r.seconds.toFixed(1));
  const transforms = [...new Set(results.flatMap((r) => Object.keys(r.scores.transforms)))].sort();
  for (const name of transforms) {
    row(`\`${name}\` recall`, (r) => {
      const found = r.scores.transforms[name];
      return found ? `${found.recall.toFixed(2)} (${found.found})` : '';
    });
  }
  return lines.join('\n');
}

try {
  const results = [];
  for (const split of values.splits.split(',').filter(Boolean)) {
    if (!existsSync(path.join(bench, split, 'truth.csv'))) {
      console.log(`(no ${split} split in ${bench}: left out)`);
      continue;
    }
    const started = performance.now();
    const { out, report } = runTool(split, []);
    const seconds = (performance.now() - started) / 1000;
    const text = evaluate(split, out);
    results.push({ split, seconds, text, settings: report.settings, scores: parseScores(text) });
  }
  const settings = results[0]?.settings;
  if (settings) console.log(`# Default settings (threshold ${settings.threshold}, ${settings.hash} ${settings.bits} bits)\n`);
  console.log(sideBySide(results));
  for (const { split, text } of results) console.log(`\n## ${split}, as the evaluator prints it\n\n${text}`);

  const sweep = [];
  const dev = results.find((result) => result.split === 'dev');
  if (dev && values.sweep !== 'none') {
    const [from, to] = values.sweep.split('-').map(Number);
    for (let threshold = from; threshold <= to; threshold++) {
      const { out } = runTool('dev', ['--threshold', String(threshold)]);
      sweep.push({ threshold, ...parseScores(evaluate('dev', out)) });
    }
    console.log('# Threshold sweep (dev)\n');
    console.log('| threshold | precision | recall | F1 | hard-negative merges | best photo |');
    console.log('|---:|---:|---:|---:|---:|---:|');
    for (const row of sweep) {
      console.log(`| ${row.threshold} | ${row.precision.toFixed(4)} | ${row.recall.toFixed(4)} | ${row.f1.toFixed(4)} | ${row.hardNegatives} | ${row.best.toFixed(4)} |`);
    }
    if (values.curve) await drawCurve(sweep, dev.settings.threshold, values.curve);
  }
  if (values.json) {
    const defaults = Object.fromEntries(results.map(({ split, scores }) => [split, scores]));
    writeFileSync(values.json, JSON.stringify({ defaults, sweep: sweep.map(({ transforms, ...row }) => row) }, null, 2));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Precision and recall against the threshold, as a PNG made from SVG. */
async function drawCurve(sweep, chosen, file) {
  const width = 640;
  const height = 360;
  const pad = 48;
  const minT = sweep[0].threshold;
  const maxT = sweep.at(-1).threshold;
  const x = (t) => pad + ((t - minT) / Math.max(1, maxT - minT)) * (width - 2 * pad);
  // The y axis starts a little under the lowest value (to a multiple of 0.05), so small differences show.
  const low = Math.max(0, Math.floor((Math.min(...sweep.map((row) => Math.min(row.precision, row.recall))) - 0.02) * 20) / 20);
  const y = (v) => height - pad - ((v - low) / (1 - low)) * (height - 2 * pad);
  const line = (key, colour) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2.5" points="${sweep.map((row) => `${x(row.threshold)},${y(row[key])}`).join(' ')}"/>`;
  const ticks = sweep.map((row) => `<text x="${x(row.threshold)}" y="${height - pad + 18}" font-size="12" text-anchor="middle">${row.threshold}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
    <rect width="100%" height="100%" fill="white"/>
    <text x="${width / 2}" y="24" font-size="15" text-anchor="middle">Dev set: precision / recall / F1 by --threshold</text>
    <line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#888"/>
    <line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#888"/>
    <text x="${pad - 6}" y="${y(1) + 4}" font-size="12" text-anchor="end">1.0</text>
    <text x="${pad - 6}" y="${y(low) + 4}" font-size="12" text-anchor="end">${low.toFixed(2)}</text>
    <line x1="${x(chosen)}" y1="${pad}" x2="${x(chosen)}" y2="${height - pad}" stroke="#bbb" stroke-dasharray="4 4"/>
    <text x="${x(chosen) + 4}" y="${pad + 12}" font-size="12" fill="#666">default</text>
    ${ticks}${line('precision', '#1f77b4')}${line('recall', '#d62728')}${line('f1', '#2ca02c')}
    <text x="${width - pad}" y="${pad + 70}" font-size="13" text-anchor="end" fill="#1f77b4">precision</text>
    <text x="${width - pad}" y="${pad + 88}" font-size="13" text-anchor="end" fill="#d62728">recall</text>
    <text x="${width - pad}" y="${pad + 106}" font-size="13" text-anchor="end" fill="#2ca02c">F1</text>
  </svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
  console.log(`\ncurve written to ${file}`);
}
