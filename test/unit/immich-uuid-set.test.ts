import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UuidSet } from '../../src/sources/immich/uuid-set.js';

describe('UuidSet', () => {
  it('behaves like a Set of strings across growth', () => {
    const set = new UuidSet(16);
    const reference = new Set<string>();
    const ids = Array.from({ length: 5000 }, () => randomUUID());
    for (const id of ids) {
      expect(set.add(id)).toBe(!reference.has(id));
      reference.add(id);
    }
    for (const id of ids.slice(0, 1000)) expect(set.add(id)).toBe(false);
    expect(set.size).toBe(5000);
    for (const id of ids) expect(set.has(id)).toBe(true);
    expect(set.has(randomUUID())).toBe(false);
  });

  it('treats case as the same UUID, and keeps non-UUID ids and the nil UUID apart', () => {
    const set = new UuidSet();
    const id = randomUUID();
    expect(set.add(id)).toBe(true);
    expect(set.add(id.toUpperCase())).toBe(false);
    expect(set.add('00000000-0000-0000-0000-000000000000')).toBe(true);
    expect(set.add('00000000-0000-0000-0000-000000000000')).toBe(false);
    expect(set.add('asset-42')).toBe(true);
    expect(set.has('asset-42')).toBe(true);
    expect(set.has('asset-43')).toBe(false);
    expect(set.size).toBe(3);
  });

  it('differs from another id in a single hex digit', () => {
    const set = new UuidSet();
    set.add('2b4e0a0e-4c2d-4f7b-9d8e-3f2a1b0c9d8e');
    expect(set.has('2b4e0a0e-4c2d-4f7b-9d8e-3f2a1b0c9d8f')).toBe(false);
    expect(set.has('3b4e0a0e-4c2d-4f7b-9d8e-3f2a1b0c9d8e')).toBe(false);
  });
});
