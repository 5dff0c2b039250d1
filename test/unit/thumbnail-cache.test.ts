import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { entryName, ThumbnailCache, type ThumbnailKey } from '../../src/thumbnails/thumbnail-cache.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const key = (id: string, changeKey = 'c1', size = 'thumbnail'): ThumbnailKey => ({ id, changeKey, size });
const bytes = (fill: number, length = 1000): Buffer => Buffer.alloc(length, fill);
/** Each entry is its payload plus an 8-byte header on disk. */
const ENTRY = 1008;

function fileOf(dir: string, k: ThumbnailKey): string {
  const name = entryName(k);
  return join(dir, 'thumbnails-v1', name.slice(0, 2), name);
}

async function open(dir: string, maxBytes = 100 * ENTRY, warnings: string[] = []): Promise<ThumbnailCache> {
  return ThumbnailCache.open({ cacheDir: dir, maxBytes, onWarning: (message) => warnings.push(message) });
}

describe('ThumbnailCache on disk', () => {
  it('stores and returns bytes, and counts hits and misses', async () => {
    const cache = await open(tempDir());
    expect(await cache.get(key('a'))).toBeUndefined();
    await cache.set(key('a'), bytes(1));
    expect(await cache.get(key('a'))).toEqual(bytes(1));
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1, bytes: ENTRY });
    await cache.close();
  });

  it('keys on the change key and the size, so changed content is never served stale', async () => {
    const cache = await open(tempDir());
    await cache.set(key('a', 'old'), bytes(1));
    expect(await cache.get(key('a', 'new'))).toBeUndefined();
    expect(await cache.get(key('a', 'old', 'preview'))).toBeUndefined();
    expect(await cache.get(key('a', 'old'))).toEqual(bytes(1));
    await cache.close();
  });

  it('evicts the least recently used entry and deletes its file', async () => {
    const dir = tempDir();
    const cache = await open(dir, 3 * ENTRY);
    await cache.set(key('a'), bytes(1));
    await cache.set(key('b'), bytes(2));
    await cache.set(key('c'), bytes(3));
    await cache.get(key('a')); // a is now more recent than b
    await cache.set(key('d'), bytes(4));
    await cache.close();
    expect(existsSync(fileOf(dir, key('b')))).toBe(false);
    for (const id of ['a', 'c', 'd']) expect(existsSync(fileOf(dir, key(id)))).toBe(true);
    expect(cache.stats()).toMatchObject({ entries: 3, evictions: 1, bytes: 3 * ENTRY });
  });

  it('keeps entries and their LRU order across a restart', async () => {
    const dir = tempDir();
    const first = await open(dir, 3 * ENTRY);
    for (const id of ['a', 'b', 'c']) {
      await first.set(key(id), bytes(id.charCodeAt(0)));
      await sleep(20);
    }
    await first.get(key('a')); // touches a's file: b becomes the oldest
    await first.close();

    const second = await open(dir, 3 * ENTRY);
    expect(second.stats()).toMatchObject({ entries: 3, bytes: 3 * ENTRY });
    await second.set(key('d'), bytes(4));
    await second.close();
    expect(existsSync(fileOf(dir, key('b')))).toBe(false);
    const third = await open(dir, 3 * ENTRY);
    expect(await third.get(key('a'))).toEqual(bytes('a'.charCodeAt(0)));
    expect(await third.get(key('c'))).toEqual(bytes('c'.charCodeAt(0)));
    expect(await third.get(key('b'))).toBeUndefined();
    await third.close();
  });

  it('shrinks to a lowered cap on start, oldest first', async () => {
    const dir = tempDir();
    const first = await open(dir);
    for (const id of ['a', 'b', 'c', 'd']) {
      await first.set(key(id), bytes(1));
      await sleep(20);
    }
    await first.close();
    const second = await open(dir, 2 * ENTRY);
    await second.close();
    expect(['a', 'b', 'c', 'd'].map((id) => existsSync(fileOf(dir, key(id))))).toEqual([false, false, true, true]);
  });

  it('cleans temp files left by a crash and never serves them', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await first.set(key('a'), bytes(1));
    await first.close();
    const folder = join(dir, 'thumbnails-v1', entryName(key('a')).slice(0, 2));
    const stale = join(folder, `${entryName(key('b'))}.123-abcd.tmp`);
    const fresh = join(folder, `${entryName(key('c'))}.456-ef01.tmp`);
    await writeFile(stale, 'half a write');
    await writeFile(fresh, 'a write in progress in another process');
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(stale, old, old);

    const second = await open(dir);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true); // may belong to a live writer
    expect(second.stats().entries).toBe(1);
    expect(await second.get(key('b'))).toBeUndefined();
    expect(await second.get(key('a'))).toEqual(bytes(1));
    await second.close();
  });

  it('treats a damaged entry as a warning and a miss, and removes it', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const cache = await open(dir, 100 * ENTRY, warnings);
    await cache.set(key('torn'), bytes(7, 5000));
    await cache.set(key('garbage'), bytes(8));
    const torn = fileOf(dir, key('torn'));
    await writeFile(torn, (await readFile(torn)).subarray(0, 2000));
    await writeFile(fileOf(dir, key('garbage')), 'not a cache entry');

    expect(await cache.get(key('torn'))).toBeUndefined();
    expect(await cache.get(key('garbage'))).toBeUndefined();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/damaged entry/);
    expect(cache.stats()).toMatchObject({ corrupt: 2, misses: 2, hits: 0 });
    await cache.close();
    expect(existsSync(torn)).toBe(false);
    // Fetched again and stored afresh.
    expect(await cache.getOrFetch(key('torn'), () => Promise.resolve(bytes(9)))).toEqual(bytes(9));
    await cache.close();
    expect(await cache.get(key('torn'))).toEqual(bytes(9));
  });

  it('treats an unreadable entry as a warning and a miss', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const cache = await open(dir, 100 * ENTRY, warnings);
    await cache.set(key('dir'), bytes(1));
    await rm(fileOf(dir, key('dir')));
    await mkdir(fileOf(dir, key('dir'))); // reading it fails with EISDIR
    expect(await cache.get(key('dir'))).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/cannot read/);
    await cache.close();
  });

  it('warns, and still answers, when a write fails', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const cache = await open(dir, 100 * ENTRY, warnings);
    await rm(join(dir, 'thumbnails-v1'), { recursive: true });
    await writeFile(join(dir, 'thumbnails-v1'), 'a file where the folder was');
    expect(await cache.getOrFetch(key('a'), () => Promise.resolve(bytes(1)))).toEqual(bytes(1));
    await cache.close();
    expect(cache.stats().writeErrors).toBe(1);
    expect(warnings.join('\n')).toMatch(/could not store/);
  });

  it('does not keep an entry larger than the whole cap', async () => {
    const dir = tempDir();
    const cache = await open(dir, 2 * ENTRY);
    await cache.set(key('huge'), bytes(1, 5 * ENTRY));
    expect(existsSync(fileOf(dir, key('huge')))).toBe(false);
    expect(cache.stats().entries).toBe(0);
    await cache.close();
  });
});

