/**
 * The fake's duplicate, asset-metadata and trash routes behave as a real Immich 3.1.0 did
 * (test/fixtures/immich/RESOLVE-NOTES.md, observed; and v3.1.0's DuplicateRepository, TrashService
 * and AssetService where the notes are silent), every request valid against the OpenAPI document.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeImmich, type FakeImmich, type SeededUser } from '../helpers/fake-immich/index.js';

describe('fake immich: review page, metadata, trash', () => {
  let fake: FakeImmich;
  let me: SeededUser;
  let a: string;
  let b: string;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fake.apiUrl}${path}`, {
      method,
      headers: { 'x-api-key': me.key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as unknown };
  };
  const duplicates = async () => ((await call('GET', '/duplicates')).body as { duplicateId: string; assets: { id: string }[] }[]).map((group) => ({ id: group.duplicateId, assets: group.assets.map((asset) => asset.id).sort() }));

  beforeEach(async () => {
    fake = await startFakeImmich();
    me = fake.seedUser();
    a = fake.state.addAsset({ ownerId: me.user.id }).id;
    b = fake.state.addAsset({ ownerId: me.user.id }).id;
  });
  afterEach(async () => {
    expect(fake.violations()).toEqual([]);
    await fake.close();
  });

  it('RESOLVE-NOTES §1: a duplicateId set through PUT /assets makes a group on GET /duplicates (ML off); null takes it away', async () => {
    const id = '0d3c4b5a-6978-4a1b-9c2d-3e4f5a6b7c8d';
    expect((await call('PUT', '/assets', { ids: [a, b], duplicateId: id })).status).toBe(204);
    expect(await duplicates()).toEqual([{ id, assets: [a, b].sort() }]);
    expect((await call('PUT', '/assets', { ids: [a, b], duplicateId: null })).status).toBe(204);
    expect(await duplicates()).toEqual([]);
  });

  it('GET /duplicates clears the duplicateId of a group left with one member, and leaves out trashed members', async () => {
    const id = '1e4d5c6b-7a89-4b2c-8d3e-4f5a6b7c8d9e';
    await call('PUT', '/assets', { ids: [a, b], duplicateId: id });
    await call('DELETE', '/assets', { ids: [b], force: false });
    expect(await duplicates()).toEqual([]);
    expect(fake.state.assets.get(a)?.duplicateId).toBeNull();
    // The trashed one keeps its id (Immich only counts assets outside the trash).
    expect(fake.state.assets.get(b)?.duplicateId).toBe(id);
  });

  it('RESOLVE-NOTES §3: metadata items per asset and in bulk; a value is an object; delete; a repeated pair is refused', async () => {
    const put = await call('PUT', `/assets/${a}/metadata`, { items: [{ key: 'photo-organizer', value: { group: 'g1' } }] });
    expect(put.status).toBe(200);
    expect(put.body).toEqual([{ key: 'photo-organizer', value: { group: 'g1' }, updatedAt: expect.any(String) as unknown }]);
    expect((await call('GET', `/assets/${a}/metadata`)).body).toEqual(put.body);
    const bulk = await call('PUT', '/assets/metadata', { items: [{ assetId: b, key: 'photo-organizer', value: { group: 'g2' } }] });
    expect(bulk.body).toEqual([{ assetId: b, key: 'photo-organizer', value: { group: 'g2' }, updatedAt: expect.any(String) as unknown }]);
    expect((await call('PUT', '/assets/metadata', { items: [{ assetId: b, key: 'k', value: {} }, { assetId: b, key: 'k', value: {} }] })).status).toBe(400);
    expect((await call('DELETE', `/assets/${a}/metadata/photo-organizer`)).status).toBe(204);
    expect((await call('DELETE', '/assets/metadata', { items: [{ assetId: b, key: 'photo-organizer' }] })).status).toBe(204);
    expect((await call('GET', `/assets/${a}/metadata`)).body).toEqual([]);
    expect((await call('GET', `/assets/${b}/metadata/photo-organizer`)).body).toEqual({ message: `Metadata with key "photo-organizer" not found for asset with id "${b}"` });
  });

  it('another user\'s asset: its metadata cannot be written (all or nothing), nor can it be trashed', async () => {
    const other = fake.seedUser();
    const theirs = fake.state.addAsset({ ownerId: other.user.id }).id;
    expect((await call('PUT', '/assets/metadata', { items: [{ assetId: a, key: 'k', value: {} }, { assetId: theirs, key: 'k', value: {} }] })).body).toEqual({ message: 'Not found or no asset.update access' });
    expect(fake.state.metadata.get(a)).toBeUndefined();
    expect((await call('DELETE', '/assets', { ids: [theirs], force: false })).status).toBe(400);
  });

  it('trash: DELETE /assets without force keeps the asset in the trash until its trash days pass; restore brings it back', async () => {
    expect((await call('DELETE', '/assets', { ids: [a], force: false })).status).toBe(204);
    expect(fake.state.assets.get(a)?.deletedAt).not.toBeNull();
    expect(fake.state.purgeTrash()).toEqual([]);
    expect(await call('POST', '/trash/restore/assets', { ids: [a, b] })).toEqual({ status: 200, body: { count: 2 } });
    expect(fake.state.assets.get(a)?.deletedAt).toBeNull();
    await call('DELETE', '/assets', { ids: [a], force: false });
    expect(fake.state.purgeTrash(new Date(Date.now() + 31 * 86_400_000))).toEqual([a]);
    expect((await call('POST', '/trash/restore/assets', { ids: [a] })).status).toBe(400);
  });
});
