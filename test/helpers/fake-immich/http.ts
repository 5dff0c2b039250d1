/** Request context, replies and the error bodies Immich 3.1 sends (`{message}`, zod `errors`). */
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeImmichConfig } from './config.js';
import type { FakeState } from './state.js';
import type { FakeApiKey, FakeUser } from './types.js';

export interface Reply {
  status: number;
  /** JSON body; omit for an empty body (204). */
  json?: unknown;
  /** Binary body (images). */
  body?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RequestContext {
  method: string;
  /** Path below the emulated prefix, starting with `/api`, without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined (no body, or not `application/json`). */
  body: unknown;
  rawBody: Buffer;
  params: Record<string, string>;
  state: FakeState;
  config: FakeImmichConfig;
  /** Set for authenticated routes. */
  user: FakeUser;
  apiKey: FakeApiKey | undefined;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

export const json = (status: number, body: unknown): Reply => ({ status, json: body });
export const noContent = (): Reply => ({ status: 204 });

/** Access-check failures are 400 (not 403/404) on every Immich version. */
export const noAccess = (permission: string): HttpError => new HttpError(400, { message: `Not found or no ${permission} access` });
export const badRequest = (message: string): HttpError => new HttpError(400, { message });

export interface ZodIssue {
  code: string;
  path: (string | number)[];
  message: string;
  [key: string]: unknown;
}

export const validationFailed = (errors: ZodIssue[]): HttpError => new HttpError(400, { message: 'Validation failed', errors });

/** Body as an object (validation already ran, so the shape is known to the handler). */
export function bodyOf<T>(ctx: RequestContext): T {
  return (ctx.body ?? {}) as T;
}

/** Rewrites a v3 error body into the v1/v2 NestJS shape (validation messages become strings). */
export function toV2ErrorBody(status: number, body: Record<string, unknown>, statusText: string): Record<string, unknown> {
  const issues = Array.isArray(body.errors) ? (body.errors as ZodIssue[]) : undefined;
  const message = issues ? issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`) : body.message;
  return { message, error: statusText, statusCode: status, correlationId: Math.random().toString(36).slice(2, 10) };
}
