#!/usr/bin/env node
/**
 * `npm run bench`: speed and scale, one table (or `--json`). Not a test: run it on a quiet machine.
 *
 *   npm run bench -- [--perf-dir DIR] [--cases local,grouping,evidence,immich] [--sizes 10000,100000,1000000] [--rounds 3] [--json]
 *
 * `evidence`: what the best photo's evidence from the group itself adds to grouping a million
 * photos, in paired groupings of one library (see runEvidenceCase in bench/grouping-case.mjs).
 *
 * The local cases need camera-sized JPEGs: `bash ../shared/bench/make-perf-set.sh 300 DIR`
 * (needs `apt-get install -y libvips-tools`); the default DIR is /tmp/po-perf-300.
 */

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runEvidenceCase, runGroupingCase } from './bench/grouping-case.mjs';
import { runLocalCases } from './bench/local-cases.mjs';

const { values } = parseArgs({
  options: {
    'perf-dir': { type: 'string', default: '/tmp/po-perf-300' },
    cases: { type: 'string', default: 'local,grouping,evidence,immich' },
    sizes: { type: 'string', default: '10000,100000,1000000' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const cases = new Set(values.cases.split(','));
const rounds = Number(values.rounds);
const results = {};
const log = (line) => process.stderr.write(`${line}\n`);

if (cases.has('local')) {
  if (!existsSync(values['perf-dir'])) throw new Error(`no perf set at ${values['perf-dir']}: bash ../shared/bench/make-perf-set.sh 300 ${values['perf-dir']}`);
  log('local: cold, warm, warm 100k ...');
  results.local = await runLocalCases({ perfDir: values['perf-dir'], rounds });
}
if (cases.has('grouping')) {
  log('grouping: synthetic hash sets ...');
  results.grouping = await runGroupingCase({ sizes: values.sizes.split(',').map(Number), rounds });
}
if (cases.has('evidence')) {
  log('evidence: 1,000,000 photos grouped with and without the group evidence, in pairs ...');
  // A paired round's whole-grouping ratio moves by several percent with the machine alone (the
  // phases before the best photo, ~13 s of the same code either way): a median needs rounds to hold still.
  results.evidence = await runEvidenceCase({ size: 1_000_000, rounds: Math.max(8, 2 * rounds) });
}
if (cases.has('immich')) {
  log('immich: fake server, 20,000 assets ...');
  const bin = new URL('../node_modules/.bin/vite-node', import.meta.url).pathname;
  const script = new URL('./bench/immich-case.ts', import.meta.url).pathname;
  if (existsSync(script)) results.immich = JSON.parse(execFileSync(bin, [script], { maxBuffer: 1 << 24, env: { ...process.env, PO_BENCH_ROUNDS: String(rounds) }, stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim().split('\n').pop());
}

if (values.json) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  process.stdout.write(table(results));
}

function table(r) {
  const s = (x) => `${x.median} (${x.min}–${x.max})`;
  const rows = [['case', 'measure', 'median (min–max)', 'target']];
  if (r.local) {
    const l = r.local;
    rows.push(['local cold', `photos/s, ${l.photos} × 12 MP JPEG, concurrency ${l.concurrency}`, s(l.coldPhotosPerSecond), '']);
    rows.push(['decode floor', `photos/s, sharp resize(${l.hashInputSize}) shrink-on-load`, s(l.floorPhotosPerSecond), '']);
    rows.push(['cold / floor', 'ratio per round', s(l.coldToFloorRatio), '≥ 0.85']);
    if (l.coldToFloorCpuRatio) rows.push(['cold / floor CPU', `floor/ours CPU time per round (ms/photo: floor ${l.cpuMsPerPhoto.floor.median}, ours ${l.cpuMsPerPhoto.cold.median})`, s(l.coldToFloorCpuRatio), '']);
    rows.push(['local warm', `seconds for ${l.photos} unchanged (in-process)`, s(l.warmSeconds), '']);
    rows.push(['local warm CLI', 'seconds after start-up', s(l.cliWarmSecondsAfterStartup), '< 1 s']);
    if (l.warm100k) rows.push(['warm 100k', `seconds, ${l.warm100k.files} unchanged files (in-process)`, s(l.warm100k.seconds), '< 10 s']);
  }
  if (r.grouping) {
    for (const row of r.grouping.rows) {
      const target = row.size === 1_000_000 ? '< 15 s, < 1536 MB' : '';
      rows.push([`grouping ${row.size}`, `seconds / peak RSS MB (groupPhotos + confirmation, threshold ${row.threshold})`, `${s(row.seconds)} / ${row.peakRssMB.max}`, target]);
      rows.push(['', 'CPU seconds (shared machine: wall time includes waiting)', s(row.cpuSeconds), '']);
      if (row.phases) rows.push(['', 'seconds: index join / pixel check / linkage / best photo (medians)', Object.values(row.phases).join(' / '), '']);
      rows.push(['', 'planted clusters found exactly / accidental genuine', `${row.plantedFound}/${row.plantedClusters}${row.plantedExact ? ' exact' : ' MISMATCH'} / ${row.accidental.max}`, 'exact']);
    }
    rows.push(['grouping', 'growth exponent (last two sizes)', String(r.grouping.exponent), '< 1.3']);
  }
  if (r.evidence) {
    const e = r.evidence;
    const pct = (x) => `${(100 * x).toFixed(1)} %`;
    rows.push([`evidence ${e.size}`, `grouping with / without the group's evidence, ${e.rounds} paired rounds: wall, CPU`, `${pct(e.overhead.seconds)}, ${pct(e.overhead.cpuSeconds)}`, `≤ ${pct(e.target)}`]);
    rows.push([`evidence ${e.size}`, "the best-photo phase's extra time, of the grouping without", pct(e.bestPhotoPhase), `≤ ${pct(e.target)}`]);
    rows.push([`evidence ${e.size}`, 'the phases before the best photo (the same code either way): the machine\'s own swing', pct(e.beforeBestPhoto), '']);
  }
  if (r.immich) for (const [measure, value] of Object.entries(r.immich.table ?? {})) rows.push(['immich', measure, String(value), '']);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  return `${rows.map((row) => `| ${row.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ')} |`).join('\n')}\n`;
}
