/**
 * Progress on stderr only where a person watches: the built CLI through a real pseudo-terminal
 * (util-linux `script`), never in pipes, never with --quiet, --json or --no-progress; and the
 * display itself driven event by event on a terminal-like stream.
 */

/* eslint-disable no-control-regex -- what a terminal receives is made of escape sequences */

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProgressDisplay, formatDuration } from '../../src/cli/progress-bar.js';
import { sceneJpeg } from '../helpers/images.js';
import { BIN, cliEnvironment, runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const exec = promisify(execFile);
const tempDir = useTempDirs();
const PHOTOS = 40;
/** Terminal control sequences: cursor moves, line clears, cursor save/restore. */
const CONTROL = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g;
const SUMMARY = new RegExp(`^(\\[dry run\\] )?${PHOTOS} photos, \\d+ hashed, \\d+ reused, 0 skipped, 0 failed; \\d+ groups \\(\\d+ photos\\) in [\\d.]+ s$`);

/** What a terminal would receive from the CLI run on a pseudo-terminal (stdout and stderr both). */
async function onTerminal(args: readonly string[]): Promise<string> {
  const command = [process.execPath, BIN, ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
  const { stdout } = await exec('script', ['-qfec', command, '/dev/null'], {
    env: cliEnvironment({ COLUMNS: '120', TERM: 'xterm' }),
  });
  return stdout;
}

/** The lines a person would read once every redraw has settled: each \r or clear starts over. */
function frames(raw: string): string[] {
  return raw.split(/\r?\n|\r|\x1b\[1G/).map((line) => line.replace(CONTROL, '')).filter((line) => line.trim().length > 0);
}

describe('progress on a terminal', () => {
  let photos: string;

  beforeAll(async () => {
    photos = tempDir();
    // 20 distinct scenes, each twice (the second a re-encode): 20 groups of 2.
    for (let i = 0; i < PHOTOS / 2; i++) {
      writeFileSync(path.join(photos, `p${i}.jpg`), await sceneJpeg({ seed: 500 + i, width: 1600, height: 1200 }));
      writeFileSync(path.join(photos, `p${i}-copy.jpg`), await sceneJpeg({ seed: 500 + i, width: 1600, height: 1200 }, 70));
    }
  });

  it('draws each stage with counts and rate, clears it, and ends with the one-line summary', async () => {
    const db = path.join(tempDir(), 'h.db');
    const out = path.join(tempDir(), 'out');
    const raw = await onTerminal(['organize', '-s', photos, '--save-hashes', db, '-o', out, '--dry-run']);
    const shown = frames(raw);
    expect(shown).toContainEqual(expect.stringMatching(new RegExp(`^Hashing\\s+${PHOTOS}/${PHOTOS} listed so far\\s+[\\d.,]+/s$`)));
    expect(shown).toContainEqual(expect.stringMatching(new RegExp(`^Grouping\\s+\\|█+\\| ${PHOTOS}/${PHOTOS}\\s+[\\d.,]+/s\\s+ETA 0s$`)));
    // A finished stage wipes its line, so the plan printed next starts on a clean one.
    expect(raw).toMatch(/\x1b\[2KWould copy 40 photos of 20 groups into /);
    expect(shown.at(-1)).toMatch(SUMMARY);
    // The last thing on the terminal is the summary: no bar is left behind it.
    expect(raw.slice(raw.lastIndexOf('[dry run]'))).not.toMatch(/Hashing|Grouping|█/);
  });

  it('draws nothing with --no-progress, --quiet or --json, even on a terminal', async () => {
    const db = path.join(tempDir(), 'h.db');
    for (const flag of ['--no-progress', '--quiet', '--json']) {
      const raw = await onTerminal(['organize', '-s', photos, '--save-hashes', db, flag]);
      expect(raw, flag).not.toMatch(/Listing|Hashing|Grouping|█|\x1b\[1G/);
    }
  });

  it('stays out of pipes: stderr holds the summary line only, and nothing with --quiet or --json', async () => {
    const db = path.join(tempDir(), 'h.db');
    const plain = await runCli(['organize', '-s', photos, '--save-hashes', db]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toMatch(/\x1b|\r/);
    expect(plain.stderr.trim().split('\n')).toEqual([expect.stringMatching(SUMMARY)]);
    const quiet = await runCli(['organize', '-s', photos, '--save-hashes', db, '--quiet']);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr.trim().split('\n')).toEqual([expect.stringMatching(SUMMARY)]);
    const json = await runCli(['organize', '-s', photos, '--save-hashes', db, '--json']);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ schema: 'photo-organizer/report@1', stats: { photos: PHOTOS } });
  });
});

/** A writable that says it is a terminal, as process.stderr does on one. */
function fakeTerminal(): { stream: NodeJS.WriteStream; text: () => string } {
  let written = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      written += chunk.toString();
      callback();
    },
  });
  Object.assign(stream, { isTTY: true, columns: 120 });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => written };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the progress display', () => {
  it('shows a bar and an ETA only once the listing is complete, and clears the line for log messages', async () => {
    const terminal = fakeTerminal();
    const display = createProgressDisplay(true, terminal.stream);
    const logger = display.wrapLogger({ info: (message) => terminal.stream.write(`${message}\n`), warn() {}, debug() {} });
    for (let i = 1; i <= 20; i++) display.listener({ stage: 'list', done: i });
    for (let i = 1; i <= 10; i++) display.listener({ stage: 'hash', done: i, total: 20 });
    await pause(250); // the display redraws on a 10 fps timer
    expect(frames(terminal.text())).toContainEqual(expect.stringMatching(/^Hashing\s+10\/20 listed so far\s+(-|[\d.,]+)\/s$/));
    expect(terminal.text()).not.toContain('ETA');

    display.listener({ stage: 'list', done: 100, total: 100 }); // the source says: that was all
    for (let i = 11; i <= 50; i++) display.listener({ stage: 'hash', done: i, total: 100 });
    await pause(250);
    const withBar = frames(terminal.text()).filter((line) => line.includes('ETA'));
    expect(withBar.at(-1)).toMatch(/^Hashing\s+\|█{15}░{15}\| 50\/100\s+[\d.,]+\/s\s+ETA \d+s$/);

    logger.info('a message');
    expect(terminal.text()).toMatch(/\x1b\[2Ka message\n/);
    for (let i = 51; i <= 100; i++) display.listener({ stage: 'hash', done: i, total: 100 });
    expect(frames(terminal.text()).at(-1)).toMatch(/^Hashing\s+\|█{30}\| 100\/100 .*ETA 0s$/);
    // Stages never go back: a late listing event does not replace the grouping line.
    display.listener({ stage: 'group', done: 0, total: 100 });
    display.listener({ stage: 'list', done: 100, total: 100 });
    display.listener({ stage: 'group', done: 100, total: 100 });
    expect(frames(terminal.text()).at(-1)).toMatch(/^Grouping\s+\|█{30}\| 100\/100 .*ETA 0s$/);
    expect(terminal.text().endsWith('\x1b[2K')).toBe(true);
    display.stop();
  });

  it('draws nothing when disabled or when the stream is not a terminal', () => {
    const terminal = fakeTerminal();
    const off = createProgressDisplay(false, terminal.stream);
    off.listener({ stage: 'hash', done: 1, total: 2 });
    off.stop();
    const pipe = fakeTerminal();
    Object.assign(pipe.stream, { isTTY: false });
    const piped = createProgressDisplay(true, pipe.stream);
    piped.listener({ stage: 'hash', done: 1, total: 2 });
    piped.stop();
    expect(terminal.text() + pipe.text()).toBe('');
  });

  it('writes ETAs a person can read', () => {
    expect([0, 59.4, 61, 3599, 3600, 7322].map(formatDuration)).toEqual(['0s', '59s', '1m01s', '59m59s', '1h00m', '2h02m']);
  });
});
