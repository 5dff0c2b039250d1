/**
 * Choosing the photo to keep: an ordered, declarative list of rules. Each rule, in turn, sets aside
 * the photos it finds worse than another one still in the running, and the last one left is kept.
 * The first rules read evidence from the group itself (which copy is a crop, a greyscale or
 * re-toned copy, has something added, was re-saved at a low quality: best-evidence.ts), so
 * resolution and file size only decide between copies none of that marks. The report quotes the
 * evidence, for the group and for every photo set aside.
 */

import { formatFromExtension } from '../core/image-format.js';
import type { ImageFormat, Photo } from '../core/photo.js';
import {
  croppedFrom,
  edgesAround,
  framed,
  GroupAlignments,
  greyscaleOf,
  lessDetail,
  localDifference,
  lowerQuality,
  moreClipped,
  placeName,
  tonesDiffer,
  alignedToneMap,
  type Contestant,
  type Evidence,
} from './best-evidence.js';

export type { Contestant } from './best-evidence.js';

export const BEST_PHOTO_RULES = [
  'metadata',
  'field-of-view',
  'colour',
  'tone',
  'added-content',
  'detail',
  'compression',
  'resolution',
  'format',
  'bytes',
  'oldest',
  'path',
] as const;
export type BestPhotoRule = (typeof BEST_PHOTO_RULES)[number];
export const DEFAULT_BEST_PHOTO_RULES: readonly BestPhotoRule[] = BEST_PHOTO_RULES;

/**
 * What each rule reads of a photo besides its metadata: its thumbnail (the rules that line a
 * group's photos up), its look (stored by the hash stage), or neither.
 */
const READS: Record<BestPhotoRule, { thumbnail?: true; look?: true }> = {
  metadata: {},
  'field-of-view': { thumbnail: true },
  colour: { look: true },
  tone: { thumbnail: true, look: true },
  'added-content': { thumbnail: true },
  detail: { look: true },
  compression: {},
  resolution: {},
  format: {},
  bytes: {},
  oldest: {},
  path: {},
};

/** Whether any of `rules` reads the photos' thumbnails, and whether any reads their looks: what grouping must read back for them. */
export function detailsReadBy(rules: readonly BestPhotoRule[] = DEFAULT_BEST_PHOTO_RULES): { thumbnail: boolean; look: boolean } {
  return { thumbnail: rules.some((rule) => READS[rule].thumbnail), look: rules.some((rule) => READS[rule].look) };
}

export interface BestChoice {
  best: Contestant;
  /** Why the best photo won over the last one set aside, e.g. "the other is a crop of this one". */
  reason: string;
  /** Why each other photo was set aside, in words about that photo. */
  setAside: Map<Contestant, string>;
}

/**
 * The photos still running that a rule sets aside, each with its evidence. `group` is every photo of
 * the group, those set aside by earlier rules too: they still witness what the original looked like.
 */
type Rule = (running: readonly Contestant[], alignments: GroupAlignments, group: readonly Contestant[]) => Map<Contestant, Evidence>;

/** Two photos alone: the one with this many times the edges where they differ carries the addition. */
const MORE_EDGES = 1.2;

/** RAW, HEIC and PNG keep more of the picture than JPEG; a unit with a RAW sibling counts as RAW. */
const FORMAT_RANK: Record<ImageFormat | 'unknown', number> = {
  raw: 5, heic: 4, png: 4, tiff: 4, avif: 3, webp: 2, jpeg: 2, gif: 1, unknown: 0,
};

/** Programs that write EXIF Software when they export an edit (camera firmware writes its own version there). */
const EDITORS =
  /gimp|photoshop|lightroom|snapseed|pixelmator|affinity|darktable|rawtherapee|paint\.net|imagemagick|graphicsmagick|picasa|canva|luminar|capture one|acdsee|paintshop|krita|photoscape|fotor|vsco|facetune|befunky|irfanview|xnview|digikam|shotwell|gthumb|photos? editor/i;

