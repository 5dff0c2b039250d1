/** What a person reads on stdout: the groups, one block each. */

import { formatBytes } from '../core/format-bytes.js';
import type { Report } from '../core/report.js';

export function formatGroups(report: Report): string {
  if (report.groups.length === 0) return 'No duplicates found.\n';
  const lines: string[] = [];
  for (const group of report.groups) {
    const finders = group.found_by.includes('immich-ml') ? `  (found by ${group.found_by.join(' and ')})` : '';
    lines.push(`${group.id}  ${group.kind.padEnd(7)} ${group.items.length} photos  best: ${group.bestReason}${finders}`);
    for (const item of group.items) {
      const marker = item.id === group.best ? '*' : ' ';
      const reference = item.isReference ? '  [reference]' : '';
      const owner = item.notMine ? `  [${item.ownerName ?? item.owner ?? 'another user'}'s]` : '';
      lines.push(`  ${marker} ${item.path}  ${item.width}x${item.height}  ${formatBytes(item.bytes)}  d=${item.distance}${reference}${owner}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
