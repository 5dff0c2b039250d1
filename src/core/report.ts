/** The JSON report, schema `photo-organizer/report@1`. Every report format is made from this value. */

import type { SkippedPhoto, SourceKind } from './photo.js';

export const REPORT_SCHEMA = 'photo-organizer/report@1';

/** exact: byte-identical; near: the same picture re-encoded or lightly edited; similar: bursts, retakes. */
export type GroupKind = 'exact' | 'near' | 'similar';

export interface ReportItem {
  id: string;
  path: string;
  /** Hamming distance to the best photo of the group on the default hash. */
  distance: number;
  width: number;
  height: number;
  bytes: number;
  format: string;
  takenAt?: string;
  camera?: string;
  isReference?: boolean;
  /** The Immich user owning the asset (with `--include-partners` / `--include-shared-albums`). */
  owner?: string;
  ownerName?: string;
  /** Another user's photo (a partner's, or from a shared album): compared, never changed. */
  notMine?: boolean;
  siblings?: string[];
  /** Every item but the best: why it was not kept, in words, e.g. "a crop: shows less of the scene than another copy". */
  notKeptBecause?: string;
}

/** Who found a group: our perceptual hashes, Immich's own machine-learning duplicate detection, or both. */
export type GroupFinder = 'phash' | 'immich-ml';

export interface ReportGroup {
  id: string;
  kind: GroupKind;
  /** Always present; `["phash", "immich-ml"]` when both found it (`--with-immich-duplicates`). */
  found_by: GroupFinder[];
  best: string;
  /** The evidence that decided, in words, e.g. "the other is a crop of this one" or "higher resolution (4032x3024 vs 2016x1512)". */
  bestReason: string;
  /** Bytes freed by removing every item but the best. */
  reclaimableBytes: number;
  items: ReportItem[];
}

export type ActionType = 'tag' | 'untag' | 'album' | 'favorite' | 'stack' | 'copy' | 'review' | 'metadata' | 'inherit' | 'archive' | 'trash';
/** `not kept`: the server answered a write as done, but reading its state back does not show the change. */
export type ActionStatus = 'done' | 'planned' | 'failed' | 'unchanged' | 'not kept';

export interface ReportAction {
  type: ActionType;
  target: string;
  count: number;
  status: ActionStatus;
  error?: string;
  /** For `archive` and `trash`: the bytes of the photos concerned. */
  bytes?: number;
}

export interface ReportStats {
  photos: number;
  hashed: number;
  reused: number;
  skipped: number;
  failed: number;
  /** Files met that are not photos (videos, sidecars, documents): not in `photos`, not in `skipped`. */
  ignored: number;
  groups: number;
  grouped: number;
  seconds: number;
  /** Hashed, then left out by `--taken-after` / `--taken-before`. */
  outOfScope?: number;
}

export interface HashSettings {
  hash: string;
  bits: number;
  threshold: number;
  similarThreshold?: number;
}

/** With `--load-hashes`: which photos of the reference libraries have a match in this run's source. */
export interface ReportReferences {
  loaded: number;
  /** Paths of reference photos that share a group with a photo of this run. */
  matched: string[];
  /** Paths of reference photos with no match: e.g. local photos not yet in Immich. */
  unmatched: string[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  runId: string;
  source: SourceKind;
  dryRun: boolean;
  /** For Immich runs: the web UI base, so reports can link to assets. Never holds credentials. */
  serverUrl?: string;
  settings: HashSettings;
  groups: ReportGroup[];
  skipped: SkippedPhoto[];
  actions: ReportAction[];
  stats: ReportStats;
  references?: ReportReferences;
}
