/** Display strings for the HTML report, made once on the server so the page script stays dumb. */

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** Decimal units, like file managers and photo apps show them: 3120000 -> "3.1 MB". */
export function humanBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function resolution(width: number, height: number): string {
  return width > 0 && height > 0 ? `${width} × ${height}` : 'unknown size';
}

/** "2024-05-01T12:30:00.000Z" -> "2024-05-01 12:30:00Z": readable, keeps any zone it had. */
export function displayDate(iso: string | undefined): string {
  if (iso === undefined || iso === '') return '';
  return iso.replace('T', ' ').replace(/\.\d+/, '');
}

/** The last path segment, for either separator: Immich names and Windows paths come through too. */
export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut >= 0 && cut < path.length - 1 ? path.slice(cut + 1) : path;
}
