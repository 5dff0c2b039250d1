/** What a person reads on stdout: the groups, one block each. */

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

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
