import { describe, expect, it } from 'vitest';
import { AxisSearch, preparedProfileBuffers, type PreparedProfile, type ShapeFit } from '../../src/hashing/axis-overlaps.js';
import { alignCrops, dropSpareBuffers, prepareThumbnail, releasePrepared } from '../../src/hashing/crop-alignment.js';
import { dihedral, TRANSFORMS } from '../../src/hashing/dihedral.js';
import { correlation, meanOf, squaresAbout } from '../../src/hashing/correlation.js';
import { alignedParts } from '../../src/hashing/thumbnail-regions.js';
import { AXIS, axisWeights, CROP_STEP, MAX_CROP_STEPS, resampleColumns, resampleRegion, resampleRows, weightsTable, type AxisWeights } from '../../src/hashing/resample.js';

/**
 * The 1-D resample the axis search makes of a profile in its kernel (assembly/axis-search.ts), in
 * JavaScript: crop `crop` of `weights` (0 for one crop's own weights), written to out[at, at + AXIS).
 * Returns their sum, added in the four lanes of correlation.ts as the kernel adds it: the
 * reference its scores are checked against, bit for bit.
 */
function resampleProfile(profile: Float64Array, weights: AxisWeights, out: Float64Array, at: number, crop = 0): number {
  const { first, near, far } = weights;
  const from = crop * AXIS;
  const lanes = [0, 0, 0, 0];
  for (let o = 0; o < AXIS; o++) {
    const k = from + o;
    const f = first[k] ?? 0;
    const sample = (near[k] ?? 0) * (profile[f] ?? 0) + (far[k] ?? 0) * (profile[f + 1] ?? 0);
    out[at + o] = sample;
    lanes[o % 4] = (lanes[o % 4] ?? 0) + sample;
  }
  const [l0 = 0, l1 = 0, l2 = 0, l3 = 0] = lanes;
  return l0 + l1 + (l2 + l3);
}

/** A profile put into the alignment kernel, ready to be scored under any crop: nothing is resampled yet. */
function prepareProfile(profile: Float64Array): PreparedProfile {
  const into = preparedProfileBuffers();
  into.kernel.float64s().set(profile, into.at / Float64Array.BYTES_PER_ELEMENT);
  into.kernel.exports.resetProfile(into.at);
  return into;
}

/** mulberry32, so every run sees the same vectors. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const vector = (next: () => number, length: number) => Float64Array.from({ length }, () => Math.round(next() * 8000));

/** Mean of the step function `source` over [from, to), the definition an area resample must meet. */
function areaMean(source: Float64Array, from: number, to: number): number {
  let total = 0;
  for (let k = Math.floor(from); k < Math.ceil(to); k++) total += (Math.min(to, k + 1) - Math.max(from, k)) * (source[k] ?? 0);
  return total / (to - from);
}

