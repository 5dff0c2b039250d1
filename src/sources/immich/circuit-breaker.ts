/**
 * Stops a run from spending hours on a server that is gone. Without it, every one of 20,000
 * thumbnails would go through its own full round of retries (or a 30 s timeout) against a dead
 * host. After `threshold` requests in a row have failed for good with a network error or timeout,
 * the breaker opens: requests fail at once, and one request every `coolDownMs` is let through to
 * see whether the server is back. Any success closes it again.
 */

export interface CircuitBreakerOptions {
  threshold?: number;
  coolDownMs?: number;
  now?: () => number;
}

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #coolDownMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;
  #probing = false;
  #lastReason = '';

  constructor(options: CircuitBreakerOptions = {}) {
    this.#threshold = options.threshold ?? 3;
    this.#coolDownMs = options.coolDownMs ?? 5_000;
    this.#now = options.now ?? Date.now;
  }

  /** Undefined when the request may go; else the reason it must fail without trying. */
  refuse(): string | undefined {
    if (this.#openedAt === undefined) return undefined;
    if (!this.#probing && this.#now() - this.#openedAt >= this.#coolDownMs) {
      this.#probing = true; // this request is the probe
      return undefined;
    }
    return this.#lastReason;
  }

  succeeded(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probing = false;
  }

  /** A request gave up because the server could not be reached. */
  unreachable(reason: string): void {
    this.#lastReason = reason;
    this.#failures++;
    if (this.#probing || this.#failures >= this.#threshold) {
      this.#openedAt = this.#now();
      this.#probing = false;
    }
  }

  /** A request ended in a way that says nothing about reachability (an HTTP error, a cancel). */
  released(): void {
    if (this.#probing) this.#probing = false;
  }

  get isOpen(): boolean {
    return this.#openedAt !== undefined;
  }
}