const RULES: Record<BestPhotoRule, Rule> = {
  metadata: ranked(
    metadataRank,
    (winner, other) => `camera original (${winner.photo.meta.camera ?? 'camera'}) over ${metadataLabel(other)}`,
    (loser) => metadataLabel(loser),
  ),
  'field-of-view': pairwise(croppedFrom),
  colour: pairwise((loser, other) => greyscaleOf(loser, other)),
  'added-content': addedContent,
  tone,
  detail: pairwise((loser, other) => lessDetail(loser, other)),
  compression: pairwise((loser, other) => lowerQuality(loser, other)),
  resolution: ranked(
    (c) => pixels(c.photo),
    (w, o) => `higher resolution (${size(w)} vs ${size(o)})`,
    (loser, winner) => `lower resolution (${size(loser)} vs ${size(winner)})`,
  ),
  format: ranked(
    (c) => formatRank(c.photo),
    (w, o) => `preferred format (${formatLabel(w.photo)} over ${formatLabel(o.photo)})`,
    (loser, winner) => `format ${formatLabel(loser.photo)} (the kept photo is ${formatLabel(winner.photo)})`,
  ),
  bytes: ranked(
    (c) => c.photo.meta.bytes,
    (w, o) => `larger file (${w.photo.meta.bytes} vs ${o.photo.meta.bytes} bytes)`,
    (loser, winner) => `smaller file (${loser.photo.meta.bytes} vs ${winner.photo.meta.bytes} bytes)`,
  ),
  oldest: ranked(
    (c) => -dateValue(c.photo),
    (w, o) => `older date (${w.photo.meta.takenAt ?? '?'} vs ${o.photo.meta.takenAt ?? 'none'})`,
    (loser) => `later date (${loser.photo.meta.takenAt ?? 'none'})`,
  ),
  path: (running) => {
    const [first, ...rest] = [...running].sort((a, b) => comparePaths(a.photo, b.photo));
    const evidence = { item: 'equal in every rule; later by path', other: 'first by path (all else equal)' };
    return new Map(first ? rest.map((c) => [c, evidence]) : []);
  },
};

export function pickBest(contestants: readonly Contestant[], rules: readonly BestPhotoRule[] = DEFAULT_BEST_PHOTO_RULES): BestChoice {
  if (contestants.length === 0) throw new Error('pickBest needs at least one photo');
  const setAside = new Map<Contestant, string>();
  // Reference photos are always kept.
  let running = [...contestants].sort((a, b) => comparePaths(a.photo, b.photo));
  const references = running.filter((c) => c.photo.isReference);
  let reason = 'only photo';
  if (references.length > 0 && references.length < running.length) {
    for (const c of running) if (!c.photo.isReference) setAside.set(c, 'a reference photo is kept instead');
    running = references;
    reason = 'in a reference folder';
  }
  const alignments = new GroupAlignments();
  try {
    // `path` last makes the choice total and deterministic.
    for (const name of [...rules, 'path' as const]) {
      if (running.length === 1) break;
      const losers = RULES[name](running, alignments, contestants);
      // Evidence that would set every photo aside contradicts itself (each worse than another): no decision.
      if (losers.size === 0 || losers.size === running.length) continue;
      const last = running.find((c) => losers.has(c)) as Contestant;
      for (const [loser, evidence] of losers) setAside.set(loser, evidence.item);
      running = running.filter((c) => !losers.has(c));
      reason = (losers.get(last) as Evidence).other;
    }
  } finally {
    alignments.release();
  }
  return { best: running[0] as Contestant, reason, setAside };
}

/** A rule from a pairwise judgement: a photo is set aside when it is worse than some other one still running. */
function pairwise(worse: (loser: Contestant, other: Contestant, alignments: GroupAlignments) => Evidence | undefined): Rule {
  return (running, alignments) => {
    const losers = new Map<Contestant, Evidence>();
    for (const loser of running) {
      for (const other of running) {
        const evidence = other === loser ? undefined : worse(loser, other, alignments);
        if (evidence) {
          losers.set(loser, { item: evidence.item, other: `the other ${evidence.other}` });
          break;
        }
      }
    }
    return losers;
  };
}

/** A rule from a score: every photo below the highest is set aside. */
function ranked(score: (c: Contestant) => number, explainWin: (winner: Contestant, other: Contestant) => string, explainLoss: (loser: Contestant, winner: Contestant) => string): Rule {
  return (running) => {
    const top = running.reduce((best, c) => (score(c) > score(best) ? c : best));
    const losers = new Map<Contestant, Evidence>();
    for (const c of running) if (score(c) < score(top)) losers.set(c, { item: explainLoss(c, top), other: explainWin(top, c) });
    return losers;
  };
}

