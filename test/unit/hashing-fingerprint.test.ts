import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  computeFingerprint,
  contentThumbnailFromEncoding,
  decodeFingerprint,
  encodeFingerprint,
  fingerprintDistance,
  hammingDistance64,
  thumbnailFromEncoding,
  withoutThumbnail,
  type Fingerprint,
} from '../../src/hashing/fingerprint.js';
import { HashArena } from '../../src/hashing/hash-arena.js';
import { CROP_QUERY_COUNT } from '../../src/hashing/crop-queries.js';
import { letterboxed } from '../helpers/framed-copies.js';
import { dihedral } from '../../src/hashing/dihedral.js';
import { decodeHashInput, decodeWithHeader, HASH_INPUT_SIZE } from '../../src/thumbnails/hash-input.js';

const photo = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/photos/${name}`, import.meta.url)));
const fingerprintOf = async (image: Buffer) => computeFingerprint(await decodeHashInput(image));

describe('decodeHashInput', () => {
  it('gives a 32×32 greyscale raster and the displayed size', async () => {
    const input = await decodeHashInput(photo('castle.jpg'));
    expect([input.width, input.height, input.data.length]).toEqual([HASH_INPUT_SIZE, HASH_INPUT_SIZE, HASH_INPUT_SIZE ** 2]);
    expect([input.sourceWidth, input.sourceHeight]).toEqual([512, 342]);
  });

  it('applies EXIF orientation: an Orientation=6 file is measured and hashed as displayed (turned)', async () => {
    const tagged = await sharp(photo('castle.jpg')).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const input = await decodeHashInput(tagged);
    expect([input.sourceWidth, input.sourceHeight]).toEqual([342, 512]);
    const turned = await decodeHashInput(await sharp(photo('castle.jpg')).rotate(90).jpeg({ quality: 95 }).toBuffer());
    expect(hammingDistance64(computeFingerprint(input).variants[0] ?? 0n, computeFingerprint(turned).variants[0] ?? 1n)).toBeLessThanOrEqual(4);
  });
});

describe('computeFingerprint', () => {
  it('variant t is the hash of the thumbnail under dihedral transform t', async () => {
    const input = await decodeHashInput(photo('castle.jpg'));
    const fingerprint = computeFingerprint(input);
    expect(fingerprint.variants).toHaveLength(8);
    expect(new Set(fingerprint.variants).size).toBe(8);
    for (let t = 0; t < 8; t++) {
      const turned = dihedral(input, t);
      const again = computeFingerprint({ ...turned, sourceWidth: 1, sourceHeight: 1 });
      expect(again.variants[0]).toBe(fingerprint.variants[t]);
    }
  });

  it('is deterministic and byte-identical files get identical fingerprints', async () => {
    const a = await fingerprintOf(photo('castle.jpg'));
    const b = await fingerprintOf(Buffer.from(photo('castle.jpg')));
    expect([...b.variants]).toEqual([...a.variants]);
    expect(fingerprintDistance(a, b)).toBe(0);
  });

  it('a mirrored or quarter-turned copy lands near one of the variants, far from the upright hash', async () => {
    const original = await fingerprintOf(photo('castle.jpg'));
    for (const copy of [sharp(photo('castle.jpg')).flop(), sharp(photo('castle.jpg')).rotate(90), sharp(photo('castle.jpg')).rotate(270)]) {
      const other = await fingerprintOf(await copy.jpeg({ quality: 90 }).toBuffer());
      expect(fingerprintDistance(other, original)).toBeLessThanOrEqual(4);
      expect(hammingDistance64(other.variants[0] ?? 0n, original.variants[0] ?? 0n)).toBeGreaterThan(16);
    }
  });

  it('re-encoding, downscaling and greyscale move the hash by only a few bits', async () => {
    const original = await fingerprintOf(photo('castle.jpg'));
    const copies = [
      sharp(photo('castle.jpg')).jpeg({ quality: 50 }),
      sharp(photo('castle.jpg')).resize(128).jpeg({ quality: 90 }),
      sharp(photo('castle.jpg')).greyscale().jpeg({ quality: 90 }),
      sharp(photo('castle.jpg')).webp({ quality: 75 }),
    ];
    for (const copy of copies) expect(fingerprintDistance(await fingerprintOf(await copy.toBuffer()), original)).toBeLessThanOrEqual(6);
  });

  it('different photos are far apart', async () => {
    const castle = await fingerprintOf(photo('castle.jpg'));
    const lake = await fingerprintOf(photo('lake-half-a.jpg'));
    expect(fingerprintDistance(castle, lake)).toBeGreaterThan(12);
  });
});

describe('hammingDistance64', () => {
  it('counts differing bits over all 64', () => {
    expect(hammingDistance64(0n, 0n)).toBe(0);
    expect(hammingDistance64(0n, (1n << 64n) - 1n)).toBe(64);
    expect(hammingDistance64(1n << 63n, 1n)).toBe(2);
    const a = 0x0123456789abcdefn;
    const b = 0xfedcba9876543210n;
    const expected = (a ^ b).toString(2).split('').filter((bit) => bit === '1').length;
    expect(hammingDistance64(a, b)).toBe(expected);
  });
});

describe('encodeFingerprint / decodeFingerprint', () => {
  it('round-trips variants, crop hashes, size and thumbnail in under 1.25 KB', async () => {
    const fingerprint = await fingerprintOf(photo('lake-half-b.jpg'));
    const encoded = encodeFingerprint(fingerprint);
    expect(encoded.length).toBe(8 * 8 + 13 * 8 + 4 + 32 * 32);
    const decoded = decodeFingerprint(encoded);
    expect([...decoded.variants]).toEqual([...fingerprint.variants]);
    expect(decoded.cropHashes).toHaveLength(13);
    expect([...(decoded.cropHashes ?? [])]).toEqual([...(fingerprint.cropHashes ?? [])]);
    expect([decoded.width, decoded.height]).toEqual([fingerprint.width, fingerprint.height]);
    expect(Buffer.from(decoded.thumbnail ?? [])).toEqual(Buffer.from(fingerprint.thumbnail ?? []));
  });

  it('round-trips the content fingerprint of a photo inside bars after the full one, and keeps it lean without thumbnails', async () => {
    const fingerprint = computeFingerprint((await decodeWithHeader(await letterboxed(photo('castle.jpg')))).input);
    const content = fingerprint.content;
    expect(content?.thumbnail).toHaveLength(32 * 32);
    const encoded = encodeFingerprint(fingerprint);
    expect(encoded.length).toBe(8 * 8 + CROP_QUERY_COUNT * 8 + 4 + 32 * 32 + 1 + 8 * 8 + 4 + 32 * 32);
    const decoded = decodeFingerprint(encoded);
    expect([...(decoded.content?.variants ?? [])]).toEqual([...(content?.variants ?? [])]);
    expect([decoded.content?.width, decoded.content?.height]).toEqual([content?.width, content?.height]);
    expect(Buffer.from(decoded.content?.thumbnail ?? [])).toEqual(Buffer.from(content?.thumbnail ?? []));
    expect(Buffer.from(decoded.thumbnail ?? [])).toEqual(Buffer.from(fingerprint.thumbnail ?? []));
    expect(Buffer.from(thumbnailFromEncoding(encoded) ?? [])).toEqual(Buffer.from(fingerprint.thumbnail ?? []));
    expect(Buffer.from(contentThumbnailFromEncoding(encoded) ?? [])).toEqual(Buffer.from(content?.thumbnail ?? []));
    // What grouping holds: hashes and sizes, no thumbnails, read lean or made lean.
    const lean = decodeFingerprint(encoded, { thumbnail: false, arena: new HashArena() });
    const madeLean = withoutThumbnail(fingerprint, new HashArena());
    for (const held of [lean, madeLean]) {
      expect(held.content?.thumbnail).toBeUndefined();
      expect(held.content?.variants[0]).toBe(content?.variants[0]);
    }
    // The photo itself has no bars: no content fingerprint, and the encoding it always had.
    const itself = await decodeWithHeader(photo('castle.jpg'));
    const plain = computeFingerprint(itself.input);
    expect(plain.content).toBeUndefined();
    expect(contentThumbnailFromEncoding(encodeFingerprint(plain))).toBeUndefined();
  });

  it('reads a hashes-only fingerprint (no thumbnail) as variants alone', () => {
    const bare: Fingerprint = { variants: [1n, 2n, 3n, 4n, 5n, 6n, 7n, (1n << 64n) - 1n] };
    const decoded = decodeFingerprint(encodeFingerprint(bare));
    expect([...decoded.variants]).toEqual([...bare.variants]);
    expect(decoded.thumbnail).toBeUndefined();
  });
});
