/**
 * Synthetic photo libraries for the grouping benchmark, in the shape the grouping stage really gets:
 * each photo's full fingerprint is written to a real hash store (SQLite, through the product's
 * HashRepository), and what stays in memory is the lean `HashedPhoto` a warm run's hash stage hands
 * to grouping (fingerprint decoded without its thumbnail, which confirmation reads back).
 *
 * - Background photos: a uniform random 64-bit upright hash, its 8 orientation variants (the exact
 *   bit permutations of the 8×8 grid), crop hashes a few bits off the upright, and a noise
 *   thumbnail. They stand for unrelated photos: any pair the index brings within the radius has
 *   unrelated pixels, so the pixel check runs on it and (nearly always) rejects it.
 * - Planted clusters of 5: a smooth random picture drawn at 32×32 as it is, re-encoded (noise),
 *   re-toned, turned or mirrored, and cropped (5 % all round or 7 % off one side). Their
 *   fingerprints are computed by the product's own `computeFingerprint`, so the index, the crop
 *   queries and the pixel check all see real data.
 *
 * Uniform random hashes also meet by chance: with 8 orientations, about 4e12 · P(d <= r) photo pairs
 * of a million lie within r bits (18 within 6 bits, which no pixel check is asked about). Such
 * "accidental" groups are reported apart and checked to be genuine (every pair within NEAR_DISTANCE).
 */

const SIDE = 32;
const SOURCE_WIDTH = 4000;
const SOURCE_HEIGHT = 3000;
/** Frequencies per axis in a planted picture. */
const WAVES = 12;
export const CLUSTER_SIZE = 5;
/** One planted cluster per this many photos. */
const PHOTOS_PER_CLUSTER = 1000;
/** Rows per store transaction while the library is written. */
const SAVE_BATCH = 5000;
/** Crops as [left, right, top, bottom] fractions: what the typical-crop queries are meant to find. */
const CROPS = [
  [0.05, 0.05, 0.05, 0.05],
  [0.07, 0, 0, 0],
  [0, 0.07, 0, 0],
  [0, 0, 0.07, 0],
  [0, 0, 0, 0.07],
];

/**
 * @param {number} size photos in the library
 * @param {number} seed
 * @param {{ computeFingerprint: Function, encodeFingerprint: Function, decodeFingerprint: Function, dihedral: Function, HashArena: Function, FINGERPRINT_VERSION: number, CROP_QUERY_COUNT: number }} lib built product modules
 * @param {{ saveBatch: Function }} store the HashRepository the photos are saved to
 * @returns {{ photos: object[], clusters: string[][] }} clusters: the planted photo ids, cluster by cluster
 */
export function makePhotoLibrary(size, seed, lib, store) {
  const next = random32(seed);
  const clusterCount = Math.max(1, Math.floor(size / PHOTOS_PER_CLUSTER));
  // Planted members sit at random positions among the background, so ids interleave.
  const slot = new Int32Array(size).fill(-1);
  const order = Uint32Array.from({ length: size }, (_, i) => i);
  for (let k = 0; k < clusterCount * CLUSTER_SIZE; k++) {
    const pick = k + (next() % (size - k));
    [order[k], order[pick]] = [order[pick], order[k]];
    slot[order[k]] = k;
  }
  const planted = [];
  for (let c = 0; c < clusterCount; c++) planted.push(...plantedCluster(c, next, lib));
  const clusters = Array.from({ length: clusterCount }, () => []);
  const photos = new Array(size);
  const batch = [];
  const arena = new lib.HashArena();
  for (let i = 0; i < size; i++) {
    const id = `/library/${String(Math.floor(i / 1000)).padStart(4, '0')}/IMG_${String(i).padStart(7, '0')}.jpg`;
    const k = slot[i];
    const fingerprint = k >= 0 ? planted[k].fingerprint : backgroundFingerprint(next, lib.CROP_QUERY_COUNT);
    if (k >= 0) clusters[Math.floor(k / CLUSTER_SIZE)].push(id);
    const bytes = 2_000_000 + (next() % 8_000_000);
    const photo = {
      source: 'local',
      id,
      path: id,
      changeKey: `${bytes}:${1_700_000_000_000 + i}`,
      meta: { width: fingerprint.width ?? SOURCE_WIDTH, height: fingerprint.height ?? SOURCE_HEIGHT, bytes, format: 'jpeg' },
    };
    const encoded = lib.encodeFingerprint(fingerprint);
    batch.push({ ...photo, fingerprintVersion: lib.FINGERPRINT_VERSION, fingerprint: encoded, checksum: undefined });
    if (batch.length === SAVE_BATCH) store.saveBatch(batch.splice(0), 'bench');
    // What a warm run's hash stage hands to grouping.
    photos[i] = { photo, fingerprint: lib.decodeFingerprint(encoded, { thumbnail: false, arena }), checksum: undefined };
  }
  store.saveBatch(batch, 'bench');
  return { photos, clusters };
}

