/**
 * Validates HTTP requests against an OpenAPI 3.0 document (the Immich spec) with ajv.
 *
 * Why so strict: the real Immich server silently *drops* unknown JSON fields (zod strip). A typo'd
 * search filter (`tagId` instead of `tagIds`) therefore means "no filter" and returns every asset.
 * With `strictBodies` (the default) every object in a request body is treated as
 * `additionalProperties: false`, so such typos show up as violations in tests.
 *
 *   const v = createOpenApiValidator(loadImmichSpec());
 *   const r = v.validate({ method: 'POST', path: '/api/search/metadata', body: { fooBar: 1 } });
 *   r.ok === false; r.violations[0].keyword === 'additionalProperties'
 *
 * `path` may carry the query string; `basePath` (default `/api`, from the spec's `servers`) is stripped.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface OpenApiDocument {
  servers?: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

export interface RequestToValidate {
  method: string;
  /** Path as sent, with the base path and optionally a query string. */
  path: string;
  /** Extra query values (merged with the query string of `path`). */
  query?: Record<string, string | string[]>;
  /** Parsed JSON body; `undefined` when there was no (JSON) body. */
  body?: unknown;
  /** Content-Type of the request body, if any. */
  contentType?: string | undefined;
}

export interface OperationInfo {
  method: string;
  pathTemplate: string;
  operationId: string;
  /** `x-immich-permission` of the operation, if any. */
  permission: string | undefined;
  /** False for routes without `security` (ping, version, features, ...). */
  authenticated: boolean;
  /** Path parameter values, filled in by `findOperation`. */
  params: Record<string, string>;
}

export interface Violation {
  location: 'operation' | 'path' | 'query' | 'body';
  /** Location of the bad value, zod style: `['tagIds', 0]`. */
  path: (string | number)[];
  keyword: string;
  message: string;
  params: Record<string, unknown>;
  /** The (converted) sub-schema that failed, when known. */
  schema?: Record<string, unknown>;
  data?: unknown;
}

export interface ValidationResult {
  ok: boolean;
  operation: OperationInfo | undefined;
  violations: Violation[];
}

export interface DeclaredFields {
  query: Set<string>;
  /** Top-level properties of the JSON body schema; undefined when the operation takes no JSON object body. */
  body: Set<string> | undefined;
}

export interface OpenApiValidator {
  validate(request: RequestToValidate): ValidationResult;
  findOperation(method: string, path: string): OperationInfo | undefined;
  operations(): OperationInfo[];
  /** What the operation declares: Immich drops every other query parameter and body field silently. */
  declaredFields(operation: Pick<OperationInfo, 'method' | 'pathTemplate'>): DeclaredFields;
  /**
   * A JSON answer against the operation's declared response for that status, objects closed (a field
   * the document does not declare is a violation): how the fake's answers to routes with no recorded
   * exchange are checked.
   */
  validateResponse(method: string, path: string, status: number, body: unknown): Violation[];
}

export interface ValidatorOptions {
  /** Treat every request-body object as `additionalProperties: false` (default true). */
  strictBodies?: boolean;
  /** Flag query parameters the operation does not declare (default true). `apiKey` is always allowed. */
  strictQuery?: boolean;
  /** Prefix of every route (default: the spec's first server url, or `/api`). */
  basePath?: string;
}

const SPEC_FILE = fileURLToPath(new URL('../fixtures/immich/immich-openapi-specs.json', import.meta.url));

/** The Immich releases whose OpenAPI documents are in `test/fixtures/immich/` (3.1.0 is the main one). */
export const SPEC_VERSIONS = ['1.124.0', '1.142.0', '2.7.5', '3.1.0'] as const;
export type SpecVersion = (typeof SPEC_VERSIONS)[number];

export function immichSpecFile(version: SpecVersion): string {
  return version === '3.1.0' ? SPEC_FILE : fileURLToPath(new URL(`../fixtures/immich/older-specs/immich-openapi-specs.v${version}.json`, import.meta.url));
}
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

let cachedSpec: OpenApiDocument | undefined;

