/**
 * The one error type the Immich client throws for a failed exchange. It says what was asked
 * (method + API path), what came back (status + Immich's own message), and never the API key: the
 * key is only ever in a request header, and every text that reaches this error is scrubbed of it
 * anyway in case a proxy echoes headers back.
 */

import { PhotoOrganizerError } from '../../core/errors.js';

export type ImmichFailureKind =
  /** The server answered with a non-success status. */
  | 'http'
  /** No usable answer: connection refused/reset, TLS failure, DNS. */
  | 'network'
  /** No answer within the per-request timeout. */
  | 'timeout'
  /** A success status with a body that is not the JSON promised. */
  | 'invalid-response'
  /** A 3xx answer: we never follow redirects, because the key would go along. */
  | 'redirect';

export interface ImmichHttpErrorDetails {
  kind: ImmichFailureKind;
  method: string;
  /** The API path as sent, without the base URL and without the query, e.g. `/assets/<id>/thumbnail`. */
  endpoint: string;
  /** The origin plus base path the request went to, e.g. `https://host/immich/api`. */
  baseUrl: string;
  status?: number;
  /** Immich's `message` (v2 sends an array for validation errors; it is joined). */
  serverMessage?: string;
  /** A short, readable reason for non-HTTP failures (error code, TLS reason, parse error). */
  reason?: string;
  /** `X-Correlation-ID` (v3) or `correlationId` in the body (v1/v2), for the server's logs. */
  correlationId?: string;
  /** The system or undici error code of a network failure (`ECONNRESET`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …). */
  code?: string;
  /** The wait the server asked for with `Retry-After`, in ms. */
  retryAfterMs?: number;
  /** How many tries were made before giving up. */
  attempts: number;
  /** `invalid-response` only: the body was good JSON in a shape Immich does not send (not a broken answer). */
  unexpectedShape?: boolean;
}

export class ImmichHttpError extends PhotoOrganizerError {
  readonly kind: ImmichFailureKind;
  readonly method: string;
  readonly endpoint: string;
  readonly baseUrl: string;
  readonly status: number | undefined;
  readonly serverMessage: string | undefined;
  readonly correlationId: string | undefined;
  readonly code: string | undefined;
  /** The short reason of a non-HTTP failure (also inside `message`). */
  readonly reason: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly attempts: number;
  readonly unexpectedShape: boolean;

  constructor(details: ImmichHttpErrorDetails) {
    super(describe(details));
    this.kind = details.kind;
    this.method = details.method;
    this.endpoint = details.endpoint;
    this.baseUrl = details.baseUrl;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
    this.correlationId = details.correlationId;
    this.code = details.code;
    this.reason = details.reason;
    this.retryAfterMs = details.retryAfterMs;
    this.attempts = details.attempts;
    this.unexpectedShape = details.unexpectedShape === true;
  }

  /** True when the route does not exist on this server (a partial or older API). */
  get isRouteMissing(): boolean {
    return this.kind === 'http' && (this.status === 404 || this.status === 405 || this.status === 501);
  }
}

function describe(details: ImmichHttpErrorDetails): string {
  const what = `Immich ${details.method} ${details.endpoint}`;
  const tries = details.attempts > 1 ? ` (after ${details.attempts} attempts)` : '';
  const correlation = details.correlationId !== undefined ? ` [correlation id ${details.correlationId}]` : '';
  switch (details.kind) {
    case 'http': {
      const message = details.serverMessage !== undefined ? `: ${details.serverMessage}` : '';
      return `${what} failed with HTTP ${details.status ?? '?'}${message}${hint(details.status)}${tries}${correlation}`;
    }
    case 'redirect':
      return (
        `${what} was redirected (HTTP ${details.status ?? '?'}${details.reason !== undefined ? ` to ${details.reason}` : ''}); ` +
        'redirects are not followed so the API key is never sent elsewhere. Use the final address as the Immich URL.'
      );
    case 'timeout':
      return `${what} timed out${details.reason !== undefined ? ` (${details.reason})` : ''}${tries}`;
    case 'invalid-response':
      return `${what}: ${details.reason ?? 'unreadable answer'}; is ${details.baseUrl} an Immich server?${correlation}`;
    case 'network':
      return `${what} could not reach ${details.baseUrl}: ${details.reason ?? 'network error'}${tries}`;
  }
}

function hint(status: number | undefined): string {
  if (status === 401) return ' (check the API key)';
  if (status === 403) return ' (the API key lacks a permission this needs)';
  return '';
}

/** Immich answers 400 "Not found or no ... access" (not 404) for an id that is no longer there. */
export function isGone(error: unknown): boolean {
  return error instanceof ImmichHttpError && error.kind === 'http' && error.status === 400;
}

/** Removes every occurrence of the secret from a text that may end up in a message. */
export function redact(text: string, secret: string): string {
  if (secret.length === 0) return text;
  return text.split(secret).join('<redacted>');
}
