/** Turning the run's groups, account and actions into the report value (schema report@1). */

import type { SourceKind } from '../core/photo.js';
import { REPORT_SCHEMA, type HashSettings, type Report, type ReportAction, type ReportGroup, type ReportItem, type ReportReferences } from '../core/report.js';
import type { RunAccount } from '../core/run-account.js';
import type { PhotoGroup } from '../grouping/group-engine.js';
import type { HashedPhoto } from '../hashing/hash-stage.js';

export interface ReportInput {
  runId: string;
  source: SourceKind;
  dryRun: boolean;
  serverUrl?: string;
  settings: HashSettings;
  groups: readonly PhotoGroup[];
  account: RunAccount;
  actions: readonly ReportAction[];
  /** Reference photos loaded from other libraries, if any. */
  references?: readonly HashedPhoto[];
  seconds: number;
}

export function buildReport(input: ReportInput): Report {
  const groups = input.groups.map(toReportGroup);
  const report: Report = {
    schema: REPORT_SCHEMA,
    runId: input.runId,
    source: input.source,
    dryRun: input.dryRun,
    settings: input.settings,
    groups,
    skipped: [...input.account.skipped, ...input.account.failed.map((item) => ({ ...item, reason: `failed: ${item.reason}` }))],
    actions: [...input.actions],
    stats: {
      photos: input.account.photos,
      hashed: input.account.hashed,
      reused: input.account.reused,
      skipped: input.account.skipped.length,
      failed: input.account.failed.length,
      ignored: input.account.ignored.length,
      groups: groups.length,
      grouped: groups.reduce((sum, group) => sum + group.items.length, 0),
      seconds: Math.round(input.seconds * 1000) / 1000,
      ...(input.account.outOfScope > 0 ? { outOfScope: input.account.outOfScope } : {}),
    },
  };
  if (input.serverUrl) report.serverUrl = input.serverUrl;
  if (input.references && input.references.length > 0) report.references = referenceMatches(input.references, input.groups);
  return report;
}

/** A reference photo is matched when its group also holds a photo of this run. */
function referenceMatches(references: readonly HashedPhoto[], groups: readonly PhotoGroup[]): ReportReferences {
  const matchedIds = new Set<string>();
  for (const group of groups) {
    if (!group.members.some((member) => !member.photo.isReference)) continue;
    for (const member of group.members) if (member.photo.isReference) matchedIds.add(member.photo.id);
  }
  const matched: string[] = [];
  const unmatched: string[] = [];
  for (const reference of references) (matchedIds.has(reference.photo.id) ? matched : unmatched).push(reference.photo.path);
  return { loaded: references.length, matched: matched.sort(), unmatched: unmatched.sort() };
}

function toReportGroup(group: PhotoGroup): ReportGroup {
  const items = group.members.map((member, index): ReportItem => {
    const { photo } = member;
    const item: ReportItem = {
      id: photo.id,
      path: photo.path,
      distance: group.distances[index] ?? 0,
      width: photo.meta.width,
      height: photo.meta.height,
      bytes: photo.meta.bytes,
      format: photo.meta.format,
    };
    if (photo.meta.takenAt) item.takenAt = photo.meta.takenAt;
    if (photo.meta.camera) item.camera = photo.meta.camera;
    if (photo.isReference) item.isReference = true;
    if (photo.owner) {
      item.owner = photo.owner.id;
      if (photo.owner.name !== undefined) item.ownerName = photo.owner.name;
      if (!photo.owner.mine) item.notMine = true;
    }
    if (photo.siblings) item.siblings = photo.siblings;
    const notKept = group.setAsideBecause[index];
    if (notKept) item.notKeptBecause = notKept;
    return item;
  });
  return {
    id: group.id,
    kind: group.kind,
    found_by: [...group.foundBy],
    best: group.best.photo.id,
    bestReason: bestReasonOf(group),
    reclaimableBytes: items.slice(1).reduce((sum, item) => sum + (item.isReference || item.notMine ? 0 : item.bytes), 0),
    items,
  };
}

/** When the best photo is another user's, the reason says so: nothing of the user's is "best", and none of it goes because of that photo. */
function bestReasonOf(group: PhotoGroup): string {
  const owner = group.best.photo.owner;
  if (owner === undefined || owner.mine) return group.bestReason;
  const whose = owner.name !== undefined && owner.name !== '' ? `${owner.name}'s` : "another user's";
  const how = owner.via === 'shared-album' ? 'in an album shared with you' : 'shared by a partner';
  return `${group.bestReason}; the best photo is ${whose} (${how}): it is never changed, and none of your photos in this group is archived, trashed or marked favorite because of it`;
}