/** An Immich spec copied into `test/fixtures/immich/` (v3.1.0 unless told; the main one is parsed once per process). */
export function loadImmichSpec(file = SPEC_FILE): OpenApiDocument {
  if (file === SPEC_FILE && cachedSpec) return cachedSpec;
  const spec = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  if (file === SPEC_FILE) cachedSpec = spec;
  return spec;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** OpenAPI 3.0 → JSON Schema: `nullable`, `$ref` with siblings, optional closed objects. */
function convertSchema(input: Json, closeObjects: boolean): Json {
  if (Array.isArray(input)) return input.map((item) => convertSchema(item, closeObjects));
  if (!isObject(input)) return input;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === 'nullable' || key === 'example' || key.startsWith('x-')) continue;
    // Property maps hold names, not schemas; convert their values only.
    if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertSchema(v, closeObjects)]));
    } else {
      out[key] = convertSchema(value, closeObjects);
    }
  }
  let schema: JsonObject = out;
  if (typeof schema.$ref === 'string' && Object.keys(schema).length > 1) {
    const { $ref, ...rest } = schema;
    schema = { ...rest, allOf: [{ $ref }] };
  }
  if (closeObjects && isObject(schema.properties) && schema.additionalProperties === undefined) {
    schema.additionalProperties = false;
  }
  if (input.nullable === true) {
    if (typeof schema.type === 'string') {
      schema.type = [schema.type, 'null'];
      if (Array.isArray(schema.enum)) schema.enum = [...schema.enum, null];
    } else {
      schema = { anyOf: [schema, { type: 'null' }] };
    }
  }
  return schema;
}

function templateScore(template: string, segments: string[]): number | undefined {
  const parts = template.split('/').filter(Boolean);
  if (parts.length !== segments.length) return undefined;
  let literal = 0;
  for (const [i, part] of parts.entries()) {
    if (part.startsWith('{') && part.endsWith('}')) {
      if (!segments[i]) return undefined;
    } else if (part === segments[i]) {
      literal += 1;
    } else {
      return undefined;
    }
  }
  return literal;
}

