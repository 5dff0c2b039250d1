/** Keeps every request the fake saw (API key values redacted) and the OpenAPI violations found in it. */
import type { Violation } from '../openapi-validator.js';

export interface RecordedRequest {
  index: number;
  method: string;
  /** Path as received (prefix included), without query string. */
  path: string;
  /** Path below the emulated prefix (starts with `/api` for API routes). */
  apiPath: string;
  query: Record<string, string>;
  /** Lower-case header names; `x-api-key` (and an `apiKey` query value) replaced by `<redacted>`. */
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it was not JSON, or undefined. */
  body: unknown;
  /** operationId from the OpenAPI document, when the request matched one. */
  operationId: string | undefined;
  violations: Violation[];
  /** Status sent (undefined when the connection was cut by a fault). */
  status: number | undefined;
  /** Name of the fault applied, if any. */
  fault: string | undefined;
}

const READ_ONLY_POSTS = new Set(['/api/search/metadata', '/api/search/statistics', '/api/search/random', '/api/search/smart', '/api/assets/bulk-upload-check']);

export const isThumbnailRequest = (r: RecordedRequest): boolean => r.method === 'GET' && /^\/api\/assets\/[^/]+\/thumbnail$/.test(r.apiPath);

/** Requests that change server state (search POSTs and bulk-upload-check do not). */
export const isWriteRequest = (r: RecordedRequest): boolean =>
  r.method === 'PUT' || r.method === 'PATCH' || r.method === 'DELETE' || (r.method === 'POST' && !READ_ONLY_POSTS.has(r.apiPath));

export class RequestRecorder {
  readonly requests: RecordedRequest[] = [];
  /** Requests received and not yet answered (or cut), and the most there were at once since `clear()`. */
  inFlight = 0;
  peakInFlight = 0;

  /** Counts a request as in flight until its response closes (answered, cut or abandoned). */
  track(response: { once(event: 'close', listener: () => void): unknown }): void {
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    response.once('close', () => void this.inFlight--);
  }

  add(request: Omit<RecordedRequest, 'index'>): RecordedRequest {
    const recorded = { ...request, index: this.requests.length };
    this.requests.push(recorded);
    return recorded;
  }

  violations(): { request: RecordedRequest; violation: Violation }[] {
    return this.requests.flatMap((request) => request.violations.map((violation) => ({ request, violation })));
  }

  clear(): void {
    this.requests.length = 0;
    this.peakInFlight = this.inFlight;
  }
}