describe('resampleProfile', () => {
  it('averages each output sample over its share of the cropped interval, for every crop an alignment tries', () => {
    const profile = vector(random(1), AXIS);
    const out = new Float64Array(AXIS);
    for (let start = 0; start <= 12; start++) {
      for (let end = 0; start + end <= 16 && end <= 12; end++) {
        const sum = resampleProfile(profile, axisWeights(start, end), out, 0);
        const lo = start * CROP_STEP * AXIS;
        const step = ((1 - end * CROP_STEP) * AXIS - lo) / AXIS;
        out.forEach((sample, o) => expect(sample).toBeCloseTo(areaMean(profile, lo + o * step, lo + (o + 1) * step), 9));
        expect(sum / AXIS).toBe(meanOf(out));
      }
    }
  });

  it('reads crop c of a weights table as that crop on its own', () => {
    const profile = vector(random(5), AXIS);
    const crops = [axisWeights(0, 7), axisWeights(5, 5), axisWeights(12, 0)];
    const table = weightsTable(crops);
    crops.forEach((crop, c) => {
      const alone = new Float64Array(AXIS);
      const fromTable = new Float64Array(AXIS);
      expect(resampleProfile(profile, table, fromTable, 0, c)).toBe(resampleProfile(profile, crop, alone, 0));
      expect(fromTable).toEqual(alone);
    });
  });

  it('resamples a raster row by row in the columns pass and column by column in the rows pass', () => {
    const raster = vector(random(6), AXIS * AXIS);
    const x = axisWeights(3, 9);
    const y = axisWeights(10, 2);
    const columns = resampleColumns(raster, x);
    const region = resampleRows(columns, y);
    const expected = new Float64Array(AXIS);
    for (let line = 0; line < AXIS; line++) {
      resampleProfile(raster.subarray(line * AXIS, (line + 1) * AXIS), x, expected, 0);
      expect(columns.subarray(line * AXIS, (line + 1) * AXIS)).toEqual(expected);
      resampleProfile(Float64Array.from({ length: AXIS }, (_, k) => columns[k * AXIS + line] ?? 0), y, expected, 0);
      expect(Float64Array.from({ length: AXIS }, (_, o) => region[o * AXIS + line] ?? 0)).toEqual(expected);
    }
    expect(resampleRegion(raster, x, y)).toEqual(region);
  });

  it('leaves an uncut axis as it is, in one region pass or two', () => {
    const raster = vector(random(2), AXIS * AXIS);
    expect(resampleRegion(raster, axisWeights(0, 0), axisWeights(0, 0))).toEqual(raster);
    // The pass an uncut axis skips would give back the very same numbers.
    const [cut, uncut] = [axisWeights(6, 0), axisWeights(0, 0)];
    expect(resampleRegion(raster, cut, uncut)).toEqual(resampleRows(resampleColumns(raster, cut), uncut));
    expect(resampleRegion(raster, uncut, cut)).toEqual(resampleRows(resampleColumns(raster, uncut), cut));
    const [out, columns] = [new Float64Array(AXIS * AXIS), new Float64Array(AXIS * AXIS)];
    expect(resampleRegion(raster, cut, axisWeights(2, 3), out, columns)).toBe(out);
    expect(out).toEqual(resampleRows(resampleColumns(raster, cut), axisWeights(2, 3)));
  });

  it('refuses a crop that would extend the axis', () => {
    expect(() => axisWeights(-1, 0)).toThrow(RangeError);
  });
});

describe('correlation', () => {
  it('is Pearson’s r, and 0 for a flat vector', () => {
    const a = [1, 2, 3, 4];
    expect(correlation(a, [2, 4, 6, 8])).toBeCloseTo(1, 12);
    expect(correlation(a, [8, 6, 4, 2])).toBeCloseTo(-1, 12);
    expect(correlation(a, [5, 5, 5, 5])).toBe(0);
  });

  it('sums in four lanes whatever the length, a tail of one to three terms included', () => {
    const next = random(9);
    for (const length of [5, 6, 7, 1024, 1987]) {
      const a = vector(next, length);
      const b = vector(next, length);
      const mean = (v: Float64Array) => v.reduce((sum, value) => sum + value, 0) / length;
      const [meanA, meanB] = [mean(a), mean(b)];
      let product = 0;
      let squaresA = 0;
      let squaresB = 0;
      a.forEach((value, i) => {
        product += (value - meanA) * ((b[i] ?? 0) - meanB);
        squaresA += (value - meanA) ** 2;
        squaresB += ((b[i] ?? 0) - meanB) ** 2;
      });
      expect(meanOf(a)).toBeCloseTo(meanA, 9);
      expect(correlation(a, b)).toBeCloseTo(product / Math.sqrt(squaresA * squaresB), 12);
    }
  });

  it('is the number the alignment kernel gives for two regions of two thumbnails, bit for bit, with the regions themselves', () => {
    const next = random(3);
    const crop = () => Array.from({ length: 4 }, () => Math.floor(next() * (MAX_CROP_STEPS + 1))) as [number, number, number, number];
    for (let trial = 0; trial < 100; trial++) {
      const [first, second] = [Uint8Array.from({ length: AXIS * AXIS }, () => Math.floor(next() * 256)), Uint8Array.from({ length: AXIS * AXIS }, () => Math.floor(next() * 256))];
      const [cropA, cropB] = [crop(), crop()];
      const [sideA, sideB] = [prepareThumbnail(first).regions, prepareThumbnail(second).regions];
      const parts = alignedParts(sideA, sideA.of(...cropA), sideB, sideB.of(...cropB));
      const region = (raster: Uint8Array, [left, right, top, bottom]: number[]) => resampleRegion(raster, axisWeights(left ?? 0, right ?? 0), axisWeights(top ?? 0, bottom ?? 0));
      const [expectedA, expectedB] = [region(first, cropA), region(second, cropB)];
      expect(parts.a).toEqual(expectedA);
      expect(parts.b).toEqual(expectedB);
      expect(parts.correlation).toBe(correlation(expectedA, expectedB));
      const mean = meanOf(expectedA);
      expect(sideA.of(...cropA)).toMatchObject({ mean, squares: squaresAbout(expectedA, mean) });
    }
  });
});

