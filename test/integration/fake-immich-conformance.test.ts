/**
 * Replays every recorded exchange with a real Immich 3.1.0 (test/fixtures/immich/recorded/*.json) in order
 * against a fresh fake seeded like the recording's start (empty server, one admin, a full key and an
 * `asset.read`-only key). Uploads are replayed for real (multipart with the fixture images).
 * Each response must match: status, content type, keys and JSON types recursively, and every value except
 * ids and timestamps (ids bind to placeholders and must stay consistent).
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich } from '../helpers/fake-immich/index.js';
import { loadRecordedExchanges, Placeholders, type RecordedExchange } from '../helpers/fake-immich/recorded-exchanges.js';

const IMAGES = fileURLToPath(new URL('../fixtures/immich/images/', import.meta.url));

/** Exchanges that cannot be matched, with the reason. Must stay small; each entry must really fail. */
const ALLOWED_MISMATCHES = new Map<string, string>([]);

/** Requests the recording makes invalid on purpose: the strict validator must flag exactly these. */
const DELIBERATELY_INVALID = new Set([
  'search: unknown filter field (ignored: all assets come back)',
  'search: size 1001 (validation error)',
  'search: size 0 (validation error)',
  'search: page 0 (validation error)',
  'search: type with a wrong enum value',
  'search: tagIds with a non-UUID',
  'assets: thumbnail ?size=bogus (invalid enum)',
  'albums: get album ?withoutAssets=true',
  'stacks: create stack of 1 (validation error)',
  'errors: malformed JSON body',
  'errors: malformed JSON body on PUT /tags/assets',
  'errors: JSON body sent as text/plain (body ignored)',
  'errors: POST /search/metadata with no body at all',
  'errors: missing required field (POST /tags without name)',
  'errors: invalid UUID in path: GET /assets/{id}',
  'errors: invalid UUID in path: thumbnail',
  'errors: invalid UUID in path: PUT /tags/{id}/assets',
  'errors: nil UUID in path',
  'errors: invalid UUID in body',
  'errors: unknown route',
  'errors: wrong method on a known route',
]);

interface Outcome {
  label: string;
  problems: string[];
  violations: string[];
}

async function send(fake: FakeImmich, exchange: RecordedExchange, ids: Placeholders, keys: Record<string, string>): Promise<Response> {
  const { request } = exchange;
  const headers: Record<string, string> = {};
  const key = request.headers['x-api-key'];
  if (key) headers['x-api-key'] = keys[key] ?? key;
  const contentType = request.headers['content-type'];
  let body: FormData | string | undefined;
  if (contentType?.startsWith('multipart/form-data')) {
    const fields = request.body as Record<string, unknown> & { assetData: { filename: string; contentType: string } };
    const form = new FormData();
    const bytes = readFileSync(`${IMAGES}${fields.assetData.filename}`);
    form.set('assetData', new Blob([bytes], { type: fields.assetData.contentType }), fields.assetData.filename);
    for (const [name, value] of Object.entries(fields)) if (name !== 'assetData') form.set(name, String(value));
    body = form; // fetch sets the multipart content type with its boundary
  } else {
    if (contentType) headers['content-type'] = contentType;
    if (request.body !== null && request.body !== undefined) body = request.bodyIsRawText && typeof request.body === 'string' ? request.body : JSON.stringify(ids.fill(request.body));
  }
  return fetch(`${fake.url}${ids.fill(request.path)}`, { method: request.method, headers, ...(body === undefined ? {} : { body }) });
}

