/**
 * Choosing the photo to keep: an ordered, declarative list of rules. The first rule that tells
 * two photos apart decides, and the report quotes it. No sharpness score: it rewards JPEG artefacts.
 */

import type { ImageFormat, Photo } from '../core/photo.js';
import { formatFromExtension } from '../core/image-format.js';

export const BEST_PHOTO_RULES = ['resolution', 'format', 'bytes', 'metadata', 'oldest', 'path'] as const;
export type BestPhotoRule = (typeof BEST_PHOTO_RULES)[number];
export const DEFAULT_BEST_PHOTO_RULES: readonly BestPhotoRule[] = BEST_PHOTO_RULES;

export interface BestChoice {
  best: Photo;
  reason: string;
}

interface RuleDefinition {
  /** Negative when a is better than b. */
  compare: (a: Photo, b: Photo) => number;
  explain: (winner: Photo, other: Photo) => string;
}

/** RAW, HEIC and PNG keep more of the picture than JPEG; a unit with a RAW sibling counts as RAW. */
const FORMAT_RANK: Record<ImageFormat | 'unknown', number> = {
  raw: 5, heic: 4, png: 4, tiff: 4, avif: 3, webp: 2, jpeg: 2, gif: 1, unknown: 0,
};

const RULES: Record<BestPhotoRule, RuleDefinition> = {
  resolution: {
    compare: (a, b) => pixels(b) - pixels(a),
    explain: (w, o) => `higher resolution (${w.meta.width}x${w.meta.height} vs ${o.meta.width}x${o.meta.height})`,
  },
  format: {
    compare: (a, b) => formatRank(b) - formatRank(a),
    explain: (w, o) => `preferred format (${formatLabel(w)} over ${formatLabel(o)})`,
  },
  bytes: {
    compare: (a, b) => b.meta.bytes - a.meta.bytes,
    explain: (w, o) => `larger file (${w.meta.bytes} vs ${o.meta.bytes} bytes)`,
  },
  metadata: {
    compare: (a, b) => richness(b) - richness(a),
    explain: () => 'richer metadata (date and camera)',
  },
  oldest: {
    compare: (a, b) => dateValue(a) - dateValue(b),
    explain: (w, o) => `older date (${w.meta.takenAt ?? '?'} vs ${o.meta.takenAt ?? 'none'})`,
  },
  path: {
    compare: (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    explain: () => 'first by path (all else equal)',
  },
};

export function pickBest(photos: readonly Photo[], rules: readonly BestPhotoRule[] = DEFAULT_BEST_PHOTO_RULES): BestChoice {
  // Reference photos are always kept; `path` last makes the order total, so the choice is deterministic.
  const order: ((a: Photo, b: Photo) => number)[] = [
    (a, b) => Number(Boolean(b.isReference)) - Number(Boolean(a.isReference)),
    ...rules.map((rule) => RULES[rule].compare),
    RULES.path.compare,
  ];
  const compare = (a: Photo, b: Photo) => {
    for (const rule of order) {
      const result = rule(a, b);
      if (result !== 0) return result;
    }
    return 0;
  };
  const sorted = [...photos].sort(compare);
  const best = sorted[0];
  if (!best) throw new Error('pickBest needs at least one photo');
  const runnerUp = sorted[1];
  return { best, reason: runnerUp ? explain(best, runnerUp, rules) : 'only photo' };
}

function explain(best: Photo, runnerUp: Photo, rules: readonly BestPhotoRule[]): string {
  if (best.isReference && !runnerUp.isReference) return 'in a reference folder';
  for (const rule of [...rules, 'path' as const]) {
    if (RULES[rule].compare(best, runnerUp) < 0) return RULES[rule].explain(best, runnerUp);
  }
  return 'identical in every rule';
}

function pixels(photo: Photo): number {
  return photo.meta.width * photo.meta.height;
}

function formatRank(photo: Photo): number {
  let rank = FORMAT_RANK[photo.meta.format];
  for (const sibling of photo.siblings ?? []) rank = Math.max(rank, FORMAT_RANK[formatFromExtension(sibling) ?? 'unknown']);
  return rank;
}

function formatLabel(photo: Photo): string {
  // A Live Photo's video is a sibling too, but no image format.
  const siblingFormats = (photo.siblings ?? []).flatMap((sibling) => formatFromExtension(sibling) ?? []);
  return [photo.meta.format, ...siblingFormats].join('+').toUpperCase();
}

function richness(photo: Photo): number {
  return Number(Boolean(photo.meta.takenAt)) + Number(Boolean(photo.meta.camera));
}

/** Undated photos sort after dated ones. */
function dateValue(photo: Photo): number {
  const time = photo.meta.takenAt ? Date.parse(photo.meta.takenAt) : Number.NaN;
  return Number.isNaN(time) ? Number.MAX_SAFE_INTEGER : time;
}
