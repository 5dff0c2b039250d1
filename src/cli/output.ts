/** What a person reads on stdout: the groups, one block each. */

import { formatBytes } from '../core/format-bytes.js';
import type { Report } from '../core/report.js';

export function formatGroups(report: Report): string {
  if (report.groups.length === 0) return 'No duplicates found.\n';
  const lines: string[] = [];
  for (const group of report.groups) {
    lines.push(`${group.id}  ${group.kind.padEnd(7)} ${group.items.length} photos  best: ${group.bestReason}`);
    for (const item of group.items) {
      const marker = item.id === group.best ? '*' : ' ';
      const reference = item.isReference ? '  [reference]' : '';
      lines.push(`  ${marker} ${item.path}  ${item.width}x${item.height}  ${formatBytes(item.bytes)}  d=${item.distance}${reference}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
