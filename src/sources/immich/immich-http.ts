/**
 * The HTTP core under every Immich call: one keep-alive connection pool, bounded concurrency,
 * per-request timeouts, retries with backoff, and errors that never carry the API key.
 *
 * Redirects are never followed: undici's `request` does not follow them, and a 3xx becomes an
 * `ImmichHttpError` of kind `redirect`. Following one to another origin would send the key there.
 */

import { rootCertificates } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import { Agent } from 'undici';
import type { z } from 'zod';
import { CancelledError } from '../../core/errors.js';
import { apiUrl, normalizeBaseUrl } from './base-url.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { ImmichHttpError, redact } from './immich-errors.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableErrorCode,
  isRetryableStatus,
  maxAttemptsForStatus,
  parseRetryAfterMs,
  retryDelayMs,
  type RetryPolicy,
} from './retry.js';

export interface ImmichHttpOptions {
  /** What the user typed; normalised (`/api` appended, slashes trimmed). */
  baseUrl: string;
  apiKey: string;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Per attempt, from sending to the last body byte (default 30 s). */
  timeoutMs?: number;
  /** Total tries per request, first included (default 5). */
  maxAttempts?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Extra CA certificate(s) (PEM) to trust, for a server with a self-signed or private-CA certificate. */
  caCert?: Buffer;
  /** Skip TLS certificate verification entirely. The CLI warns when this is on. */
  insecure?: boolean;
  /** Called before each retry wait, for logs and the run report. */
  onRetry?: (event: RetryEvent) => void;
  /** Fail fast once the server is unreachable (default: after 3 requests, probing every 5 s); false: never. */
  circuitBreaker?: CircuitBreakerOptions | false;
}

export interface RetryEvent {
  method: string;
  endpoint: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /**
   * Whether a failed attempt may be repeated. Defaults to true for GET, PUT and DELETE (idempotent by
   * HTTP and by Immich's semantics: `PUT /tags`, `PUT /tags/assets`, `PUT /albums/{id}/assets` and
   * `PUT /assets` give the same end state when repeated) and false for POST, because
   * `POST /albums` and `POST /stacks` create something new each time: a caller must look before it
   * retries those. `POST /search/metadata` is a read and passes `retry: true`.
   */
  retry?: boolean;
  timeoutMs?: number;
}

/** What to make of a success body. */
export type Expect<T> = { json: z.ZodType<T, z.ZodTypeDef, unknown> } | 'buffer' | 'none';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const USER_AGENT = 'photo-organizer';

export class ImmichHttp {
  readonly baseUrl: string;
  /** Requests in flight at most (and sockets). */
  readonly concurrency: number;
  readonly #apiKey: string;
  readonly #agent: Agent;
  readonly #limit: LimitFunction;
  readonly #timeoutMs: number;
  readonly #policy: RetryPolicy;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;
  readonly #breaker: CircuitBreaker | undefined;

