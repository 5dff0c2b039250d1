/**
 * Fault injection, switchable at runtime: latency, seeded random 5xx, 429 with Retry-After, connection
 * resets, half-sent bodies, malformed JSON, stalls, writes answered as done and then dropped, and
 * per-asset thumbnail 404s.
 */

export interface FaultTarget {
  method: string;
  /** Path below the prefix, e.g. `/api/assets/<id>/thumbnail`. */
  apiPath: string;
  /** 0-based index of the request since start (or since `clearRequests`). */
  index: number;
}

export type FaultKind =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: 'reset' }
  | { kind: 'truncate' }
  | { kind: 'malformed-json' }
  | { kind: 'stall'; ms: number }
  /** The request is carried out and answered as usual, then its changes are dropped (a server that keeps nothing). */
  | { kind: 'forget' };

export type FaultRule = FaultKind & {
  /** Which requests; default all. */
  match?: (target: FaultTarget) => boolean;
  /** How many matching requests to hit; default unlimited. */
  times?: number;
};

/** Small deterministic PRNG (mulberry32) so "fail 10%" is reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultController {
  /** Added before every response. */
  latencyMs = 0;
  /** Assets whose thumbnail answers 404 "Asset media not found". */
  readonly thumbnail404 = new Set<string>();
  private rules: { rule: FaultRule; left: number }[] = [];
  private random: { fraction: number; statuses: number[]; rng: () => number; match?: (t: FaultTarget) => boolean } | undefined;

  setLatency(ms: number): this {
    this.latencyMs = ms;
    return this;
  }

  /** Fail `fraction` (0..1) of matching requests with one of `statuses` (default 500 and 503), seeded. */
  failRandomly(fraction: number, options: { statuses?: number[]; seed?: number; match?: (t: FaultTarget) => boolean } = {}): this {
    const random: NonNullable<FaultController['random']> = { fraction, statuses: options.statuses ?? [500, 503], rng: mulberry32(options.seed ?? 42) };
    if (options.match) random.match = options.match;
    this.random = fraction > 0 ? random : undefined;
    return this;
  }

  /** Adds a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void {
    const entry = { rule, left: rule.times ?? Number.POSITIVE_INFINITY };
    this.rules.push(entry);
    return () => {
      this.rules = this.rules.filter((r) => r !== entry);
    };
  }

  /** 429 with `Retry-After: <seconds>` for the next `times` matching requests. */
  rateLimit(times: number, retryAfterSeconds = 1, match?: (t: FaultTarget) => boolean): () => void {
    const rule: FaultRule = { kind: 'status', status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { message: 'Too Many Requests' }, times };
    if (match) rule.match = match;
    return this.add(rule);
  }

  clear(): void {
    this.rules = [];
    this.random = undefined;
    this.latencyMs = 0;
    this.thumbnail404.clear();
  }

  /** Picks the fault for this request (consuming one use of it), if any. */
  pick(target: FaultTarget): FaultKind | undefined {
    for (const entry of this.rules) {
      if (entry.left <= 0 || (entry.rule.match && !entry.rule.match(target))) continue;
      entry.left -= 1;
      return entry.rule;
    }
    if (this.random && (!this.random.match || this.random.match(target)) && this.random.rng() < this.random.fraction) {
      const status = this.random.statuses[Math.floor(this.random.rng() * this.random.statuses.length)] ?? 500;
      return { kind: 'status', status, body: { message: status === 503 ? 'Service Unavailable' : 'Internal server error' } };
    }
    return undefined;
  }
}