/** A background photo with `cropCount` crop hashes (as many as the product stores: fewer would make its encoding hashes-only). */
function backgroundFingerprint(next, cropCount) {
  const hi = next();
  const lo = next();
  const variants = [];
  for (let g = 0; g < 8; g++) variants.push((BigInt(variantHalf(g, hi, lo, 0)) << 32n) | BigInt(variantHalf(g, hi, lo, 1)));
  const cropHashes = [];
  for (let c = 0; c < cropCount; c++) {
    let h = hi;
    let l = lo;
    for (let f = 0; f < 10; f++) {
      const bit = next() % 64;
      if (bit < 32) l ^= 1 << bit;
      else h ^= 1 << (bit - 32);
    }
    cropHashes.push((BigInt(h >>> 0) << 32n) | BigInt(l >>> 0));
  }
  const thumbnail = new Uint8Array(SIDE * SIDE);
  for (let p = 0; p < thumbnail.length; p += 4) {
    const r = next();
    thumbnail[p] = r;
    thumbnail[p + 1] = r >>> 8;
    thumbnail[p + 2] = r >>> 16;
    thumbnail[p + 3] = r >>> 24;
  }
  return { variants, cropHashes, thumbnail, width: SOURCE_WIDTH, height: SOURCE_HEIGHT };
}

/** A centre picture and 4 copies, fingerprinted by the product. */
function plantedCluster(c, next, lib) {
  const picture = smoothPicture(next);
  const noise = (amount) => () => ((next() % (2 * amount + 1)) - amount);
  const full = [0, 1, 0, 1];
  const crop = CROPS[c % CROPS.length];
  const transform = 1 + (c % 7);
  const members = [
    render(picture, full, () => 0, (v) => v),
    render(picture, full, noise(4), (v) => v),
    render(picture, full, noise(3), (v) => 20 + 0.85 * v),
    turned(render(picture, full, noise(3), (v) => v), transform, lib),
    render(picture, [crop[0], 1 - crop[1], crop[2], 1 - crop[3]], noise(3), (v) => v),
  ];
  return members.map((input) => ({ fingerprint: lib.computeFingerprint(input) }));
}

/**
 * A random picture with a photograph's kind of spectrum: cosine waves of every low frequency, the
 * amplitude falling as 1/frequency, so no DCT coefficient pHash reads is systematically near zero.
 */
function smoothPicture(next) {
  const gauss = () => Math.sqrt(-2 * Math.log((next() + 1) / 2 ** 32)) * Math.cos((2 * Math.PI * next()) / 2 ** 32);
  const coefficients = new Float64Array(WAVES * WAVES);
  for (let v = 0; v < WAVES; v++) for (let u = 0; u < WAVES; u++) coefficients[v * WAVES + u] = u + v === 0 ? 0 : (gauss() * 40) / (1 + u + v);
  return (x, y) => {
    let value = 128;
    for (let v = 0; v < WAVES; v++) {
      const cy = Math.cos(Math.PI * v * y);
      for (let u = 0; u < WAVES; u++) value += coefficients[v * WAVES + u] * Math.cos(Math.PI * u * x) * cy;
    }
    return value;
  };
}

/** The picture's region [x0, x1] × [y0, y1] as a 32×32 hash input, with noise and a tone curve. */
function render(picture, [x0, x1, y0, y1], noise, tone) {
  const data = new Uint8Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const v = tone(picture(x0 + ((x + 0.5) / SIDE) * (x1 - x0), y0 + ((y + 0.5) / SIDE) * (y1 - y0))) + noise();
      data[y * SIDE + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return { width: SIDE, height: SIDE, data, sourceWidth: Math.round(SOURCE_WIDTH * (x1 - x0)), sourceHeight: Math.round(SOURCE_HEIGHT * (y1 - y0)) };
}

function turned(input, transform, lib) {
  const { data } = lib.dihedral({ width: SIDE, height: SIDE, data: input.data }, transform);
  const swap = transform >= 4;
  return { ...input, data, sourceWidth: swap ? input.sourceHeight : input.sourceWidth, sourceHeight: swap ? input.sourceWidth : input.sourceHeight };
}

/** The 8 symmetries of the 8×8 bit grid (bit 8·row + col), as (row, col) -> (row', col'). */
const SYMMETRIES = [
  (r, c) => [r, c],
  (r, c) => [c, 7 - r],
  (r, c) => [7 - r, 7 - c],
  (r, c) => [7 - c, r],
  (r, c) => [r, 7 - c],
  (r, c) => [7 - r, c],
  (r, c) => [c, r],
  (r, c) => [7 - c, 7 - r],
];

/** VARIANT[((g * 8 + row) * 256 + rowBits) * 2 + half]: where one row's bits land under symmetry g. */
const VARIANT = (() => {
  const table = new Uint32Array(8 * 8 * 256 * 2);
  SYMMETRIES.forEach((map, g) => {
    for (let row = 0; row < 8; row++) {
      for (let bits = 0; bits < 256; bits++) {
        const at = ((g * 8 + row) * 256 + bits) * 2;
        for (let col = 0; col < 8; col++) {
          if (((bits >>> col) & 1) === 0) continue;
          const [r2, c2] = map(row, col);
          const bit = 8 * r2 + c2;
          if (bit >= 32) table[at] |= 1 << (bit - 32);
          else table[at + 1] |= 1 << bit;
        }
      }
    }
  });
  return table;
})();

function variantHalf(g, hi, lo, half) {
  let out = 0;
  for (let row = 0; row < 8; row++) {
    const bits = row < 4 ? (lo >>> (8 * row)) & 255 : (hi >>> (8 * (row - 4))) & 255;
    out |= VARIANT[((g * 8 + row) * 256 + bits) * 2 + half];
  }
  return out >>> 0;
}

/** mulberry32: small, fast, seeded. */
function random32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
