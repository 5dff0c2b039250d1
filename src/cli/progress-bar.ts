/** Drawing pipeline progress on stderr: counts, rate and ETA, only where a person is watching. */

import cliProgress from 'cli-progress';
import type { Logger, ProgressEvent, ProgressListener, Stage } from '../core/progress.js';

const ORDER: readonly Stage[] = ['list', 'hash', 'group', 'apply'];
const LABELS: Record<Stage, string> = { list: 'Listing', hash: 'Hashing', group: 'Grouping', apply: 'Applying' };
/** The rate is taken over the last few seconds: reused photos fly by, new ones are decoded slowly. */
const RATE_WINDOW_MS = 5000;

export interface ProgressDisplay {
  listener: ProgressListener;
  /** Logs that clear the progress line first and redraw it after, so a message never lands mid-bar. */
  wrapLogger(logger: Logger): Logger;
  stop(): void;
}

interface Sample {
  at: number;
  done: number;
}

/** What one stage has done so far; `total` undefined while the source is still being listed. */
export interface StageState {
  stage: Stage;
  done: number;
  total: number | undefined;
  /** Photos listed so far, shown while the total is not known yet. */
  seen: number;
  /** Recent (time, done) pairs; the first is the last one older than the rate window. */
  samples: Sample[];
}

/** Photos (or steps) per second over the recent window, or since the stage began. */
export function rateOf(state: StageState, now: number): number | undefined {
  const first = state.samples[0];
  if (!first || state.done === first.done) return undefined;
  const seconds = (now - first.at) / 1000;
  return seconds > 0 ? (state.done - first.done) / seconds : undefined;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function formatRate(rate: number | undefined): string {
  if (rate === undefined) return '-/s';
  return `${rate < 10 ? rate.toFixed(1) : Math.round(rate).toLocaleString('en-US')}/s`;
}

/**
 * The text of the progress line. A bar and an ETA only when the total is known: while a source is
 * still being listed the total only grows, and a bar that is always nearly full would be a lie.
 */
export function progressLine(state: StageState, now: number, bar: (fraction: number) => string): string {
  const label = LABELS[state.stage].padEnd(9);
  const count = (n: number) => n.toLocaleString('en-US');
  const rate = rateOf(state, now);
  if (state.total === undefined) {
    if (state.stage === 'list') return `${label}${count(state.done)} found  ${formatRate(rate)}`;
    return `${label}${count(state.done)}/${count(Math.max(state.seen, state.done))} listed so far  ${formatRate(rate)}`;
  }
  const total = Math.max(state.total, state.done);
  const left = total - state.done;
  const eta = left === 0 ? '0s' : rate ? formatDuration(left / rate) : '?';
  return `${label}|${bar(total === 0 ? 1 : state.done / total)}| ${count(state.done)}/${count(total)}  ${formatRate(rate)}  ETA ${eta}`;
}

/** A progress line on a TTY; nothing at all otherwise (cron logs stay clean). */
export function createProgressDisplay(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (!enabled || !stream.isTTY) return { listener: () => {}, wrapLogger: (logger) => logger, stop: () => {} };
  let state: StageState | undefined;
  let drawing = false;
  let listed = 0;
  /** Set once the source says its listing is complete (a `list` event with a total). */
  let listTotal: number | undefined;
  const bar = new cliProgress.SingleBar({
    stream,
    format: (options) => (state ? progressLine(state, Date.now(), (fraction) => cliProgress.Format.BarFormat(fraction, options)) : ''),
    barsize: 30,
    barCompleteChar: '\u2588',
    barIncompleteChar: '\u2591',
    hideCursor: true,
    clearOnComplete: true,
    fps: 10,
  });
  const draw = () => {
    if (!state) return;
    const value = state.done;
    const total = Math.max(state.total ?? state.seen, value, 1);
    if (drawing) {
      bar.setTotal(total);
      bar.update(value);
    } else {
      bar.start(total, value);
      drawing = true;
    }
  };
  const pause = () => {
    if (drawing) bar.stop();
    drawing = false;
  };
  const finished = (s: StageState) => s.total !== undefined && s.done >= s.total && (s.stage !== 'hash' || listTotal !== undefined);

  const listener = (event: ProgressEvent) => {
    const now = Date.now();
    if (event.stage === 'list') {
      listed = Math.max(listed, event.done);
      if (event.total !== undefined) listTotal = event.total;
    }
    const current = state ? ORDER.indexOf(state.stage) : -1;
    const incoming = ORDER.indexOf(event.stage);
    if (incoming < current) {
      // A photo listed while hashing goes on: it only moves the hashing total.
      if (state?.stage === 'hash') {
        state.seen = listed;
        if (listTotal !== undefined) state.total = listTotal;
        draw();
      }
      return;
    }
    if (!state || incoming > current) {
      pause();
      state = { stage: event.stage, done: 0, total: undefined, seen: listed, samples: [{ at: now, done: event.done }] };
    }
    state.done = event.done;
    state.seen = Math.max(listed, event.total ?? 0, event.done);
    state.total = event.stage === 'hash' ? listTotal : event.stage === 'list' ? event.total : (event.total ?? event.done);
    state.samples.push({ at: now, done: event.done });
    while (state.samples.length > 2 && now - (state.samples[1]?.at ?? now) > RATE_WINDOW_MS) state.samples.shift();
    draw();
    // Done stages leave the line, so whatever the run prints next (the plan, warnings) starts clean.
    if (finished(state)) pause();
  };

  const around = (write: (message: string) => void) => (message: string) => {
    const wasDrawing = drawing;
    pause();
    write(message);
    if (wasDrawing) draw();
  };
  return {
    listener,
    wrapLogger: (logger) => ({
      info: around((message) => logger.info(message)),
      warn: around((message) => logger.warn(message)),
      debug: around((message) => logger.debug(message)),
    }),
    stop: pause,
  };
}
