import { describe, expect, it } from 'vitest';
import { HashArena } from '../../src/hashing/hash-arena.js';

describe('HashArena', () => {
  it('hands out zeroed views that never overlap, across blocks, and serves requests larger than a block', () => {
    const arena = new HashArena();
    const views = Array.from({ length: 20_000 }, (_, i) => arena.take(1 + (i % 13)));
    views.forEach((view, i) => {
      expect(view.every((hash) => hash === 0n)).toBe(true);
      view.fill(BigInt(i + 1));
    });
    // Every view still holds what was written to it: no later view reused its slots.
    views.forEach((view, i) => expect(view.every((hash) => hash === BigInt(i + 1))).toBe(true));
    expect(new Set(views.map((view) => view.buffer)).size).toBeGreaterThan(1);
    const big = arena.take(200_000);
    expect(big.length).toBe(200_000);
  });
});
