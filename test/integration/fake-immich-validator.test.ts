import { describe, expect, it } from 'vitest';
import { createOpenApiValidator, loadImmichSpec } from '../helpers/openapi-validator.js';

const validator = createOpenApiValidator(loadImmichSpec());
const A1 = '3f0b6a4e-8c1d-4e2f-9a3b-5c6d7e8f9a0b';

describe('openapi validator', () => {
  it('accepts a valid search body', () => {
    const r = validator.validate({ method: 'POST', path: '/api/search/metadata', contentType: 'application/json', body: { size: 2, page: 1, tagIds: [A1], visibility: 'timeline', type: 'IMAGE' } });
    expect(r.violations).toEqual([]);
    expect(r.operation?.operationId).toBe('searchAssets');
    expect(r.operation?.permission).toBe('asset.read');
  });

  it('flags unknown search fields (the real server silently drops them)', () => {
    const r = validator.validate({ method: 'POST', path: '/api/search/metadata', contentType: 'application/json', body: { fooBar: 1, size: 3 } });
    expect(r.ok).toBe(false);
    expect(r.violations.map((v) => [v.keyword, v.path])).toEqual([['additionalProperties', ['fooBar']]]);
  });

  it('flags size 1001, page 0, a bad enum and a non-v4 uuid', () => {
    const keywords = (body: unknown) => validator.validate({ method: 'POST', path: '/api/search/metadata', contentType: 'application/json', body }).violations.map((v) => `${v.keyword}:${v.path.join('.')}`);
    expect(keywords({ size: 1001 })).toEqual(['maximum:size']);
    expect(keywords({ page: 0 })).toEqual(['minimum:page']);
    expect(keywords({ type: 'PHOTO' })).toEqual(['enum:type']);
    expect(keywords({ tagIds: ['00000000-0000-0000-0000-000000000000'] })).toEqual(['pattern:tagIds.0']);
  });

  it('checks path params, query params and unknown operations', () => {
    expect(validator.validate({ method: 'GET', path: `/api/assets/${A1}/thumbnail?size=thumbnail` }).ok).toBe(true);
    expect(validator.validate({ method: 'GET', path: `/api/assets/${A1}/thumbnail?size=bogus` }).violations[0]?.keyword).toBe('enum');
    expect(validator.validate({ method: 'GET', path: '/api/assets/not-a-uuid' }).violations[0]?.path).toEqual(['id']);
    expect(validator.validate({ method: 'GET', path: '/api/no-such-endpoint' }).violations[0]?.keyword).toBe('operation');
    expect(validator.validate({ method: 'DELETE', path: '/api/server/ping' }).ok).toBe(false);
    expect(validator.validate({ method: 'GET', path: `/api/albums/${A1}?withoutAssets=true` }).violations[0]?.path).toEqual(['withoutAssets']);
    expect(validator.validate({ method: 'GET', path: '/api/albums?name=x&apiKey=secret' }).ok).toBe(true);
  });

  it('prefers literal path segments over parameters', () => {
    expect(validator.findOperation('PUT', '/api/tags/assets')?.operationId).toBe('bulkTagAssets');
    expect(validator.findOperation('PUT', `/api/tags/${A1}/assets`)?.params).toEqual({ id: A1 });
  });

  it('requires a JSON body where the spec does', () => {
    expect(validator.validate({ method: 'POST', path: '/api/search/metadata' }).violations[0]?.keyword).toBe('contentType');
    expect(validator.validate({ method: 'POST', path: '/api/tags', contentType: 'application/json', body: {} }).violations[0]?.keyword).toBe('required');
    expect(validator.validate({ method: 'POST', path: '/api/stacks', contentType: 'application/json', body: { assetIds: [A1] } }).violations[0]?.keyword).toBe('minItems');
  });

  it('accepts nullable fields and rejects other types', () => {
    expect(validator.validate({ method: 'POST', path: '/api/tags', contentType: 'application/json', body: { name: 'a', parentId: null, color: null } }).ok).toBe(true);
    expect(validator.validate({ method: 'PUT', path: '/api/assets', contentType: 'application/json', body: { ids: [A1], isFavorite: 'yes' } }).violations[0]?.keyword).toBe('type');
  });

  it('checks answers against the declared response: fields, types, undeclared fields and statuses', () => {
    const partner = { id: A1, name: 'Pat', email: 'pat@example.com', avatarColor: 'gray', profileImagePath: '', profileChangedAt: '2024-05-01T10:00:00.000Z', inTimeline: true };
    expect(validator.validateResponse('GET', '/api/partners?direction=shared-with', 200, [partner])).toEqual([]);
    expect(validator.validateResponse('GET', '/api/partners', 200, [{ ...partner, inTimeline: 'yes' }])[0]?.keyword).toBe('type');
    expect(validator.validateResponse('GET', '/api/partners', 200, [{ ...partner, sharedById: A1 }])[0]?.keyword).toBe('additionalProperties');
    expect(validator.validateResponse('GET', '/api/partners', 200, [{ id: A1 }])[0]?.keyword).toBe('required');
    expect(validator.validateResponse('POST', '/api/partners', 200, partner)[0]?.keyword).toBe('status');
    expect(validator.validateResponse('DELETE', `/api/partners/${A1}`, 204, null)).toEqual([]);
  });
});