  constructor(options: ImmichHttpOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.#apiKey = options.apiKey;
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
    this.concurrency = concurrency;
    this.#limit = pLimit(concurrency);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#policy = {
      maxAttempts: Math.max(1, options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts),
      baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: options.retryMaxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    };
    this.#onRetry = options.onRetry;
    this.#breaker = options.circuitBreaker === false ? undefined : new CircuitBreaker(options.circuitBreaker);
    this.#agent = new Agent({
      // One origin, so this bounds the sockets; concurrency already bounds the requests.
      connections: concurrency,
      keepAliveTimeout: 10_000,
      connect: {
        // Adding a CA must not stop public certificates from working (a proxy in front, say).
        ...(options.caCert !== undefined ? { ca: [...rootCertificates, options.caCert.toString('utf8')] } : {}),
        rejectUnauthorized: options.insecure !== true,
      },
    });
  }

  /** One API call, with retries. `path` is relative to the API base, e.g. `/server/ping`. */
  async request<T>(method: string, path: string, expect: { json: z.ZodType<T, z.ZodTypeDef, unknown> }, options?: RequestOptions): Promise<T>;
  async request(method: string, path: string, expect: 'buffer', options?: RequestOptions): Promise<Buffer>;
  async request(method: string, path: string, expect: 'none', options?: RequestOptions): Promise<void>;
  async request<T>(method: string, path: string, expect: Expect<T>, options: RequestOptions = {}): Promise<T | Buffer | void> {
    const refused = this.#breaker?.refuse();
    if (refused !== undefined) {
      throw new ImmichHttpError({ kind: 'network', method, endpoint: path, baseUrl: this.baseUrl, reason: `not tried, the server has stopped answering (${refused})`, attempts: 0 });
    }
    try {
      const answer = await this.#send(method, path, options);
      this.#breaker?.succeeded();
      return this.#decode(method, path, answer.value, expect, answer.attempts);
    } catch (error) {
      if (error instanceof ImmichHttpError && (error.kind === 'network' || error.kind === 'timeout')) this.#breaker?.unreachable(error.reason ?? error.message);
      else if (error instanceof ImmichHttpError) this.#breaker?.succeeded(); // it answered
      else this.#breaker?.released();
      throw error;
    }
  }

  /** Attempts until a success status, a failure not worth retrying, or the attempts run out. */
  async #send(method: string, path: string, options: RequestOptions): Promise<{ value: Answer; attempts: number }> {
    const canRetry = options.retry ?? method !== 'POST';
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(method, path, options, attempt);
      if (!(outcome instanceof ImmichHttpError)) return { value: outcome, attempts: attempt };
      const limit = outcome.kind === 'http' && outcome.status !== undefined ? maxAttemptsForStatus(outcome.status, this.#policy) : this.#policy.maxAttempts;
      if (!canRetry || !isRetryable(outcome) || attempt >= limit) throw outcome;
      await this.#waitBeforeRetry(method, path, attempt, outcome, options.signal);
    }
  }

  /** Closes the pooled connections; pending requests finish first. */
  async close(): Promise<void> {
    await this.#agent.close();
  }

  /** One try: the answer on success, the failure as a value so `request` can decide about retrying. */
  async #attempt(method: string, path: string, options: RequestOptions, attempt: number): Promise<Answer | ImmichHttpError> {
    return this.#limit(async () => {
      if (isAborted(options.signal)) throw new CancelledError();
      const url = apiUrl(this.baseUrl, path, options.query);
      const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      const onCancel = (): void => controller.abort();
      options.signal?.addEventListener('abort', onCancel, { once: true });
      try {
        const response = await this.#agent.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method,
          headers: {
            'x-api-key': this.#apiKey,
            accept: 'application/json, image/*;q=0.9',
            'user-agent': USER_AGENT,
            ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: options.body !== undefined ? JSON.stringify(options.body) : null,
          signal: controller.signal,
        });
        const body = Buffer.from(await response.body.arrayBuffer());
        const answer: Answer = { status: response.statusCode, headers: response.headers, body };
        if (answer.status >= 200 && answer.status < 300) return answer;
        return this.#failure(method, path, answer, attempt);
      } catch (error) {
        // Checked through a function: TypeScript would otherwise keep the narrowing from before the await.
        if (isAborted(options.signal)) throw new CancelledError();
        const base = { method, endpoint: path, baseUrl: this.baseUrl, attempts: attempt };
        if (controller.signal.aborted) return new ImmichHttpError({ ...base, kind: 'timeout', reason: `no answer within ${timeoutMs} ms` });
        const code = errorCode(error);
        return new ImmichHttpError({ ...base, kind: 'network', reason: this.#networkReason(error, code), ...(code !== undefined ? { code } : {}) });
      } finally {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onCancel);
      }
    });
  }

  #failure(method: string, path: string, answer: Answer, attempt: number): ImmichHttpError {
    const base = { method, endpoint: path, baseUrl: this.baseUrl, status: answer.status, attempts: attempt };
    if (answer.status >= 300 && answer.status < 400) {
      const location = header(answer.headers, 'location');
      return new ImmichHttpError({ ...base, kind: 'redirect', ...(location !== undefined ? { reason: redact(location, this.#apiKey) } : {}) });
    }
    const { message, correlationId } = readErrorBody(answer.body);
    const headerCorrelation = header(answer.headers, 'x-correlation-id');
    const correlation = headerCorrelation ?? correlationId;
    const retryAfterMs = parseRetryAfterMs(header(answer.headers, 'retry-after'));
    return new ImmichHttpError({
      ...base,
      kind: 'http',
      ...(message !== undefined ? { serverMessage: redact(message, this.#apiKey) } : {}),
      ...(correlation !== undefined ? { correlationId: correlation } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  #networkReason(error: unknown, code: string | undefined): string {
    const message = error instanceof Error ? error.message : String(error);
    const reason = code !== undefined && !message.includes(code) ? `${message} (${code})` : message;
    const tls = code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code);
    const hint = tls ? '; the server certificate is not trusted: give its CA certificate, or (at your own risk) allow insecure TLS' : '';
    return redact(`${reason}${hint}`, this.#apiKey);
  }

  async #waitBeforeRetry(method: string, path: string, attempt: number, failure: ImmichHttpError, signal: AbortSignal | undefined): Promise<void> {
    const delayMs = retryDelayMs(attempt, this.#policy, failure.retryAfterMs);
    this.#onRetry?.({ method, endpoint: path, attempt, delayMs, reason: failure.message });
    try {
      await sleep(delayMs, undefined, signal !== undefined ? { signal } : {});
    } catch {
      throw new CancelledError();
    }
  }

  #decode<T>(method: string, path: string, answer: Answer, expect: Expect<T>, attempt: number): T | Buffer | void {
    if (expect === 'none') return;
    if (expect === 'buffer') return answer.body;
    const invalid = (reason: string, unexpectedShape = false): ImmichHttpError =>
      new ImmichHttpError({ kind: 'invalid-response', method, endpoint: path, baseUrl: this.baseUrl, status: answer.status, reason, attempts: attempt, unexpectedShape });
    let value: unknown;
    try {
      value = JSON.parse(answer.body.toString('utf8'));
    } catch (error) {
      throw invalid(`invalid JSON from server (${error instanceof Error ? redact(error.message, this.#apiKey) : 'unparseable'})`);
    }
    const parsed = expect.json.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalid(`unexpected answer from server${issue !== undefined ? ` (at ${issue.path.join('.') || 'the top level'}: ${issue.message})` : ''}`, true);
    }
    return parsed.data;
  }
}

function isRetryable(error: ImmichHttpError): boolean {
  switch (error.kind) {
    case 'http':
      return error.status !== undefined && isRetryableStatus(error.status);
    case 'timeout':
      return true;
    case 'network':
      return isRetryableErrorCode(error.code);
    default:
      return false;
  }
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function header(headers: Answer['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Immich v3 sends `{message}`, v1/v2 `{message: string | string[], correlationId}`; proxies send HTML. */
function readErrorBody(body: Buffer): { message?: string; correlationId?: string } {
  const text = body.toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) {
      const { message, correlationId } = value as { message?: unknown; correlationId?: unknown };
      const joined = Array.isArray(message) ? message.filter((m) => typeof m === 'string').join('; ') : typeof message === 'string' ? message : undefined;
      return {
        ...(joined !== undefined ? { message: joined } : {}),
        ...(typeof correlationId === 'string' ? { correlationId } : {}),
      };
    }
  } catch {
    // Not JSON: fall through to a trimmed snippet, e.g. a proxy's HTML error page.
  }
  const snippet = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  return snippet !== '' ? { message: snippet } : {};
}