/** The overlaps of two profiles along one axis, as crop alignment asks for them. */
const bestOverlaps = (a: Float64Array, b: Float64Array) => new AxisSearch().start(prepareProfile(a), prepareProfile(b)).best();

/** A smooth random profile: a few cosine waves, as the row or column sums of a photo are. */
function smoothProfile(next: () => number): Float64Array {
  const waves = Array.from({ length: 4 }, (_, k) => ({ amplitude: 2000 * next() / (k + 1), frequency: (k + 1) * (0.5 + next()), phase: 6 * next() }));
  return Float64Array.from({ length: AXIS }, (_, x) => 8000 + waves.reduce((sum, w) => sum + w.amplitude * Math.cos((w.frequency * Math.PI * x) / AXIS + w.phase), 0));
}

/** Every overlap scored, the way the search scores each one: [start, end, score], positive steps cutting a, negative b. */
function everyOverlap(a: Float64Array, b: Float64Array): [number, number, number][] {
  const scores: [number, number, number][] = [];
  for (let start = -MAX_CROP_STEPS; start <= MAX_CROP_STEPS; start++) {
    for (let end = -MAX_CROP_STEPS; end <= MAX_CROP_STEPS; end++) {
      const [partA, partB] = [new Float64Array(AXIS), new Float64Array(AXIS)];
      resampleProfile(a, axisWeights(Math.max(0, start), Math.max(0, end)), partA, 0);
      resampleProfile(b, axisWeights(Math.max(0, -start), Math.max(0, -end)), partB, 0);
      scores.push([start, end, correlation(partA, partB)]);
    }
  }
  return scores;
}

