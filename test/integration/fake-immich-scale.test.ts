import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { makeImmichThumbnail, startFakeImmich, type FakeImmich, type SeededUser } from '../helpers/fake-immich/index.js';

interface Page {
  assets: { total: number; count: number; nextPage: string | null; items: { id: string; fileCreatedAt: string }[] };
}

describe('fake immich at 20,000 assets', () => {
  let fake: FakeImmich;
  let admin: SeededUser;
  let seedMs = 0;

  beforeAll(async () => {
    fake = await startFakeImmich();
    admin = fake.seedUser();
    const base = await sharp({ create: { width: 512, height: 320, channels: 3, background: '#3a7' } }).jpeg().toBuffer();
    const thumbs = [await makeImmichThumbnail(base)];
    const start = performance.now();
    fake.state.addManyAssets(20_000, { ownerId: admin.user.id, thumbnails: thumbs });
    seedMs = performance.now() - start;
  });
  afterAll(async () => {
    await fake.close();
  });

  it('seeds 20,000 assets quickly', () => {
    console.log(`seeded 20,000 assets in ${seedMs.toFixed(0)} ms`);
    expect(fake.state.assets.size).toBe(20_000);
    // Generous bound: CI has two shared cores; unloaded this takes ~300 ms.
    expect(seedMs).toBeLessThan(10_000);
  });

  it('pages through all of them with size 1000: 20 pages, no duplicates, sorted newest first', async () => {
    const seen = new Set<string>();
    let page: string | null = '1';
    let pages = 0;
    let previous = Number.POSITIVE_INFINITY;
    const start = performance.now();
    while (page !== null) {
      const res = await fetch(`${fake.url}/api/search/metadata`, {
        method: 'POST',
        headers: { 'x-api-key': admin.key, 'content-type': 'application/json' },
        body: JSON.stringify({ page: Number(page), size: 1000, type: 'IMAGE', visibility: 'timeline' }),
      });
      const body = (await res.json()) as Page;
      for (const item of body.assets.items) {
        const t = Date.parse(item.fileCreatedAt);
        expect(t).toBeLessThanOrEqual(previous);
        previous = t;
        seen.add(item.id);
      }
      expect(body.assets.total).toBe(body.assets.items.length);
      pages += 1;
      page = body.assets.nextPage;
    }
    console.log(`paged 20,000 assets (20 x 1000) in ${(performance.now() - start).toFixed(0)} ms`);
    expect(pages).toBe(20);
    expect(seen.size).toBe(20_000);
    expect(fake.violations()).toEqual([]);
  });
});