function zodPath(instancePath: string): (string | number)[] {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

function toViolations(location: Violation['location'], errors: ErrorObject[], prefix: (string | number)[] = []): Violation[] {
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const error of errors) {
    // anyOf wrappers (nullable $ref) repeat the inner error; report the inner one only.
    if (error.keyword === 'anyOf' || error.keyword === 'allOf') continue;
    let path = [...prefix, ...zodPath(error.instancePath)];
    if (error.keyword === 'required') path = [...path, String(error.params.missingProperty)];
    if (error.keyword === 'additionalProperties') path = [...path, String(error.params.additionalProperty)];
    const key = `${path.join('/')}|${error.keyword === 'pattern' || error.keyword === 'format' ? 'fmt' : error.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const violation: Violation = {
      location,
      path,
      keyword: error.keyword,
      message: `${location} ${path.join('.') || '(root)'} ${error.message ?? 'is invalid'}`,
      params: error.params as Record<string, unknown>,
      data: error.data,
    };
    if (isObject(error.parentSchema)) violation.schema = error.parentSchema;
    out.push(violation);
  }
  return out;
}

function parseQuery(path: string, extra: Record<string, string | string[]> | undefined): Map<string, string[]> {
  const query = new Map<string, string[]>();
  const qIndex = path.indexOf('?');
  if (qIndex >= 0) {
    for (const [k, v] of new URLSearchParams(path.slice(qIndex + 1))) query.set(k, [...(query.get(k) ?? []), v]);
  }
  for (const [k, v] of Object.entries(extra ?? {})) query.set(k, [...(query.get(k) ?? []), ...(Array.isArray(v) ? v : [v])]);
  return query;
}

/** Query strings are text; turn them into the JSON types the parameter schema wants (as zod's coercion does). */
function coerceQueryValue(values: string[], schema: JsonObject, resolve: (s: JsonObject) => JsonObject): unknown {
  const resolved = resolve(schema);
  const type = resolved.type;
  if (type === 'array') return values;
  const value = values[values.length - 1] ?? '';
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

export function createOpenApiValidator(spec: OpenApiDocument, options: ValidatorOptions = {}): OpenApiValidator {
  const strictBodies = options.strictBodies ?? true;
  const strictQuery = options.strictQuery ?? true;
  const basePath = (options.basePath ?? spec.servers?.[0]?.url ?? '/api').replace(/\/$/, '');
  const rawSchemas = (spec.components?.schemas ?? {}) as JsonObject;
  const docId = 'immich-openapi';
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, logger: false });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
  addFormats(ajv);
  ajv.addFormat('uuid', UUID_V4);
  for (const f of ['binary', 'int64', 'int32', 'double', 'float', 'byte']) ajv.addFormat(f, true);
  ajv.addSchema({ $id: docId, components: { schemas: convertSchema(rawSchemas, false) } });
  ajv.addSchema({ $id: `${docId}-closed`, components: { schemas: convertSchema(rawSchemas, true) } });

  const operationsList: { info: Omit<OperationInfo, 'params'>; raw: JsonObject }[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const raw = item[method];
      if (!isObject(raw)) continue;
      const permission = raw['x-immich-permission'];
      operationsList.push({
        info: {
          method: method.toUpperCase(),
          pathTemplate: template,
          operationId: typeof raw.operationId === 'string' ? raw.operationId : `${method} ${template}`,
          permission: typeof permission === 'string' ? permission : undefined,
          authenticated: Array.isArray(raw.security) && raw.security.length > 0,
        },
        raw,
      });
    }
  }

  const resolveRef = (schema: JsonObject): JsonObject => {
    const ref = schema.$ref;
    if (typeof ref !== 'string') return schema;
    const name = ref.replace('#/components/schemas/', '');
    const target = rawSchemas[name];
    return isObject(target) ? resolveRef(target) : schema;
  };
  const compiled = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: Json, closed: boolean): ValidateFunction => {
    let fn = compiled.get(key);
    if (!fn) {
      // Refs must point into the converted copy held by ajv under docId.
      const text = JSON.stringify(convertSchema(schema, closed)).replaceAll('"#/components/', `"${closed ? `${docId}-closed` : docId}#/components/`);
      fn = ajv.compile(JSON.parse(text) as object);
      compiled.set(key, fn);
    }
    return fn;
  };

  const findOperation = (method: string, path: string): OperationInfo | undefined => {
    let pathname = path.split('?')[0] ?? '';
    if (basePath && (pathname === basePath || pathname.startsWith(`${basePath}/`))) pathname = pathname.slice(basePath.length);
    else if (basePath) return undefined;
    const segments = pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
    let best: { op: (typeof operationsList)[number]; score: number } | undefined;
    for (const op of operationsList) {
      if (op.info.method !== method.toUpperCase()) continue;
      const score = templateScore(op.info.pathTemplate, segments);
      if (score !== undefined && (!best || score > best.score)) best = { op, score };
    }
    if (!best) return undefined;
    const params: Record<string, string> = {};
    best.op.info.pathTemplate.split('/').filter(Boolean).forEach((part, i) => {
      if (part.startsWith('{')) params[part.slice(1, -1)] = segments[i] ?? '';
    });
    return { ...best.op.info, params };
  };

  const validate = (request: RequestToValidate): ValidationResult => {
    const operation = findOperation(request.method, request.path);
    if (!operation) {
      const message = `operation ${request.method.toUpperCase()} ${request.path.split('?')[0] ?? ''} is not in the OpenAPI document`;
      return { ok: false, operation, violations: [{ location: 'operation', path: [], keyword: 'operation', message, params: {} }] };
    }
    const raw = operationsList.find((o) => o.info.method === operation.method && o.info.pathTemplate === operation.pathTemplate)?.raw ?? {};
    const violations: Violation[] = [];
    const parameters = (Array.isArray(raw.parameters) ? raw.parameters : []).filter(isObject);
    const opKey = `${operation.method} ${operation.pathTemplate}`;

    for (const p of parameters.filter((x) => x.in === 'path')) {
      const name = typeof p.name === 'string' ? p.name : '';
      const fn = compile(`${opKey} path ${name}`, p.schema ?? {}, false);
      if (!fn(operation.params[name])) violations.push(...toViolations('path', fn.errors ?? [], [name]));
    }

    const query = parseQuery(request.path, request.query);
    const queryParams = parameters.filter((x) => x.in === 'query');
    const queryObject: Record<string, unknown> = {};
    const querySchema: JsonObject = { type: 'object', properties: {}, required: [] };
    for (const p of queryParams) {
      const name = typeof p.name === 'string' ? p.name : '';
      const schema = isObject(p.schema) ? p.schema : {};
      (querySchema.properties as JsonObject)[name] = schema;
      if (p.required === true) (querySchema.required as Json[]).push(name);
      const values = query.get(name);
      if (values) queryObject[name] = coerceQueryValue(values, schema, resolveRef);
    }
    const queryFn = compile(`${opKey} query`, querySchema, false);
    if (!queryFn(queryObject)) violations.push(...toViolations('query', queryFn.errors ?? []));
    if (strictQuery) {
      for (const name of query.keys()) {
        if (name === 'apiKey' || queryParams.some((p) => p.name === name)) continue;
        violations.push({ location: 'query', path: [name], keyword: 'additionalProperties', message: `query parameter "${name}" is not declared`, params: { additionalProperty: name } });
      }
    }

    const requestBody = isObject(raw.requestBody) ? raw.requestBody : undefined;
    const content = requestBody && isObject(requestBody.content) ? requestBody.content : {};
    const contentType = (request.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!requestBody) {
      if (request.body !== undefined) violations.push({ location: 'body', path: [], keyword: 'body', message: 'operation takes no request body', params: {} });
    } else if (content['multipart/form-data'] && contentType === 'multipart/form-data') {
      // Multipart bodies are not JSON; only the content type is checked.
    } else if (!content[contentType] && (request.body !== undefined || requestBody.required === true)) {
      violations.push({ location: 'body', path: [], keyword: 'contentType', message: `content type "${contentType || '(none)'}" is not accepted (expected ${Object.keys(content).join(', ')})`, params: {} });
    } else if (request.body === undefined) {
      if (requestBody.required === true) violations.push({ location: 'body', path: [], keyword: 'required', message: 'request body is required', params: { missingProperty: '' } });
    } else {
      const media = content[contentType];
      const schema = (isObject(media) && media.schema) || {};
      const fn = compile(`${opKey} body ${String(strictBodies)}`, schema, strictBodies);
      if (!fn(request.body)) violations.push(...toViolations('body', fn.errors ?? []));
    }
    return { ok: violations.length === 0, operation, violations };
  };

  const topLevelProperties = (schema: JsonObject): Set<string> | undefined => {
    const resolved = resolveRef(schema);
    if (Array.isArray(resolved.allOf)) {
      const names = resolved.allOf.filter(isObject).flatMap((part) => [...(topLevelProperties(part) ?? [])]);
      return new Set(names);
    }
    return isObject(resolved.properties) ? new Set(Object.keys(resolved.properties)) : undefined;
  };
  const declaredFields = (operation: Pick<OperationInfo, 'method' | 'pathTemplate'>): DeclaredFields => {
    const raw = operationsList.find((o) => o.info.method === operation.method && o.info.pathTemplate === operation.pathTemplate)?.raw ?? {};
    const parameters = (Array.isArray(raw.parameters) ? raw.parameters : []).filter(isObject);
    const query = new Set(parameters.filter((p) => p.in === 'query' && typeof p.name === 'string').map((p) => p.name as string));
    const requestBody = isObject(raw.requestBody) ? raw.requestBody : undefined;
    const media = requestBody && isObject(requestBody.content) ? requestBody.content['application/json'] : undefined;
    const schema = isObject(media) && isObject(media.schema) ? media.schema : undefined;
    return { query, body: schema ? topLevelProperties(schema) : undefined };
  };

  const validateResponse = (method: string, path: string, status: number, body: unknown): Violation[] => {
    const operation = findOperation(method, path);
    if (!operation) return [{ location: 'operation', path: [], keyword: 'operation', message: `operation ${method} ${path} is not in the OpenAPI document`, params: {} }];
    const raw = operationsList.find((o) => o.info.method === operation.method && o.info.pathTemplate === operation.pathTemplate)?.raw ?? {};
    const responses = isObject(raw.responses) ? raw.responses : {};
    const declared = responses[String(status)];
    if (!isObject(declared)) return [{ location: 'body', path: [], keyword: 'status', message: `status ${status} is not declared (declared: ${Object.keys(responses).join(', ')})`, params: {} }];
    const content = isObject(declared.content) ? declared.content : undefined;
    const media = content ? content['application/json'] : undefined;
    if (!isObject(media)) return body === null || body === undefined ? [] : [{ location: 'body', path: [], keyword: 'body', message: 'the response declares no JSON body', params: {} }];
    const fn = compile(`${operation.method} ${operation.pathTemplate} response ${status}`, media.schema ?? {}, true);
    return fn(body) ? [] : toViolations('body', fn.errors ?? []);
  };

  return {
    validate,
    findOperation,
    operations: () => operationsList.map((o) => ({ ...o.info, params: {} })),
    declaredFields,
    validateResponse,
  };
}
