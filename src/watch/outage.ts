/**
 * A server that goes away while `watch` runs: which errors mean "gone for now" (retried with
 * backoff) rather than "wrong" (the watch stops with that error), and the log of an outage, which
 * says so once when it starts and once when the server is back, never once per retry.
 */

import { SourceUnavailableError } from '../core/errors.js';
import type { Logger } from '../core/progress.js';
import { ImmichHttpError } from '../sources/immich/immich-errors.js';

/** Unreachable, timed out, or answering 5xx/429 (a proxy in front of a stopped Immich says 502). */
export function isOutage(error: unknown): boolean {
  if (error instanceof SourceUnavailableError) return error.cause === undefined || isOutage(error.cause);
  if (!(error instanceof ImmichHttpError)) return false;
  if (error.kind === 'network' || error.kind === 'timeout') return true;
  return error.kind === 'http' && error.status !== undefined && (error.status >= 500 || error.status === 429);
}

export interface OutageOptions {
  logger: Logger;
  /** What is away, for the log: `Immich at https://photos.example`. */
  what: string;
  now?: () => number;
  /** First wait after a failure; doubled on each further failure up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

export class OutageLog {
  readonly #options: Required<Omit<OutageOptions, 'logger' | 'what'>> & Pick<OutageOptions, 'logger' | 'what'>;
  #since: number | undefined;
  #failures = 0;

  constructor(options: OutageOptions) {
    this.#options = { now: Date.now, firstDelayMs: 1000, maxDelayMs: 5 * 60_000, ...options };
  }

  get ongoing(): boolean {
    return this.#since !== undefined;
  }

  /** Records a failed attempt; logs only the first of an outage. Returns how long to wait before the next. */
  failed(error: unknown): number {
    const { logger, what, now, firstDelayMs, maxDelayMs } = this.#options;
    const reason = error instanceof Error ? error.message : String(error);
    if (this.#since === undefined) {
      this.#since = now();
      logger.warn(`${what} is unreachable (${reason}); retrying with backoff until it is back`);
    } else {
      logger.debug(`${what} still unreachable: ${reason}`);
    }
    const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** Math.min(this.#failures, 30));
    this.#failures++;
    return delay;
  }

  /** An exchange worked: ends the outage (logged once) if there was one. */
  succeeded(): void {
    if (this.#since === undefined) return;
    const seconds = Math.round((this.#options.now() - this.#since) / 1000);
    this.#options.logger.info(`${this.#options.what} is back after ${seconds} s`);
    this.#since = undefined;
    this.#failures = 0;
  }
}