describe('ThumbnailCache.getOrFetch', () => {
  it('fetches once for concurrent requests of one key, then serves from the cache', async () => {
    const cache = await open(tempDir());
    let calls = 0;
    const fetcher = async (): Promise<Buffer> => {
      calls++;
      await sleep(20);
      return bytes(5);
    };
    const results = await Promise.all([cache.getOrFetch(key('a'), fetcher), cache.getOrFetch(key('a'), fetcher)]);
    expect(results).toEqual([bytes(5), bytes(5)]);
    await cache.close();
    expect(await cache.getOrFetch(key('a'), fetcher)).toEqual(bytes(5));
    expect(calls).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    await cache.close();
  });

  it('passes fetch errors through and caches nothing for them', async () => {
    const cache = await open(tempDir());
    await expect(cache.getOrFetch(key('a'), () => Promise.reject(new Error('HTTP 404')))).rejects.toThrow('HTTP 404');
    expect(await cache.getOrFetch(key('a'), () => Promise.resolve(bytes(2)))).toEqual(bytes(2));
    await cache.close();
  });
});

describe('ThumbnailCache in stream mode', () => {
  it('writes no file at all, not even the cache folder', async () => {
    const parent = tempDir();
    const dir = join(parent, 'cache');
    const cache = await ThumbnailCache.open({ cacheDir: dir, streamMode: true, memoryMaxBytes: 3 * 1000 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) await cache.getOrFetch(key(id), () => Promise.resolve(bytes(1)));
    expect(await cache.get(key('e'))).toEqual(bytes(1));
    expect(await cache.get(key('a'))).toBeUndefined(); // bounded: the oldest went
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 3000, evictions: 2 });
    await cache.close();
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('needs a folder when not streaming', async () => {
    await expect(ThumbnailCache.open({})).rejects.toThrow(/cacheDir is required/);
  });
});

describe('cache layout', () => {
  it('spreads files over 2-hex-digit folders with fixed-length names', async () => {
    const dir = tempDir();
    const cache = await open(dir);
    for (let i = 0; i < 20; i++) await cache.set(key(`id-${i}`), bytes(i));
    await cache.close();
    const folders = await readdir(join(dir, 'thumbnails-v1'));
    for (const folder of folders) {
      expect(folder).toMatch(/^[0-9a-f]{2}$/);
      for (const name of await readdir(join(dir, 'thumbnails-v1', folder))) {
        expect(name).toMatch(/^[0-9a-f]{64}$/);
        expect((await stat(join(dir, 'thumbnails-v1', folder, name))).size).toBe(ENTRY);
      }
    }
  });
});
