/**
 * The command line's one boundary: parse, run, and turn typed errors into messages and exit codes
 * (0 done; 1 failed; 2 bad usage or config; 3 done with some photos or changes failed; 130 cancelled).
 * Ctrl-C aborts the run's signal so stages stop cleanly; a second Ctrl-C exits at once.
 */

import { Command, CommanderError } from 'commander';
import { setMaxListeners } from 'node:events';
import { createRequire } from 'node:module';
import { CancelledError, CapabilityError, ConfigError, UsageError } from '../core/errors.js';
import { organizeCommand } from './commands/organize.js';
import { ignoreCommand } from './commands/ignore.js';
import { runsCommand } from './commands/runs.js';
import { undoCommand } from './commands/undo.js';
import { watchCommand } from './commands/watch.js';

const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

function exitCodeFor(error: unknown): number {
  if (error instanceof CancelledError) return 130;
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof CapabilityError) return 2;
  return 1;
}

function report(error: unknown): void {
  if (error instanceof CancelledError) {
    process.stderr.write('cancelled; the hash database is consistent and the next run continues from here\n');
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`photo-organizer: ${message}\n`);
  if (process.env.PHOTO_ORGANIZER_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
}

/** Runs one command's task with a cancel signal wired to SIGINT/SIGTERM, and sets the exit code. */
function runTask(task: (signal: AbortSignal) => Promise<number>): void {
  const controller = new AbortController();
  // Every request in flight listens for the cancel (up to --download-concurrency, 64): not a leak.
  setMaxListeners(0, controller.signal);
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the photos in progress (Ctrl-C again to quit at once)...\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  task(controller.signal)
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      report(error);
      process.exitCode = exitCodeFor(error);
    })
    .finally(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
}

// `photo-organizer ... | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const program = new Command('photo-organizer')
  .description('Find duplicate and near-duplicate photos in local folders or Immich, pick the best, act on the groups.')
  .version(version);
program.addCommand(organizeCommand(runTask));
program.addCommand(watchCommand(runTask));
program.addCommand(runsCommand(runTask));
program.addCommand(ignoreCommand(runTask));
program.addCommand(undoCommand(runTask));
for (const command of [program, ...program.commands]) {
  command
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'photo-organizer: ')) });
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and --version "fail" with exit code 0; real usage errors are exit 2.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    report(error);
    process.exitCode = exitCodeFor(error);
  }
}
