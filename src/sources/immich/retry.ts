/**
 * When and how long to wait before trying a request again. Pure functions, so the policy can be
 * tested without a server. Exponential backoff with full jitter (AWS architecture blog, "Exponential
 * Backoff and Jitter"): many clients that failed together do not come back together.
 */

export interface RetryPolicy {
  /** Total tries, first one included. */
  maxAttempts: number;
  /** The first backoff ceiling; doubles per attempt. */
  baseDelayMs: number;
  /** No single wait exceeds this, whatever the attempt or `Retry-After`. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * 429 and the gateway family are transient by nature (a proxy's rate limit, a restarting server).
 * 500 is Immich's "unexpected error": usually a bug that repeats, sometimes a database hiccup, so it
 * gets a single retry instead of the full budget (see `maxAttemptsForStatus`).
 */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

export function maxAttemptsForStatus(status: number, policy: RetryPolicy): number {
  return status === 500 ? Math.min(2, policy.maxAttempts) : policy.maxAttempts;
}

/**
 * Socket-level failures worth another try. Refused connections and DNS failures are not here: the
 * server is not there, and waiting a minute to say so helps nobody.
 */
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET', // "other side closed" / socket hang up
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export function isRetryableErrorCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_CODES.has(code);
}

/** Full jitter: a uniform wait in [0, min(max, base·2^(attempt-1))). `attempt` is the one that failed, from 1. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns milliseconds to
 * wait, or undefined when absent or unreadable (then plain backoff applies).
 */
export function parseRetryAfterMs(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The wait before the next attempt: the server's wish when it stated one, else backoff; both capped. */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const delay = retryAfterMs ?? backoffDelayMs(attempt, policy, random);
  return Math.min(delay, policy.maxDelayMs);
}
