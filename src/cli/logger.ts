/** Logs go to stderr; `--quiet` keeps warnings only, `--verbose` adds debug lines. */

import type { Logger } from '../core/progress.js';

export function createLogger(level: { quiet: boolean; verbose: boolean }, stream: NodeJS.WritableStream = process.stderr): Logger {
  return {
    info: (message) => {
      if (!level.quiet) stream.write(`${message}\n`);
    },
    warn: (message) => stream.write(`warning: ${message}\n`),
    debug: (message) => {
      if (level.verbose) stream.write(`${message}\n`);
    },
  };
}
