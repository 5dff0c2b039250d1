/**
 * Where the photo itself is inside an image that adds bars around it: a letterbox or pillarbox (a
 * photo fitted into a story canvas), a plain frame, the status and navigation bars of a phone
 * screenshot. Found on the 64×64 grey raster the hash stage decodes anyway, line by line from each
 * edge: a bar line is flat (most of its cells at one level, so a clock or a few outlined icons in a
 * screenshot's bars do not break it) and keeps the level of the lines before it, allowing two
 * changes of level (a screenshot's grey bar, a blended line, then the black around the photo).
 *
 * A photo's own uniform band (a clear sky, a dark night sky, a plain backdrop) must not be taken for
 * a bar. Bars are accepted in pairs only, on opposite edges and of the same outer level, and only
 * when filled with pure black or white (nearly every cell of the line: a dark sky has noise and
 * stars) as wide on both edges, since framing is centred: where one side's fill is longer, the
 * photo's own dark edge continued it. The one exception is a screenshot's narrow grey system bars.
 * The line of the photo each bar blends into (a cell averages several pixels) is cut as well: the
 * content is then the photo cut by a cell or so, which the crop-aware confirmation explains.
 */

import type { GreyRaster } from '../thumbnails/hash-input.js';

/** The photo's cells in the raster: columns [left, right) and rows [top, bottom). */
export interface ContentBox {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** A line is flat when this share of its cells is within FLAT_TOLERANCE grey levels of its median. */
const FLAT_SHARE = 0.75;
const FLAT_TOLERANCE = 8;
/** A bar's lines stay within this many levels of the first line of their level. */
const LEVEL_TOLERANCE = 10;
/**
 * Levels one bar may have: a screenshot's grey system bar, the line that blends it into the black
 * around the photo, that black.
 */
const MAX_LEVELS = 3;
/** Bars on the two opposite edges start at levels this close (a frame and a letterbox are one colour). */
const OPPOSITE_LEVELS_AGREE = 16;
/** A bar is at least this many lines (a 6 % frame is 2-4 cells; one flat line is often just the photo). */
const MIN_BAR_LINES = 2;
/** What is left must keep this share of each axis (a panorama letterboxed into a story keeps 15 %): a uniform picture is not all bars. */
const MIN_KEPT_SHARE = 0.12;
/**
 * A line with all but PURE_SHARE of its cells this close to black (or white) is a bar's fill; a dark
 * part of a photo (a night sky, a black backdrop) has some detail or noise in most of its lines.
 */
const PURE_LEVEL = 10;
const PURE_SHARE = 0.97;
/** System bars: grey levels strictly between these, each at most this share of the axis (Android's are 5 % and 9 %, with a line or two of black). */
const GREY_BARS = { darkest: 24, lightest: 232, widest: 0.15 };
/** Lines of the photo cut past each bar: the one the bar's edge blends into. */
const BLENDED_LINES = 1;

/** The photo's box when bars surround it on two opposite edges (or all four); undefined when none do. */
export function findContentRegion({ side, data }: GreyRaster): ContentBox | undefined {
  const row = (y: number, from: number, to: number) => data.subarray(y * side + from, y * side + to);
  const column = (x: number, from: number, to: number) => {
    const cells = new Uint8Array(to - from);
    for (let y = from; y < to; y++) cells[y - from] = data[y * side + x] ?? 0;
    return cells;
  };
  const vertical = trimmedAxis(side, (y) => row(y, 0, side));
  const [top, bottom] = vertical ?? [0, side];
  const horizontal = trimmedAxis(side, (x) => column(x, top, bottom));
  const [left, right] = horizontal ?? [0, side];
  if (!vertical && !horizontal) return undefined;
  return { left, right, top, bottom };
}

/** The kept interval of one axis, or undefined when it has no pair of bars. */
function trimmedAxis(length: number, line: (at: number) => Uint8Array): [number, number] | undefined {
  const start = barRun(length, (k) => line(k));
  const end = barRun(length, (k) => line(length - 1 - k));
  if (start.lines < MIN_BAR_LINES || end.lines < MIN_BAR_LINES) return undefined;
  if (Math.abs(start.outerLevel - end.outerLevel) > OPPOSITE_LEVELS_AGREE) return undefined;
  // Framing fills its bars with pure black or white (a screenshot's around the photo, inside its
  // grey system bars); a photo's own backdrop seldom is, and is left to the whole-frame hashes.
  if (!start.pure || !end.pure || start.pure.light !== end.pure.light) return systemBars(length, start, end);
  // The fill is as wide on both edges (a letterbox or a frame is centred); where one is longer, the
  // photo's own dark (or light) edge continued it.
  const fill = Math.min(start.pure.lines, end.pure.lines);
  if (fill < MIN_BAR_LINES) return systemBars(length, start, end);
  const startLines = start.pure.from + fill;
  const endLines = end.pure.from + fill;
  const from = startLines + BLENDED_LINES;
  const to = length - endLines - BLENDED_LINES;
  return to - from >= MIN_KEPT_SHARE * length ? [from, to] : undefined;
}

/**
 * A phone screenshot of a tall photo has no fill around it, only the system bars: narrow, flat, of
 * one grey on both edges (neither black nor white, which a photo's own dark or light edges often
 * are). Kept to narrow bars so that a photo's own wide backdrop is left to the whole-frame hashes.
 */
function systemBars(length: number, start: BarRun, end: BarRun): [number, number] | undefined {
  const grey = (run: BarRun) => run.outerLevel > GREY_BARS.darkest && run.outerLevel < GREY_BARS.lightest && run.lines <= GREY_BARS.widest * length;
  if (!grey(start) || !grey(end)) return undefined;
  return [start.lines + BLENDED_LINES, length - end.lines - BLENDED_LINES];
}

interface BarRun {
  /** Lines from the edge that belong to the bar. */
  lines: number;
  /** Median level of the outermost line. */
  outerLevel: number;
  /** The bar's first stretch of pure black or pure white lines, if any (a noisy dark sky may add more): where it starts and how long it is. */
  pure: { from: number; lines: number; light: boolean } | undefined;
}

/** How many lines from an edge (line(0) outermost) form a bar. */
function barRun(length: number, line: (k: number) => Uint8Array): BarRun {
  let levels = 0;
  let levelStart = 0;
  let outerLevel = 0;
  let pure: BarRun['pure'];
  let lines = 0;
  for (; lines < length; lines++) {
    const level = flatLevel(line(lines));
    if (level === undefined) break;
    if (levels === 0) {
      outerLevel = level;
      [levels, levelStart] = [1, level];
    } else if (Math.abs(level - levelStart) > LEVEL_TOLERANCE) {
      if (levels === MAX_LEVELS) break;
      [levels, levelStart] = [levels + 1, level];
    }
    const light = pureFill(line(lines));
    if (light === undefined) continue;
    if (!pure) pure = { from: lines, lines: 1, light };
    else if (pure.light === light && pure.from + pure.lines === lines) pure.lines++;
  }
  return { lines, outerLevel, pure };
}

/** true when the line is a white fill, false when black, undefined when neither. */
function pureFill(cells: Uint8Array): boolean | undefined {
  let dark = 0;
  let light = 0;
  for (const cell of cells) {
    if (cell <= PURE_LEVEL) dark++;
    else if (cell >= 255 - PURE_LEVEL) light++;
  }
  return dark >= PURE_SHARE * cells.length ? false : light >= PURE_SHARE * cells.length ? true : undefined;
}

/** The line's median level when the line is flat, else undefined. */
function flatLevel(cells: Uint8Array): number | undefined {
  const sorted = Uint8Array.from(cells).sort();
  const median = sorted[sorted.length >> 1] ?? 0;
  let near = 0;
  for (const cell of cells) if (Math.abs(cell - median) <= FLAT_TOLERANCE) near++;
  return near >= FLAT_SHARE * cells.length ? median : undefined;
}
