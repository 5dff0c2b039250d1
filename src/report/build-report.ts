/** Turning the run's groups, account and actions into the report value (schema report@1). */

import type { SourceKind } from '../core/photo.js';
import { REPORT_SCHEMA, type HashSettings, type Report, type ReportAction, type ReportGroup, type ReportItem } from '../core/report.js';
import type { RunAccount } from '../core/run-account.js';
import type { PhotoGroup } from '../grouping/group-engine.js';

export interface ReportInput {
  runId: string;
  source: SourceKind;
  dryRun: boolean;
  serverUrl?: string;
  settings: HashSettings;
  groups: readonly PhotoGroup[];
  account: RunAccount;
  actions: readonly ReportAction[];
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
      groups: groups.length,
      grouped: groups.reduce((sum, group) => sum + group.items.length, 0),
      seconds: Math.round(input.seconds * 1000) / 1000,
    },
  };
  if (input.serverUrl) report.serverUrl = input.serverUrl;
  return report;
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
    if (photo.siblings) item.siblings = photo.siblings;
    return item;
  });
  return {
    id: group.id,
    kind: group.kind,
    best: group.best.photo.id,
    bestReason: group.bestReason,
    reclaimableBytes: items.slice(1).reduce((sum, item) => sum + (item.isReference ? 0 : item.bytes), 0),
    items,
  };
}