async function check(exchange: RecordedExchange, res: Response, ids: Placeholders): Promise<string[]> {
  const expected = exchange.response;
  const problems: string[] = [];
  if (res.status !== expected.status) problems.push(`status ${res.status}, expected ${expected.status}`);
  const expectedType = expected.headers['content-type'];
  if (expectedType !== undefined && res.headers.get('content-type') !== expectedType) problems.push(`content-type ${String(res.headers.get('content-type'))}, expected ${expectedType}`);
  if (expected.headers['content-length'] === '0' && res.headers.get('content-length') !== '0') problems.push('expected an empty body');
  const bytes = Buffer.from(await res.arrayBuffer());
  if (expected.image) {
    const meta = await sharp(bytes).metadata().catch(() => undefined);
    const got = { format: meta?.format, width: meta?.width, height: meta?.height };
    const want = { format: expected.image.format, width: expected.image.width, height: expected.image.height };
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`image ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    // Originals (and fullsize of JPEG/PNG) are the uploaded bytes, so even the size must match.
    if (/original|size=fullsize/.test(exchange.request.path) && bytes.length !== expected.image.bytes) problems.push(`bytes ${bytes.length}, expected ${expected.image.bytes}`);
    return problems;
  }
  const body: unknown = bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : null;
  return [...problems, ...ids.compare(expected.body ?? null, body)];
}

describe('fake immich conformance with recorded Immich 3.1.0 exchanges', () => {
  const exchanges = loadRecordedExchanges();
  const outcomes: Outcome[] = [];
  let fake: FakeImmich;

  beforeAll(async () => {
    // Thumbnail jobs run only on waitForJobs(), so the "thumbnail right after upload" call sees the recorded 404.
    fake = await startFakeImmich({ thumbnailJobDelayMs: 'manual' });
    const admin = fake.state.addUser({ email: 'admin@example.com', name: 'Admin', isAdmin: true, storageLabel: 'admin' });
    const keys = {
      '<KEY>': fake.state.addApiKey({ userId: admin.id, permissions: ['all'] }).secret,
      '<READ-ONLY-KEY>': fake.state.addApiKey({ userId: admin.id, permissions: ['asset.read'] }).secret,
      '<WRONG-KEY>': 'wrong-key-0000000000000000000000000000000000',
    };
    const ids = new Placeholders();
    ids.ids.set('user-1', admin.id);
    for (const kind of ['asset', 'tag', 'album', 'stack']) ids.ids.set(`unknown-${kind}-1`, randomUUID());
    for (const exchange of exchanges) {
      // Like waiting a second on the real server; only the call recorded "immediately after upload" must not wait.
      if (!exchange.name.includes('immediately after upload')) await fake.waitForJobs();
      const before = fake.requests().length;
      const res = await send(fake, exchange, ids, keys);
      const problems = await check(exchange, res, ids);
      const violations = fake.requests().slice(before).flatMap((r) => r.violations.map((v) => v.message));
      outcomes.push({ label: `${exchange.file}: ${exchange.name}`, problems, violations });
    }
  });

  afterAll(async () => {
    await fake.close();
  });

  it('replays all 181 recorded exchanges', () => {
    expect(outcomes).toHaveLength(181);
  });

  it('matches every exchange (except the explicit allow-list)', () => {
    const failing = outcomes.filter((o) => o.problems.length > 0 && !ALLOWED_MISMATCHES.has(o.label));
    const exact = outcomes.filter((o) => o.problems.length === 0).length;
    console.log(`conformance: ${exact}/${outcomes.length} recorded exchanges match exactly; allow-listed: ${ALLOWED_MISMATCHES.size}`);
    expect(failing.map((o) => `${o.label}\n    ${o.problems.slice(0, 6).join('\n    ')}`)).toEqual([]);
    // An allow-list entry that passes is stale and must be removed.
    expect(outcomes.filter((o) => ALLOWED_MISMATCHES.has(o.label) && o.problems.length === 0).map((o) => o.label)).toEqual([]);
  });

  it('sends only spec-valid requests, except those the recording makes invalid on purpose (which are flagged)', () => {
    const unexpected = outcomes.filter((o) => !DELIBERATELY_INVALID.has(o.label) && o.violations.length > 0).map((o) => `${o.label}: ${o.violations.join('; ')}`);
    const unflagged = outcomes.filter((o) => DELIBERATELY_INVALID.has(o.label) && o.violations.length === 0).map((o) => o.label);
    expect(unexpected).toEqual([]);
    expect(unflagged).toEqual([]);
    expect(outcomes.filter((o) => DELIBERATELY_INVALID.has(o.label))).toHaveLength(DELIBERATELY_INVALID.size);
  });
});
