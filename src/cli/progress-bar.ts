/** Drawing pipeline progress on stderr: counts, rate and ETA, only where a person is watching. */

import cliProgress from 'cli-progress';
import type { ProgressEvent, ProgressListener, Stage } from '../core/progress.js';

const LABELS: Record<Stage, string> = { list: 'Listing', hash: 'Hashing', group: 'Grouping', apply: 'Applying' };

export interface ProgressDisplay {
  listener: ProgressListener;
  stop(): void;
}

/** A progress bar on a TTY; nothing at all otherwise (cron logs stay clean). */
export function createProgressDisplay(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (!enabled || !stream.isTTY) return { listener: () => {}, stop: () => {} };
  let stage: Stage | undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{stage} |{bar}| {value}/{total} {rate}/s ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const startedAt = new Map<Stage, number>();
  const listener = (event: ProgressEvent) => {
    if (event.stage === 'list') return; // listing is shown through the growing hash total
    if (stage !== event.stage) {
      if (stage) bar.stop();
      stage = event.stage;
      startedAt.set(stage, Date.now());
      bar.start(event.total ?? event.done, event.done, { stage: LABELS[stage].padEnd(8), rate: '0' });
    }
    const elapsed = (Date.now() - (startedAt.get(event.stage) ?? Date.now())) / 1000;
    bar.setTotal(Math.max(event.total ?? event.done, event.done));
    bar.update(event.done, { rate: elapsed > 0 ? (event.done / elapsed).toFixed(1) : '0' });
  };
  return { listener, stop: () => bar.stop() };
}