describe('AxisSearch', () => {
  it('finds the crop that made one profile from the other, first', () => {
    const a = vector(random(4), AXIS);
    const b = new Float64Array(AXIS);
    resampleProfile(a, axisWeights(4, 0), b, 0);
    const [best] = bestOverlaps(a, b);
    expect(best).toMatchObject({ aStart: 4, aEnd: 0, bStart: 0, bEnd: 0 });
    expect(best?.score).toBeCloseTo(1, 12);
  });

  it('scores every overlap it offers, a crop cutting both ends included, bit for bit as the correlation of the two resampled profiles', () => {
    const a = vector(random(5), AXIS);
    const b = new Float64Array(AXIS);
    resampleProfile(a, axisWeights(3, 5), b, 0);
    const overlaps = bestOverlaps(a, b);
    expect(overlaps[0]).toMatchObject({ aStart: 3, aEnd: 5, bStart: 0, bEnd: 0 });
    for (const { aStart, aEnd, bStart, bEnd, score } of overlaps) {
      const [partA, partB] = [new Float64Array(AXIS), new Float64Array(AXIS)];
      resampleProfile(a, axisWeights(aStart, aEnd), partA, 0);
      resampleProfile(b, axisWeights(bStart, bEnd), partB, 0);
      expect(score).toBe(correlation(partA, partB));
    }
  });

  it('reaches the best overlap of all on smooth profiles from its lattices, cuts off them too, or one within a hair of it', () => {
    const next = random(11);
    let exact = 0;
    let oddFound = 0;
    const trials = 200;
    for (let trial = 0; trial < trials; trial++) {
      const source = smoothProfile(next);
      // Cuts of 0-20 steps at each end of one side, most of them odd (off every lattice).
      const [start, end] = [Math.floor(next() * 21), Math.floor(next() * 21)];
      const cropped = new Float64Array(AXIS);
      resampleProfile(source, axisWeights(start, end), cropped, 0);
      const [a, b] = trial % 2 === 0 ? [source, cropped] : [cropped, source];
      const exhaustive = everyOverlap(a, b).reduce((best, overlap) => (overlap[2] > best[2] ? overlap : best));
      const [found] = bestOverlaps(a, b);
      if (!found) throw new Error('no overlap offered');
      const [foundStart, foundEnd] = [found.aStart - found.bStart, found.aEnd - found.bEnd];
      // A ridge (more cut at one end, less at the other) can hold a second peak the climb stops on: a hair lower.
      expect(found.score).toBeGreaterThan(exhaustive[2] - 0.002);
      if (foundStart === exhaustive[0] && foundEnd === exhaustive[1]) {
        exact++;
        if (start % 2 === 1 || end % 2 === 1) oddFound++;
      }
    }
    expect(exact).toBeGreaterThanOrEqual(0.98 * trials);
    expect(oddFound).toBeGreaterThan(0.6 * trials);
  });

  it('settles equal scores in trial order and always offers "no crop"', () => {
    // Black: every crop resamples to exact zeros (a flat grey would leave rounding noise to rank).
    const black = new Float64Array(AXIS);
    const overlaps = bestOverlaps(black, black).map(({ aStart, aEnd, bStart, bEnd, score }) => [aStart, aEnd, bStart, bEnd, score]);
    // Every score is 0; the first trials, cutting 25 % off both ends of b (start −20, end −20 … −17), come first.
    expect(overlaps).toEqual([
      [0, 0, 20, 20, 0],
      [0, 0, 20, 19, 0],
      [0, 0, 20, 18, 0],
      [0, 0, 20, 17, 0],
      [0, 0, 0, 0, 0],
    ]);
  });

  it('offers the best overlap whose shape fits, climbed to its peak among those that fit', () => {
    const next = random(12);
    const a = smoothProfile(next);
    const b = new Float64Array(AXIS);
    resampleProfile(a, axisWeights(7, 0), b, 0);
    const search = new AxisSearch().start(prepareProfile(a), prepareProfile(b));
    search.best();
    // Only overlaps keeping a between 0.95 and 1.0 of b's share: the true cut (7 steps, 0.91) does not fit.
    const shape: ShapeFit = { axis: 'x', logAspects: 0, otherLogRatio: Math.log(0.95) / 2, tolerance: -Math.log(0.95) / 2 };
    // The kernel's test, as alignCrops states it: |logAspects + x's ratio − y's| ≤ tolerance, this axis as x.
    const fits = (logRatio: number) => Math.abs(shape.logAspects + logRatio - shape.otherLogRatio) <= shape.tolerance;
    const found = search.bestWhere(shape);
    const fitting = everyOverlap(a, b).filter(([start, end]) => {
      const keptA = 80 - Math.max(0, start) - Math.max(0, end);
      const keptB = 80 - Math.max(0, -start) - Math.max(0, -end);
      return fits(Math.log(keptA / keptB));
    });
    const exhaustive = fitting.reduce((best, overlap) => (overlap[2] > best[2] ? overlap : best));
    expect(found && [found.aStart - found.bStart, found.aEnd - found.bEnd, found.score]).toEqual(exhaustive);
  });
});

