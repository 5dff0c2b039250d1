/**
 * The data the contact sheet's script renders from: groups in display order with their display
 * strings ready-made. It is embedded as JSON, never as markup, so photo names stay data.
 */

import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GroupKind, Report, ReportGroup, ReportItem } from '../../core/report.js';
import { baseName, displayDate, humanBytes, resolution } from './format.js';

export const KIND_HELP: Record<GroupKind, string> = {
  exact: 'Exact: byte-identical files, the same file stored more than once.',
  near: 'Near: the same picture re-encoded, resized or lightly edited.',
  similar: 'Similar: different shots of the same moment, such as bursts and retakes.',
};

export interface PageLink {
  href: string;
  label: string;
}

export interface PageItem {
  id: string;
  name: string;
  path: string;
  best: boolean;
  reference: boolean;
  /** Another user's photo (partner, shared album): whose, '' for the user's own. */
  otherOwner: string;
  resolution: string;
  size: string;
  date: string;
  camera: string;
  format: string;
  distance: number;
  siblings: string[];
  /** Why this photo was not kept ('' for the best). */
  notKept: string;
  /** Index into the thumbnail list, -1 for none. */
  thumb: number;
  link?: PageLink;
}

export interface PageGroup {
  id: string;
  kind: GroupKind;
  kindHelp: string;
  /** "Immich's duplicate detection" and/or our hashes, '' when only ours (the usual case). */
  foundBy: string;
  bestReason: string;
  reclaimable: string;
  items: PageItem[];
}

export interface PageData {
  groups: PageGroup[];
}

/** Most space to win first; ties by size of group, then id, so the order is stable. */
export function displayOrder(groups: readonly ReportGroup[]): ReportGroup[] {
  return [...groups].sort(
    (a, b) => b.reclaimableBytes - a.reclaimableBytes || b.items.length - a.items.length || a.id.localeCompare(b.id),
  );
}

/** The Immich web UI base, if it is a plain http(s) URL; anything else gets no links. */
function immichBase(report: Report): string | undefined {
  if (report.source !== 'immich' || !report.serverUrl) return undefined;
  try {
    const url = new URL(report.serverUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.href.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

function linkFor(report: Report, item: ReportItem, immich: string | undefined): PageLink | undefined {
  if (immich !== undefined) return { href: `${immich}/photos/${encodeURIComponent(item.id)}`, label: 'Open in Immich' };
  if (report.source === 'local' && isAbsolute(item.path)) {
    return { href: pathToFileURL(item.path).href, label: 'Open file' };
  }
  return undefined;
}

function pageItem(
  report: Report,
  group: ReportGroup,
  item: ReportItem,
  immich: string | undefined,
  thumbIndex: ReadonlyMap<string, number>,
): PageItem {
  const link = linkFor(report, item, immich);
  return {
    id: item.id,
    name: baseName(item.path),
    path: item.path,
    best: item.id === group.best,
    reference: item.isReference === true,
    otherOwner: item.notMine ? (item.ownerName ?? item.owner ?? 'another user') : '',
    resolution: resolution(item.width, item.height),
    size: humanBytes(item.bytes),
    date: displayDate(item.takenAt),
    camera: item.camera ?? '',
    format: item.format,
    distance: item.distance,
    siblings: (item.siblings ?? []).map(baseName),
    notKept: item.notKeptBecause ?? '',
    thumb: thumbIndex.get(item.id) ?? -1,
    ...(link ? { link } : {}),
  };
}

/** Best photo first, the rest as the report listed them. */
function bestFirst(group: ReportGroup): ReportItem[] {
  return [...group.items].sort((a, b) => Number(b.id === group.best) - Number(a.id === group.best));
}

export function buildPageData(report: Report, thumbIndex: ReadonlyMap<string, number>): PageData {
  const immich = immichBase(report);
  return {
    groups: displayOrder(report.groups).map((group) => ({
      id: group.id,
      kind: group.kind,
      kindHelp: KIND_HELP[group.kind] ?? group.kind,
      foundBy: group.found_by.includes('immich-ml') ? (group.found_by.includes('phash') ? 'found by photo-organizer and Immich' : 'found by Immich only') : '',
      bestReason: group.bestReason,
      reclaimable: humanBytes(group.reclaimableBytes),
      items: bestFirst(group).map((item) => pageItem(report, group, item, immich, thumbIndex)),
    })),
  };
}

/**
 * JSON safe inside a <script type="application/json"> block: `<` is escaped so no name can
 * close the block ("</script>") or open a comment ("<!--").
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
