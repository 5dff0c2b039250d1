/**
 * Fuzzing the decode/hash entry point with seeded random and mutated image bytes: every input must
 * end as a fingerprint or as a rejected promise with a message, never a crash or a hang.
 */

import sharp from 'sharp';
import { mulberry32 } from '../helpers/random.js';
import { describe, expect, it } from 'vitest';
import { computeFingerprint } from '../../src/hashing/fingerprint.js';
import { decodeWithHeader } from '../../src/thumbnails/hash-input.js';
import { photoMetaOf } from '../../src/thumbnails/image-metadata.js';
import { sceneRaw } from '../helpers/images.js';

const CASES = 3000;
const PER_CASE_LIMIT_MS = 5000;

async function seeds(): Promise<Buffer[]> {
  const scene = () => sceneRaw({ seed: 3, width: 96, height: 72 });
  return [
    await (await scene()).jpeg().toBuffer(),
    await (await scene()).png().toBuffer(),
    await (await scene()).webp().toBuffer(),
    await (await scene()).gif().toBuffer(),
    await (await scene()).tiff().toBuffer(),
    await (await scene()).withExif({ IFD0: { Make: 'Fuzz', Model: 'X', DateTime: '2020:01:01 00:00:00' } }).jpeg().toBuffer(),
  ];
}

/** One mutation: flipped bits, truncation, a spliced chunk of another image, or plain noise. */
function mutate(base: Buffer, others: readonly Buffer[], random: () => number): Buffer {
  const bytes = Buffer.from(base);
  const kind = Math.floor(random() * 4);
  if (kind === 0) {
    const flips = 1 + Math.floor(random() * 16);
    for (let i = 0; i < flips; i++) {
      const at = Math.floor(random() * bytes.length);
      bytes[at] = (bytes[at] ?? 0) ^ (1 << Math.floor(random() * 8));
    }
    return bytes;
  }
  if (kind === 1) return bytes.subarray(0, Math.floor(random() * bytes.length));
  if (kind === 2) {
    const other = others[Math.floor(random() * others.length)] as Buffer;
    const at = Math.floor(random() * bytes.length);
    const from = Math.floor(random() * other.length);
    return Buffer.concat([bytes.subarray(0, at), other.subarray(from, from + 1 + Math.floor(random() * 512)), bytes.subarray(at)]);
  }
  return Buffer.from(Array.from({ length: Math.floor(random() * 2048) }, () => Math.floor(random() * 256)));
}

async function withinLimit<T>(work: Promise<T>): Promise<T | 'hang'> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), PER_CASE_LIMIT_MS)));
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

describe('fuzzing decode and hash', () => {
  it(`survives ${CASES} seeded mutated inputs: each a fingerprint or a rejection with a message`, async () => {
    sharp.cache(false);
    const random = mulberry32(20261122);
    const originals = await seeds();
    let decoded = 0;
    let rejected = 0;
    const hangs: number[] = [];
    const badRejections: string[] = [];
    for (let index = 0; index < CASES; index++) {
      const input = mutate(originals[index % originals.length] as Buffer, originals, random);
      const outcome = await withinLimit(
        (async () => {
          // What the hash stage does with an original: one decode, its header read for the metadata.
          const { input: hashInput, header } = await decodeWithHeader(input);
          photoMetaOf(header);
          return computeFingerprint(hashInput);
        })().then(
          (fingerprint) => ({ ok: true as const, fingerprint }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
      );
      if (outcome === 'hang') hangs.push(index);
      else if (outcome.ok) {
        expect(outcome.fingerprint.variants).toHaveLength(8);
        decoded++;
      } else {
        rejected++;
        if (!(outcome.error instanceof Error) || outcome.error.message.length === 0) badRejections.push(`case ${index}: ${String(outcome.error)}`);
      }
    }
    console.log(`fuzz: ${CASES} cases, ${decoded} decoded, ${rejected} rejected with a message, ${hangs.length} hangs, 0 crashes`);
    expect(hangs).toEqual([]);
    expect(badRejections).toEqual([]);
    expect(decoded + rejected).toBe(CASES);
    expect(rejected).toBeGreaterThan(CASES / 10);
  }, 600_000);
});