describe('alignCrops on prepared thumbnails', () => {
  /** A smooth picture with some noise, cut by [left, right, top, bottom] crop steps and resampled to 32×32. */
  const picture = (seed: number, [left, right, top, bottom]: number[]) => {
    const next = random(seed);
    const waves = Array.from({ length: 6 }, () => [next() * 4, next() * 4, next() * 60]);
    const full = Float64Array.from({ length: AXIS * AXIS }, (_, k) =>
      waves.reduce((value, [u = 0, v = 0, amplitude = 0]) => value + amplitude * Math.cos((u * (k % AXIS)) / 8 + (v * Math.floor(k / AXIS)) / 8), 128) + next() * 6,
    );
    const cut = resampleRegion(full, axisWeights(left ?? 0, right ?? 0), axisWeights(top ?? 0, bottom ?? 0));
    return Uint8Array.from(cut, (value) => Math.max(0, Math.min(255, Math.round(value))));
  };

  it('keeps a raw thumbnail prepared while the next alignment brings the same one, with the answers of thumbnails prepared on their own', () => {
    const [first, other] = [picture(9, [0, 0, 0, 0]), picture(10, [0, 0, 0, 0])];
    const others = [picture(9, [5, 0, 3, 0]), picture(9, [0, 7, 0, 2]), picture(9, [2, 2, 2, 2])];
    const answers = (a: Uint8Array | ReturnType<typeof prepareThumbnail>, b: Uint8Array | ReturnType<typeof prepareThumbnail>) =>
      alignCrops(a, b, 4 / 3, 4 / 3).map((candidate) => {
        const parts = candidate.parts();
        return { x: candidate.x, y: candidate.y, correlation: parts.correlation, a: Array.from(parts.a), b: Array.from(parts.b) };
      });
    // The same `first` object against each b in turn (kept prepared), then another raster on that side;
    // against what thumbnails prepared on their own give (no scratch involved).
    const kept = [...others.map((b) => answers(first, b)), ...others.map((b) => answers(other, b))];
    const own = [...others.map((b) => answers(prepareThumbnail(first), prepareThumbnail(b))), ...others.map((b) => answers(prepareThumbnail(other), prepareThumbnail(b)))];
    expect(kept).toEqual(own);
  });

  it('gives bit for bit the raw thumbnails’ candidates, with one preparation serving every pair', () => {
    const rasters = [picture(7, [0, 0, 0, 0]), picture(7, [4, 4, 4, 4]), picture(7, [6, 0, 0, 0]), picture(8, [0, 0, 2, 0])];
    const prepared = rasters.map((raster) => prepareThumbnail(raster));
    for (let i = 0; i < rasters.length; i++) {
      for (let j = 0; j < rasters.length; j++) {
        if (i === j) continue;
        const raw = alignCrops(rasters[i] as Uint8Array, rasters[j] as Uint8Array, 4 / 3, 4 / 3);
        const ready = alignCrops(prepared[i] as ReturnType<typeof prepareThumbnail>, prepared[j] as ReturnType<typeof prepareThumbnail>, 4 / 3, 4 / 3);
        expect(ready.map(({ x, y, impliedByShape }) => ({ x, y, impliedByShape }))).toEqual(raw.map(({ x, y, impliedByShape }) => ({ x, y, impliedByShape })));
        ready.forEach((candidate, k) => {
          const [mine, theirs] = [candidate.parts(), (raw[k] as (typeof raw)[number]).parts()];
          expect(mine.correlation).toBe(theirs.correlation);
          expect(mine.a).toEqual(theirs.a);
          expect(mine.b).toEqual(theirs.b);
        });
      }
    }
  });

  it('turns a thumbnail it prepares as dihedral turns it, each of the 8 ways, for the same candidates and parts', () => {
    const raster = picture(11, [3, 0, 0, 2]);
    const other = picture(11, [0, 0, 0, 0]);
    for (let transform = 0; transform < TRANSFORMS; transform++) {
      const turned = dihedral({ width: AXIS, height: AXIS, data: raster }, transform).data;
      const answers = (prepared: ReturnType<typeof prepareThumbnail>) =>
        alignCrops(prepareThumbnail(other), prepared, 4 / 3, 4 / 3).map((candidate) => {
          const parts = candidate.parts();
          return { x: candidate.x, y: candidate.y, correlation: parts.correlation, b: Array.from(parts.b) };
        });
      expect(answers(prepareThumbnail(raster, { transform }))).toEqual(answers(prepareThumbnail(turned)));
    }
  });

  it('aligns as before once a grouping has dropped the kernel, and lets go of thumbnails prepared in the old one', () => {
    const [first, second] = [picture(7, [0, 0, 0, 0]), picture(7, [4, 0, 0, 0])];
    const correlations = () => alignCrops(first, second, 4 / 3, 4 / 3).map((candidate) => candidate.parts().correlation);
    const before = correlations();
    const old = prepareThumbnail(first);
    dropSpareBuffers();
    releasePrepared(old);
    expect(correlations()).toEqual(before);
    const prepared = alignCrops(prepareThumbnail(first), prepareThumbnail(second), 4 / 3, 4 / 3).map((candidate) => candidate.parts().correlation);
    expect(prepared).toEqual(before);
  });
});
