/**
 * The best-photo rules read aligned parts in the alignment kernel (assembly/evidence.ts), most of
 * them seen from the other side through a turn table, never copied out. Each number must be the
 * one the JavaScript below (the rules' arithmetic as it ran on copied and turned parts) makes, bit
 * for bit, for upright and turned pairs, both ways round, and the local difference must find the
 * mark added to a copy.
 */

import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { alignedToneMap, localDifference, type ToneMap } from '../../src/grouping/best-evidence.js';
import { alignPair, PreparedThumbnails, reversed, type PairAlignment } from '../../src/hashing/pair-alignment.js';
import { alignable } from '../helpers/contestants.js';

const castle = path.resolve(import.meta.dirname, '../fixtures/photos/castle.jpg');
const SIDE = 32;

/** toneMap as the rules computed it in JavaScript: one running sum each, in sample order. */
function toneMapReference(a: Float64Array, b: Float64Array): ToneMap {
  let [sa, sb, saa, sab] = [0, 0, 0, 0];
  for (let k = 0; k < a.length; k++) {
    const [va, vb] = [a[k] ?? 0, b[k] ?? 0];
    sa += va;
    sb += vb;
    saa += va * va;
    sab += va * vb;
  }
  const n = a.length;
  const variance = saa - (sa * sa) / n;
  const gain = variance > 1e-9 ? (sab - (sa * sb) / n) / variance : 1;
  return { gain, offset: (sb - gain * sa) / n, meanA: sa / n };
}

/** localDifference as the rules computed it in JavaScript (best-evidence.ts's thresholds). */
function localDifferenceReference(a: Float64Array, b: Float64Array, { gain, offset }: ToneMap): { x: number; y: number } | undefined {
  const residual = a.map((va, k) => Math.abs((b[k] ?? 0) - (gain * va + offset)));
  const counts = new Array<number>(256).fill(0);
  for (const difference of residual) {
    const level = Math.min(255, Math.floor(difference));
    counts[level] = (counts[level] ?? 0) + 1;
  }
  let typical = 255;
  for (let level = 0, seen = 0; level < 256; level++) {
    seen += counts[level] ?? 0;
    if (seen > residual.length / 2) {
      typical = level + 0.5;
      break;
    }
  }
  const floor = Math.max(10, 4 * typical);
  if (residual.filter((difference) => difference > floor).length > 0.2 * residual.length) return undefined;
  const across = new Float64Array(SIDE * SIDE);
  for (let at = 0; at < across.length; at++) if (at % SIDE > 0 && at % SIDE < SIDE - 1) across[at] = (residual[at - 1] ?? 0) + (residual[at] ?? 0) + (residual[at + 1] ?? 0);
  let best: { at: number; mean: number } | undefined;
  for (let py = 1; py < SIDE - 1; py++) {
    for (let px = 1; px < SIDE - 1; px++) {
      const at = py * SIDE + px;
      const mean = ((across[at - SIDE] ?? 0) + (across[at] ?? 0) + (across[at + SIDE] ?? 0)) / 9;
      if (mean >= floor && (!best || mean > best.mean)) best = { at, mean };
    }
  }
  return best && { x: best.at % SIDE, y: Math.floor(best.at / SIDE) };
}

/** A dark block in the lower right, as a logo or a caption would be. */
async function marked(image: Buffer): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(image).metadata();
  const block = await sharp({ create: { width: Math.round(width * 0.2), height: Math.round(height * 0.15), channels: 3, background: { r: 20, g: 20, b: 20 } } })
    .png()
    .toBuffer();
  return sharp(image)
    .composite([{ input: block, left: Math.round(width * 0.72), top: Math.round(height * 0.78) }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

describe('evidence in the alignment kernel', () => {
  for (const [name, turn] of [
    ['upright', (image: sharp.Sharp) => image],
    ['turned a quarter', (image: sharp.Sharp) => image.rotate(90)],
    ['mirrored', (image: sharp.Sharp) => image.flop()],
  ] as const) {
    it(`reads the tone map and the local difference of a marked copy ${name} as JavaScript did, both ways round`, async () => {
      const original = await sharp(castle).resize(480).jpeg({ quality: 90 }).toBuffer();
      const copy = await turn(sharp(await marked(original))).modulate({ brightness: 1.1 }).jpeg({ quality: 85 }).toBuffer();
      const prepared = new PreparedThumbnails();
      try {
        const copyOntoOriginal = alignPair(await alignable(original), await alignable(copy), prepared);
        if (!copyOntoOriginal) throw new Error('no alignment');
        const seenFromCopy = reversed(copyOntoOriginal, prepared);
        expect(seenFromCopy.turn === 0).toBe(name === 'upright');
        const found: ({ x: number; y: number } | undefined)[] = [];
        for (const aligned of [copyOntoOriginal, seenFromCopy] as PairAlignment[]) {
          const tones = alignedToneMap(aligned);
          const reference = toneMapReference(aligned.a, aligned.b);
          expect(tones).toEqual(reference);
          const difference = localDifference(aligned);
          expect(difference).toEqual(localDifferenceReference(aligned.a, aligned.b, reference));
          found.push(difference);
        }
        // The mark is found, in the lower right of the original's frame.
        const [onOriginal] = found;
        expect(onOriginal?.x).toBeGreaterThan(SIDE / 2);
        expect(onOriginal?.y).toBeGreaterThan(SIDE / 2);
      } finally {
        prepared.release();
      }
    });
  }
});
