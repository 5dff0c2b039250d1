/**
 * A group's photos are aligned once per pair: b onto a, reversed, must say what aligning a onto b
 * says (the orientation that undoes the turn, the same cuts seen from b, the same parts turned).
 */

import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { correlation } from '../../src/hashing/correlation.js';
import { dihedral, inverseTransform, TRANSFORMS } from '../../src/hashing/dihedral.js';
import { alignPair, reversed } from '../../src/hashing/pair-alignment.js';
import { alignable } from '../helpers/contestants.js';

const castle = path.resolve(import.meta.dirname, '../fixtures/photos/castle.jpg');

describe('pair alignment', () => {
  it('every transform has an inverse that turns a raster back', () => {
    const raster = { width: 3, height: 2, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    for (let t = 0; t < TRANSFORMS; t++) expect([...dihedral(dihedral(raster, t), inverseTransform(t)).data]).toEqual([...raster.data]);
    expect([5, 6].map(inverseTransform)).toEqual([6, 5]);
  });

  for (const [name, turn] of [
    ['turned a quarter', (image: sharp.Sharp) => image.rotate(90)],
    ['mirrored', (image: sharp.Sharp) => image.flop()],
    ['upright', (image: sharp.Sharp) => image],
  ] as const) {
    it(`reversing the alignment of a cropped copy ${name} matches aligning it the other way`, async () => {
      const { width = 0, height = 0 } = await sharp(castle).metadata();
      const original = await alignable(await sharp(castle).resize(480).jpeg({ quality: 90 }).toBuffer());
      // 12 % off the left and 6 % off the top, then turned.
      const cut = await sharp(castle).extract({ left: Math.round(width * 0.12), top: Math.round(height * 0.06), width: Math.round(width * 0.88), height: Math.round(height * 0.94) }).toBuffer();
      const copy = await alignable(await turn(sharp(cut)).resize(400).jpeg({ quality: 85 }).toBuffer());
      const copyOntoOriginal = alignPair(original, copy);
      const originalOntoCopy = alignPair(copy, original);
      if (!copyOntoOriginal || !originalOntoCopy) throw new Error('no alignment');
      const seenFromCopy = reversed(copyOntoOriginal);
      expect(seenFromCopy.transform).toBe(originalOntoCopy.transform);
      // The original shows more: the copy's side of each axis is uncut in both.
      for (const axis of ['x', 'y'] as const) {
        for (const end of ['aStart', 'aEnd', 'bStart', 'bEnd'] as const) expect(Math.abs(seenFromCopy[axis][end] - originalOntoCopy[axis][end])).toBeLessThanOrEqual(1);
      }
      expect(seenFromCopy.x.bStart + seenFromCopy.x.bEnd + seenFromCopy.y.bStart + seenFromCopy.y.bEnd).toBeGreaterThanOrEqual(10);
      expect(correlation(seenFromCopy.a, originalOntoCopy.a)).toBeGreaterThan(0.98);
      expect(correlation(seenFromCopy.b, originalOntoCopy.b)).toBeGreaterThan(0.98);
    });
  }
});
