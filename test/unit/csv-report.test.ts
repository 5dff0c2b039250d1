import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA, type Report, type ReportGroup } from '../../src/core/report.js';
import { renderCsvReport } from '../../src/report/csv-report.js';

/** A strict RFC 4180 reader, written independently of the writer so the test can catch it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let fields: string[] = [];
  let i = 0;
  while (i < text.length) {
    let value = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new Error('unterminated quoted field');
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
    } else {
      const end = text.slice(i).search(/,|\r\n/);
      value = end < 0 ? text.slice(i) : text.slice(i, i + end);
      if (/["\r\n]/.test(value)) throw new Error(`bare quote or line break in unquoted field: ${value}`);
      i += value.length;
    }
    fields.push(value);
    if (text[i] === ',') {
      i++;
    } else if (text.startsWith('\r\n', i)) {
      rows.push(fields);
      fields = [];
      i += 2;
    } else {
      throw new Error(`expected , or CRLF at ${i}`);
    }
  }
  if (fields.length > 0) throw new Error('last row not ended by CRLF');
  return rows;
}

const HOSTILE = [
  'a,b.jpg',
  'say "cheese".jpg',
  'line\nbreak.jpg',
  'carriage\rreturn.jpg',
  'both\r\n,"all".jpg',
  '<img src=x onerror=alert(1)>.jpg',
  '=HYPERLINK("http://x").jpg',
  'ünïcödé 写真.jpg',
];

function group(id: string, names: string[], kind: ReportGroup['kind'] = 'near'): ReportGroup {
  const items = names.map((name, n) => ({
    id: `/photos/${id}/${name}`,
    path: `/photos/${id}/${name}`,
    distance: n,
    width: 4000 - n,
    height: 3000,
    bytes: 1_000_000 + n,
    format: 'jpeg',
    ...(n === 0 ? { takenAt: '2024-05-01T12:30:00.000Z' } : {}),
  }));
  const best = items[0]?.id ?? '';
  return { id, kind, found_by: ['phash'], best, bestReason: 'higher resolution', reclaimableBytes: 1, items };
}

function report(groups: ReportGroup[]): Report {
  return {
    schema: REPORT_SCHEMA,
    runId: 'run-1',
    source: 'local',
    dryRun: true,
    settings: { hash: 'blockhash', bits: 64, threshold: 5 },
    groups,
    skipped: [],
    actions: [],
    stats: { photos: 0, hashed: 0, reused: 0, skipped: 0, failed: 0, ignored: 0, groups: 0, grouped: 0, seconds: 0 },
  };
}

const HEADER = ['group_id', 'kind', 'best', 'id', 'path', 'bytes', 'width', 'height', 'distance', 'format', 'taken_at', 'found_by', 'owner'];

describe('renderCsvReport', () => {
  it('writes only the header, CRLF-ended, for a report without groups', () => {
    expect(renderCsvReport(report([]))).toBe(HEADER.join(',') + '\r\n');
  });

  it('writes one row per item and round-trips hostile names', () => {
    const groups = [group('group-0001', HOSTILE.slice(0, 3), 'exact'), group('group-0002', HOSTILE.slice(3))];
    const csv = renderCsvReport(report(groups));
    const rows = parseCsv(csv);

    expect(rows[0]).toEqual(HEADER);
    expect(rows).toHaveLength(1 + HOSTILE.length);
    for (const r of rows) expect(r).toHaveLength(HEADER.length);

    const paths = rows.slice(1).map((r) => r[4]);
    expect(paths).toEqual(HOSTILE.map((name, n) => `/photos/group-000${n < 3 ? 1 : 2}/${name}`));
    expect(rows.slice(1).map((r) => r[0])).toEqual([
      ...Array<string>(3).fill('group-0001'),
      ...Array<string>(5).fill('group-0002'),
    ]);
  });

  it('quotes exactly the fields that need it and doubles quotes', () => {
    const csv = renderCsvReport(report([group('g', ['say "cheese".jpg', 'a,b.jpg', 'plain.jpg'])]));
    const lines = csv.split('\r\n');
    expect(lines[1]).toBe(
      'g,near,true,"/photos/g/say ""cheese"".jpg","/photos/g/say ""cheese"".jpg",1000000,4000,3000,0,jpeg,2024-05-01T12:30:00.000Z,phash,',
    );
    expect(lines[2]).toBe('g,near,false,"/photos/g/a,b.jpg","/photos/g/a,b.jpg",1000001,3999,3000,1,jpeg,,phash,');
    expect(lines[3]).toBe('g,near,false,/photos/g/plain.jpg,/photos/g/plain.jpg,1000002,3998,3000,2,jpeg,,phash,');
    expect(lines[4]).toBe('');
    expect(lines).toHaveLength(5);
  });

  it('marks exactly one best row per group', () => {
    const csv = renderCsvReport(report([group('g1', ['a.jpg', 'b.jpg']), group('g2', ['c.jpg', 'd.jpg', 'e.jpg'])]));
    const rows = parseCsv(csv).slice(1);
    expect(rows.filter((r) => r[2] === 'true').map((r) => r[0])).toEqual(['g1', 'g2']);
    expect(rows.filter((r) => r[2] === 'false')).toHaveLength(3);
  });
});
