/**
 * Loads the recorded Immich 3.1.0 exchanges and compares a live response with a recorded one:
 * placeholders (`<asset-1>`, `<tag-3>`, ...) bind to the ids the fake produced on first sight and must
 * match afterwards; `<timestamp>` must be an ISO date; every other value (messages, counts, nextPage,
 * booleans, checksums, sizes) must be equal, and objects must have exactly the same keys.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface RecordedExchange {
  file: string;
  name: string;
  note?: string;
  request: { method: string; path: string; headers: Record<string, string>; body: unknown; bodyIsRawText?: boolean };
  response: { status: number; headers: Record<string, string>; body?: unknown; image?: { contentType: string; bytes: number; width: number; height: number; format: string } };
}

/** Recording order (state carries over between files). */
export const RECORDED_FILES = ['server', 'assets', 'tags', 'albums', 'search', 'stacks', 'duplicates', 'errors'];
const DIR = fileURLToPath(new URL('../../fixtures/immich/recorded/', import.meta.url));

export function loadRecordedExchanges(): RecordedExchange[] {
  return RECORDED_FILES.flatMap((file) => (JSON.parse(readFileSync(`${DIR}${file}.json`, 'utf8')) as Omit<RecordedExchange, 'file'>[]).map((e) => ({ ...e, file })));
}

const ID_PLACEHOLDER = /^<((?:unknown-)?(?:asset|tag|album|stack|user)-\d+)>$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** Values that depend on the image pipeline, not on API behaviour: compared by type only. */
const TYPE_ONLY_KEYS = new Set(['thumbhash']);

export class Placeholders {
  readonly ids = new Map<string, string>();

  /** Replaces `<asset-1>`-style placeholders inside any string of a request. */
  fill<T>(value: T): T {
    if (typeof value === 'string') return value.replace(/<([a-z-]+-\d+)>/g, (whole, name: string) => this.ids.get(name) ?? whole) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.fill(v)) as T;
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.fill(v)])) as T;
    return value;
  }

  private bindOrCheck(name: string, actual: unknown): string | undefined {
    const bound = this.ids.get(name);
    if (bound !== undefined) return bound === actual ? undefined : `expected <${name}> = ${bound}, got ${JSON.stringify(actual)}`;
    if (typeof actual !== 'string' || !UUID_V4.test(actual)) return `expected a v4 uuid for <${name}>, got ${JSON.stringify(actual)}`;
    if ([...this.ids.values()].includes(actual)) return `<${name}> would bind ${actual}, which another placeholder already has`;
    this.ids.set(name, actual);
    return undefined;
  }

  /** Returns the differences (empty = conformant). */
  compare(expected: unknown, actual: unknown, path = '$'): string[] {
    if (typeof expected === 'string') {
      const id = ID_PLACEHOLDER.exec(expected);
      if (id?.[1]) {
        const problem = this.bindOrCheck(id[1], actual);
        return problem ? [`${path}: ${problem}`] : [];
      }
      if (expected === '<timestamp>') return typeof actual === 'string' && ISO.test(actual) ? [] : [`${path}: expected an ISO timestamp, got ${JSON.stringify(actual)}`];
      if (expected.includes('<') && typeof actual === 'string') {
        // Paths such as "<media-location>/upload/<user-1>/be/fb/<file-of-asset-1>.jpg": the literal parts must match.
        const pattern = expected.split(/<[a-z0-9-]+>/i).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+');
        return new RegExp(`^${pattern}$`).test(actual) ? [] : [`${path}: ${JSON.stringify(actual)} does not fit ${JSON.stringify(expected)}`];
      }
      return expected === actual ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    }
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) return [`${path}: expected an array, got ${JSON.stringify(actual)}`];
      if (actual.length !== expected.length) return [`${path}: expected ${expected.length} items, got ${actual.length}`];
      return expected.flatMap((e, i) => this.compare(e, actual[i], `${path}[${i}]`));
    }
    if (expected && typeof expected === 'object') {
      if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
      const e = expected as Record<string, unknown>;
      const a = actual as Record<string, unknown>;
      const missing = Object.keys(e).filter((k) => !(k in a));
      const extra = Object.keys(a).filter((k) => !(k in e));
      const out: string[] = [];
      if (missing.length > 0) out.push(`${path}: missing keys ${missing.join(', ')}`);
      if (extra.length > 0) out.push(`${path}: unexpected keys ${extra.join(', ')}`);
      for (const key of Object.keys(e).filter((k) => k in a)) {
        let expectedValue = e[key];
        let actualValue = a[key];
        if (key === 'originalPath' && typeof expectedValue === 'string') {
          // The two hash directories (".../upload/<user>/be/fb/...") depend on the stored file name.
          expectedValue = expectedValue.replace(/\/[0-9a-f]{2}\/[0-9a-f]{2}\//, '/<dir>/<dir>/');
        }
        if (TYPE_ONLY_KEYS.has(key)) {
          if (typeof expectedValue !== typeof actualValue || (expectedValue === null) !== (actualValue === null)) out.push(`${path}.${key}: type differs`);
          continue;
        }
        if (key === 'assets' && 'primaryAssetId' in e && Array.isArray(expectedValue) && Array.isArray(actualValue)) {
          // A stack lists its primary first; the other members come "in no guaranteed order".
          [expectedValue, actualValue] = this.alignById(expectedValue, actualValue);
        }
        out.push(...this.compare(expectedValue, actualValue, `${path}.${key}`));
      }
      return out;
    }
    return expected === actual ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }

  private alignById(expected: unknown[], actual: unknown[]): [unknown[], unknown[]] {
    const idOf = (item: unknown): string | undefined => (item && typeof item === 'object' ? String((item as Record<string, unknown>).id) : undefined);
    const resolved = expected.map((item) => {
      const m = ID_PLACEHOLDER.exec(idOf(item) ?? '');
      return m?.[1] ? this.ids.get(m[1]) : undefined;
    });
    if (resolved.some((id) => id === undefined)) return [expected, actual];
    const sorted = resolved.map((id) => actual.find((item) => idOf(item) === id) ?? null);
    return [expected, sorted.includes(null) ? actual : sorted];
  }
}
