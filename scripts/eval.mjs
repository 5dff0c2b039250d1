#!/usr/bin/env node
/**
 * Accuracy harness: runs the built CLI on the benchmark's dev split and scores it with the
 * benchmark's own evaluator, at the default settings and over a sweep of thresholds.
 *
 *   npm run eval -- [--bench ../shared/bench] [--sweep 0-16] [--curve docs/accuracy-curve.png] [--json out.json]
 *
 * Reads only the benchmark folder given (it is not part of the repository).
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    bench: { type: 'string', default: path.resolve(root, '../shared/bench') },
    sweep: { type: 'string', default: '2-16' },
    curve: { type: 'string' },
    json: { type: 'string' },
  },
});
const bench = path.resolve(values.bench);
const dev = path.join(bench, 'dev');
const work = mkdtempSync(path.join(os.tmpdir(), 'po-eval-'));
const store = path.join(work, 'hashes.db');
const cli = path.join(root, 'bin', 'photo-organizer.js');

function runTool(extraArgs) {
  const out = path.join(work, 'report.json');
  const stdout = execFileSync(process.execPath, [cli, 'organize', '--source', 'local', '-s', dev, '--json', '--save-hashes', store, ...extraArgs], {
    maxBuffer: 256 * 1024 * 1024,
  });
  writeFileSync(out, stdout);
  return { out, report: JSON.parse(stdout.toString()) };
}

function evaluate(resultFile) {
  return execFileSync(process.execPath, [path.join(bench, 'evaluate.mjs'), '--truth', path.join(dev, 'truth.csv'), '--root', dev, '--result', resultFile]).toString();
}

function parseScores(text) {
  const number = (pattern) => Number(text.match(pattern)?.[1] ?? Number.NaN);
  return {
    precision: number(/precision ([\d.]+)/),
    recall: number(/recall ([\d.]+)/),
    f1: number(/F1=([\d.]+)/),
    hardNegatives: number(/hard negatives: (\d+) of/),
    best: number(/BEST=([\d.]+)/),
  };
}

try {
  const started = performance.now();
  const defaults = runTool([]);
  const coldSeconds = (performance.now() - started) / 1000;
  const defaultText = evaluate(defaults.out);
  console.log(`# Default settings (threshold ${defaults.report.settings.threshold}, ${defaults.report.settings.hash} ${defaults.report.settings.bits} bits; cold run ${coldSeconds.toFixed(1)} s)\n`);
  console.log(defaultText);

  const [from, to] = values.sweep.split('-').map(Number);
  const sweep = [];
  for (let threshold = from; threshold <= to; threshold++) {
    const { out } = runTool(['--threshold', String(threshold)]);
    sweep.push({ threshold, ...parseScores(evaluate(out)) });
  }
  console.log('# Threshold sweep\n');
  console.log('| threshold | precision | recall | F1 | hard-negative merges | best photo |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const row of sweep) {
    console.log(`| ${row.threshold} | ${row.precision.toFixed(4)} | ${row.recall.toFixed(4)} | ${row.f1.toFixed(4)} | ${row.hardNegatives} | ${row.best.toFixed(4)} |`);
  }
  if (values.curve) await drawCurve(sweep, defaults.report.settings.threshold, values.curve);
  if (values.json) writeFileSync(values.json, JSON.stringify({ defaults: parseScores(defaultText), sweep }, null, 2));
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
