/**
 * The HTTP side of the fake: one request pipeline (record → validate → faults → auth → permission →
 * input validation → handler) on a real `node:http` server bound to 127.0.0.1.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { DeclaredFields, OpenApiValidator, Violation } from '../openapi-validator.js';
import { authenticate, checkPermission } from './auth.js';
import type { FakeImmichConfig } from './config.js';
import type { FaultController, FaultKind } from './faults.js';
import { HttpError, toV2ErrorBody, type Reply, type RequestContext } from './http.js';
import type { RecordedRequest, RequestRecorder } from './recorder.js';
import { routeSwitchedOff, type RouteTable } from './router.js';
import type { FakeState } from './state.js';
import { toZodIssue } from './zod-issues.js';

export interface PipelineDeps {
  state: FakeState;
  config: FakeImmichConfig;
  routes: RouteTable;
  /** Strict validator (closed bodies, declared query params only): what gets recorded as violations. */
  strictValidator: OpenApiValidator;
  /** Lenient validator (unknown fields allowed, as Immich strips them): what the fake answers 400 for. */
  lenientValidator: OpenApiValidator;
  recorder: RequestRecorder;
  faults: FaultController;
  /** Told of each handled request before its answer goes out. */
  replies?: ((request: RecordedRequest) => void)[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Node 20's JSON.parse messages lack the "(line x column y)" suffix Node 24 (the recorded server) adds. */
function jsonParseMessage(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /at position (\d+)$/.exec(message);
  if (!match) return message;
  const position = Number(match[1]);
  const before = text.slice(0, position).split('\n');
  return `${message} (line ${before.length} column ${(before.at(-1)?.length ?? 0) + 1})`;
}

function redactedHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] = name === 'x-api-key' ? '<redacted>' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function encodeReply(reply: Reply): { status: number; headers: Record<string, string>; body: Buffer } {
  const headers: Record<string, string> = { ...reply.headers };
  let body: Buffer = Buffer.alloc(0);
  if (reply.body) {
    body = reply.body;
    headers['content-type'] = reply.contentType ?? 'application/octet-stream';
  } else if (reply.json !== undefined) {
    body = Buffer.from(JSON.stringify(reply.json));
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(body.length);
  return { status: reply.status, headers, body };
}

export function createPipeline(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { state, config, routes, recorder, faults } = deps;

  const dispatch = async (ctx: RequestContext, parseError: string | undefined): Promise<Reply> => {
    const notFound = new HttpError(404, { message: `Cannot ${ctx.method} ${ctx.path}` });
    if (parseError !== undefined) throw new HttpError(400, { message: parseError });
    const operation = deps.lenientValidator.findOperation(ctx.method, ctx.path);
    const route = operation ? routes.get(ctx.method, operation.pathTemplate) : undefined;
    if (!operation) throw notFound;
    if (route && routeSwitchedOff(route, config.capabilities)) {
      // A partial Immich-compatible backend may say 501 instead of NestJS's 404 for what it lacks.
      throw config.missingRouteStatus === 501 ? new HttpError(501, { message: 'Not Implemented' }) : notFound;
    }
    ctx.params = operation.params;
    if (operation.authenticated) {
      const auth = authenticate(state, ctx.headers['x-api-key'], ctx.query.get('apiKey'));
      ctx.user = auth.user;
      ctx.apiKey = auth.apiKey;
      checkPermission(auth.apiKey, operation);
    }
    const contentType = String(ctx.headers['content-type'] ?? '');
    const check = (config.strictValidation ? deps.strictValidator : deps.lenientValidator).validate({
      method: ctx.method, path: ctx.path, query: Object.fromEntries(ctx.query), body: ctx.body, contentType: ctx.body === undefined ? undefined : contentType,
    });
    const isMultipart = contentType.startsWith('multipart/form-data');
    const problems = check.violations.filter((v: Violation) => !(isMultipart && v.location === 'body'));
    if (problems.length > 0) {
      const issues = problems.map((v) =>
        v.location === 'body' && v.path.length === 0 && (v.keyword === 'required' || v.keyword === 'contentType')
          ? { expected: 'object', code: 'invalid_type', path: [], message: 'Invalid input: expected object, received undefined' }
          : toZodIssue(v),
      );
      throw new HttpError(400, { message: 'Validation failed', errors: issues });
    }
    // After validation: an older API can route a newer path to another operation (v1.124 reads
    // `/api-keys/me` as `/api-keys/{id}`), which then fails on its parameters as Immich does.
    if (!route) throw new HttpError(501, { message: `Not implemented by the fake: ${operation.operationId}` });
    dropUndeclared(ctx, deps.lenientValidator.declaredFields(operation));
    return route.handler(ctx);
  };

  return async (req, res) => {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const prefix = config.pathPrefix;
    const underPrefix = prefix === '' || url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
    const apiPath = underPrefix ? url.pathname.slice(prefix.length) || '/' : url.pathname;
    const contentType = String(req.headers['content-type'] ?? '');
    let body: unknown;
    let parseError: string | undefined;
    if (contentType.startsWith('application/json') && rawBody.length > 0) {
      const text = rawBody.toString('utf8');
      try {
        body = JSON.parse(text);
      } catch (error) {
        parseError = jsonParseMessage(error, text);
        body = text;
      }
    } else if (rawBody.length > 0 && !contentType.startsWith('multipart/')) {
      body = rawBody.toString('utf8');
    }
    const jsonBody = parseError === undefined && contentType.startsWith('application/json') ? body : undefined;
    const strict = deps.strictValidator.validate({ method, path: apiPath, query: Object.fromEntries(url.searchParams), body: jsonBody, contentType: rawBody.length > 0 ? contentType : undefined });
    const violations = parseError ? [...strict.violations, { location: 'body' as const, path: [], keyword: 'json', message: `malformed JSON: ${parseError}`, params: {} }] : strict.violations;
    const query = Object.fromEntries(url.searchParams);
    if ('apiKey' in query) query.apiKey = '<redacted>';
    const record = recorder.add({
      method, path: url.pathname, apiPath, query, headers: redactedHeaders(req), body, operationId: strict.operation?.operationId,
      violations, status: undefined, fault: undefined,
    });

    recorder.track(res);
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    let fault: FaultKind | undefined = faults.pick({ method, apiPath, index: record.index });
    record.fault = fault?.kind;
    if (fault?.kind === 'stall') {
      await sleep(fault.ms);
      fault = undefined;
    }
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }

    let reply: Reply;
    if (fault?.kind === 'status') {
      reply = { status: fault.status, json: fault.body ?? { message: 'Internal server error' }, ...(fault.headers ? { headers: fault.headers } : {}) };
    } else if (!underPrefix) {
      reply = { status: 404, json: { message: `Cannot ${method} ${url.pathname}` } };
    } else {
      const ctx = { method, path: apiPath, query: url.searchParams, headers: req.headers, body: jsonBody, rawBody, params: {}, state, config, apiKey: undefined } as unknown as RequestContext;
      const restore = fault?.kind === 'forget' ? state.checkpoint() : undefined;
      try {
        reply = await dispatch(ctx, parseError);
      } catch (error) {
        reply = error instanceof HttpError ? { status: error.status, json: error.body } : { status: 500, json: { message: 'Internal server error' } };
      }
      restore?.();
    }
    if (config.errorFormat === 'v2' && reply.status >= 400 && reply.json && typeof reply.json === 'object') {
      reply = { ...reply, json: toV2ErrorBody(reply.status, reply.json as Record<string, unknown>, STATUS_CODES[reply.status] ?? 'Error') };
    }
    const encoded = encodeReply(reply);
    record.status = encoded.status;
    for (const listener of deps.replies ?? []) listener(record);
    if (fault?.kind === 'malformed-json') {
      encoded.body = Buffer.from(encoded.body.toString('utf8').slice(0, Math.max(1, Math.floor(encoded.body.length / 2))) || '{');
      encoded.headers['content-type'] = 'application/json; charset=utf-8';
      encoded.headers['content-length'] = String(encoded.body.length);
    }
    res.writeHead(encoded.status, encoded.headers);
    if (fault?.kind === 'truncate') {
      // Promise the whole body, send half, then cut the connection.
      res.write(encoded.body.subarray(0, Math.floor(encoded.body.length / 2)), () => res.destroy());
      return;
    }
    res.end(encoded.body);
  };
}

/**
 * Immich drops query parameters and body fields its version does not declare (class-validator
 * `whitelist`, zod strip): so an older emulated API ignores e.g. `tagIds` or `visibility`, as the real one would.
 */
function dropUndeclared(ctx: RequestContext, declared: DeclaredFields): void {
  for (const name of [...ctx.query.keys()]) if (name !== 'apiKey' && !declared.query.has(name)) ctx.query.delete(name);
  const body = ctx.body;
  if (declared.body === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) return;
  ctx.body = Object.fromEntries(Object.entries(body).filter(([name]) => declared.body?.has(name)));
}

/** Tracks sockets so `close()`/`goAway()` do not wait for idle keep-alive connections. */
export function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

export function createHttpServer(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Server {
  return createServer((req, res) => {
    handler(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: 'Internal server error' }));
    });
  });
}
