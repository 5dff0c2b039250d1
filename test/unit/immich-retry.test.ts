import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  isRetryableErrorCode,
  isRetryableStatus,
  maxAttemptsForStatus,
  parseRetryAfterMs,
  retryDelayMs,
  type RetryPolicy,
} from '../../src/sources/immich/retry.js';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

describe('retry policy', () => {
  it('retries transient statuses only', () => {
    for (const status of [429, 502, 503, 504, 500, 408]) expect(isRetryableStatus(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 422, 501]) expect(isRetryableStatus(status)).toBe(false);
  });

  it('gives a 500 one retry, other transient statuses the full budget', () => {
    expect(maxAttemptsForStatus(500, policy)).toBe(2);
    expect(maxAttemptsForStatus(503, policy)).toBe(5);
    expect(maxAttemptsForStatus(500, { ...policy, maxAttempts: 1 })).toBe(1);
  });

  it('retries resets and timeouts, not refused connections or TLS failures', () => {
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_HEADERS_TIMEOUT']) expect(isRetryableErrorCode(code)).toBe(true);
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'DEPTH_ZERO_SELF_SIGNED_CERT', undefined]) expect(isRetryableErrorCode(code)).toBe(false);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelayMs(1, policy, () => 0.999)).toBe(99);
    expect(backoffDelayMs(2, policy, () => 0.999)).toBe(199);
    expect(backoffDelayMs(3, policy, () => 0.999)).toBe(399);
    expect(backoffDelayMs(10, policy, () => 0.999)).toBe(999);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelayMs(4, policy)));
    expect(spread.size).toBeGreaterThan(10);
    for (const delay of spread) expect(delay).toBeLessThan(800);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs('Sun, 22 Nov 2026 10:00:02 GMT', now)).toBe(2000);
    expect(parseRetryAfterMs('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });

  it('prefers the server-stated wait to backoff, within the cap', () => {
    expect(retryDelayMs(1, policy, 700, () => 0)).toBe(700);
    expect(retryDelayMs(1, policy, 60_000, () => 0)).toBe(1000);
    expect(retryDelayMs(2, policy, undefined, () => 0.5)).toBe(100);
  });
});