/**
 * Added content: a frame around the picture, or a local difference (text, a logo, a caption) that
 * one photo has against most others, or against several others which hardly differ from anything
 * else: the odd one out carries the addition. Two photos alone: the one with more edges where they differ has it (text and
 * logos bring edges; taking them away does not).
 */
function addedContent(running: readonly Contestant[], alignments: GroupAlignments): Map<Contestant, Evidence> {
  const losers = pairwise(framed)(running, alignments, running);
  const others = running.filter((c) => !losers.has(c));
  const differences = new Map(
    others.map((candidate) => {
      const found = others.flatMap((other) => {
        const aligned = other === candidate ? undefined : alignments.of(candidate, other);
        const at = aligned && localDifference(aligned);
        return aligned && at ? [{ other, aligned, at }] : [];
      });
      return [candidate, found] as const;
    }),
  );
  for (const [candidate, found] of differences) {
    const first = found[0];
    if (!first) continue;
    const byMost = found.length >= 2 && found.length > (others.length - 1) / 2;
    const oddOneOut = byMost || (found.length >= 2 && found.every(({ other }) => (differences.get(other)?.length ?? 0) < found.length));
    const { aligned, at } = first;
    const moreEdges = others.length === 2 && edgesAround(aligned.a, at.x, at.y) > MORE_EDGES * edgesAround(aligned.b, at.x, at.y);
    if (!oddOneOut && !moreEdges) continue;
    const place = placeName(at.x, at.y);
    losers.set(candidate, { item: `has added content (text, a logo or a mark) in the ${place}`, other: `the other has added content in the ${place}` });
  }
  return losers;
}

/**
 * Tones: a brightness or contrast edit most of the group does not share (copies made from the
 * original keep its tones, even those set aside for other reasons), then, between the photos left,
 * clipped highlights or shadows the other keeps (two photos alone can only be told apart this way).
 */
function tone(running: readonly Contestant[], alignments: GroupAlignments, group: readonly Contestant[]): Map<Contestant, Evidence> {
  const losers = new Map<Contestant, Evidence>();
  if (group.length >= 3) {
    for (const candidate of running) {
      const differing = group.filter((other) => {
        const aligned = other !== candidate && alignments.of(candidate, other);
        return aligned && tonesDiffer(aligned);
      });
      if (differing.length < 2 || differing.length <= (group.length - 1) / 2) continue;
      const aligned = alignments.of(differing[0] as Contestant, candidate);
      const { gain, offset } = aligned ? alignedToneMap(aligned) : { gain: 1, offset: 0 };
      const brighter = gain * 128 + offset > 128;
      const edit = brighter ? 'brightened' : 'darkened';
      losers.set(candidate, { item: `${edit} or re-contrasted: tones unlike the other copies`, other: `the other is ${edit} (an edited copy)` });
    }
  }
  const left = running.filter((c) => !losers.has(c));
  for (const [loser, evidence] of pairwise(moreClipped)(left, alignments, group)) losers.set(loser, evidence);
  return losers;
}

/** 2: a camera's own file (make or model, no editor named); 1: a camera file an editor saved; 0: neither. */
function metadataRank({ photo }: Contestant): number {
  if (!photo.meta.camera) return 0;
  return editorOf(photo) ? 1 : 2;
}

function editorOf(photo: Photo): string | undefined {
  const software = photo.meta.software;
  return software && EDITORS.test(software) ? software : undefined;
}

function metadataLabel({ photo }: Contestant): string {
  const editor = editorOf(photo);
  if (photo.meta.camera && editor) return `saved by an editor (${editor})`;
  return photo.meta.camera ? `camera metadata (${photo.meta.camera})` : 'no camera metadata';
}

function pixels(photo: Photo): number {
  return photo.meta.width * photo.meta.height;
}

function size({ photo }: Contestant): string {
  return `${photo.meta.width}x${photo.meta.height}`;
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

/** Undated photos sort after dated ones. */
function dateValue(photo: Photo): number {
  const time = photo.meta.takenAt ? Date.parse(photo.meta.takenAt) : Number.NaN;
  return Number.isNaN(time) ? Number.MAX_SAFE_INTEGER : time;
}

function comparePaths(a: Photo, b: Photo): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
