/**
 * The output folder is the only place a run writes photos: no name (an Immich-style
 * `originalFileName` like `../../x.jpg`, an absolute path, control characters) leads outside it,
 * a planted link does not either, and nothing already there is ever overwritten.
 */

import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyIntoOutput } from '../../src/actions/local-output.js';
import { planLocalOutput, safeFileName } from '../../src/actions/plan.js';
import type { PhotoGroup } from '../../src/grouping/group-engine.js';
import type { HashedPhoto } from '../../src/hashing/hash-stage.js';
import { writeFigures } from '../helpers/figures.js';
import { mulberry32 } from '../helpers/random.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

const HOSTILE = [
  '../../x.jpg', '../../../../../../etc/cron.d/evil', '/etc/passwd', '/abs/path/photo.jpg', '..\\..\\windows.jpg', 'C:\\Users\\x\\photo.jpg',
  '..', '.', '', '/', '....', '.hidden.jpg', 'a/../../b.jpg', 'line\nbreak.jpg', 'nul\u0000byte.jpg', 'esc\u001b[31mred.jpg', 'del\u007f.jpg',
  'trailing/', 'group-0002/../../x.jpg', '\u202Egpj.exe',
];

/** Seeded names from an alphabet of separators, dots and control characters. */
function randomNames(count: number): string[] {
  const random = mulberry32(777);
  const alphabet = ['/', '\\', '.', '..', '\n', '\r', '\u0000', '\t', 'a', 'b', 'é', ' ', '~', '-', '\u001f', 'jpg'];
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
}

/** Every file and link under `dir`, with its bytes (or link target), to compare before and after. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isSymbolicLink()) files.set(full, `link`);
    else if (entry.isFile()) files.set(full, readFileSync(full).toString('base64'));
  }
  return files;
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

describe('output folder safety', () => {
  it('safeFileName turns every hostile or random name into one plain, visible name inside the folder', () => {
    const names = [...HOSTILE, ...randomNames(5000)];
    const folder = '/out/group-0001';
    const bad = names.filter((name) => {
      const safe = safeFileName(name);
      return safe === '' || safe === '.' || safe === '..' || /[/\\]/.test(safe) || [...safe].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f') || safe.startsWith('.') || !isInside(folder, path.join(folder, safe));
    });
    expect(bad).toEqual([]);
    writeFigures('output-safety-names', { command: 'npx vitest run test/fault/output-safety.test.ts', tried: names.length, escaped: bad.length });
  });

  it('copies groups of Immich-style hostile names only into the output folder, and touches nothing outside it', async () => {
    const root = tempDir();
    const originals = path.join(root, 'originals');
    const out = path.join(root, 'sandbox', 'out');
    mkdirSync(originals);
    mkdirSync(out, { recursive: true });
    // Files an escape would hit: next to the output folder, above it, and the victim of a planted link.
    writeFileSync(path.join(root, 'sandbox', 'x.jpg'), 'keep me');
    writeFileSync(path.join(root, 'x.jpg'), 'keep me too');
    const photos = HOSTILE.map((name, index) => {
      const id = path.join(originals, `original-${index}.jpg`);
      writeFileSync(id, `photo ${index}`);
      return { source: 'immich' as const, id, path: name, changeKey: 'k', meta: { width: 1, height: 1, bytes: 8, format: 'jpeg' as const } };
    });
    const members = photos.map((photo) => ({ photo, checksum: undefined, fingerprint: undefined as unknown as HashedPhoto['fingerprint'] }));
    const groups: PhotoGroup[] = [{ id: 'group-0001', kind: 'exact', best: members[0] as HashedPhoto, bestReason: 'first', members, distances: members.map(() => 0), setAsideBecause: members.map(() => undefined), foundBy: ['phash'] }];
    const before = snapshot(root);

    const plan = planLocalOutput(groups, { outputDir: out, includeSimilar: false });
    const outcomes = [];
    for (const step of plan.steps) outcomes.push(await copyIntoOutput(step));
    expect(outcomes.every((outcome) => outcome.status === 'done')).toBe(true);

    const after = snapshot(root);
    const added = [...after.keys()].filter((file) => !before.has(file));
    expect(added).toHaveLength(HOSTILE.length);
    expect(added.some((file) => path.basename(file) === 'best-x.jpg')).toBe(true);
    expect(added.filter((file) => !isInside(out, file))).toEqual([]);
    for (const [file, bytes] of before) expect(after.get(file), file).toBe(bytes);
  });

  it('refuses a name with a separator at the copy step itself, and does not write through a planted link', async () => {
    const root = tempDir();
    const out = path.join(root, 'out');
    const elsewhere = path.join(root, 'elsewhere');
    mkdirSync(out);
    mkdirSync(elsewhere);
    const from = path.join(root, 'photo.jpg');
    writeFileSync(from, 'photo bytes');
    for (const name of ['../escape.jpg', '/tmp/abs.jpg', '..', 'a\\..\\b.jpg']) {
      const outcome = await copyIntoOutput({ type: 'copy', group: 'group-0001', from, folder: path.join(out, 'group-0001'), name });
      expect(outcome, name).toEqual({ status: 'failed', error: expect.stringMatching(/unsafe file name/) as unknown });
    }
    expect(readdirSync(root).sort()).toEqual(['elsewhere', 'out', 'photo.jpg']);

    symlinkSync(elsewhere, path.join(out, 'group-0002'));
    const linked = await copyIntoOutput({ type: 'copy', group: 'group-0002', from, folder: path.join(out, 'group-0002'), name: 'photo.jpg' });
    expect(linked).toEqual({ status: 'failed', error: expect.stringMatching(/symbolic link/) as unknown });
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('never overwrites: an existing file, a link to a file outside, and a dangling link all stay as they were', async () => {
    const root = tempDir();
    const folder = path.join(root, 'out', 'group-0001');
    mkdirSync(folder, { recursive: true });
    const from = path.join(root, 'photo.jpg');
    writeFileSync(from, 'new photo bytes');
    const victim = path.join(root, 'victim.jpg');
    writeFileSync(victim, 'victim bytes');
    writeFileSync(path.join(folder, 'taken.jpg'), 'someone else');
    symlinkSync(victim, path.join(folder, 'linked.jpg'));
    symlinkSync(path.join(root, 'nowhere.jpg'), path.join(folder, 'dangling.jpg'));

    const results = [];
    for (const name of ['taken.jpg', 'linked.jpg', 'dangling.jpg']) results.push(await copyIntoOutput({ type: 'copy', group: 'group-0001', from, folder, name }));
    expect(results).toEqual([
      { status: 'done', path: path.join(folder, 'taken (2).jpg') },
      { status: 'done', path: path.join(folder, 'linked (2).jpg') },
      { status: 'done', path: path.join(folder, 'dangling (2).jpg') },
    ]);
    expect(readFileSync(path.join(folder, 'taken.jpg'), 'utf8')).toBe('someone else');
    expect(readFileSync(victim, 'utf8')).toBe('victim bytes');
    expect(lstatSync(path.join(folder, 'dangling.jpg')).isSymbolicLink()).toBe(true);
    expect(readdirSync(root).sort()).toEqual(['out', 'photo.jpg', 'victim.jpg']);
    for (const result of results) if (result.status === 'done') expect(readFileSync(result.path, 'utf8')).toBe('new photo bytes');
  });
});
