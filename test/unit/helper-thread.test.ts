/**
 * Grouping's helper thread: the pixel check and the best-photo choice of one grouping share it (it
 * has compiled the alignment code by the time the best photo needs it), each split answers as one
 * thread alone would, and grouping stops it when it ends.
 */

import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Contestant } from '../../src/grouping/best-photo.js';
import { groupPhotos } from '../../src/grouping/group-engine.js';
import { chooseBest, choiceIn } from '../../src/grouping/parallel-best.js';
import { confirmPairs, type FingerprintPair } from '../../src/grouping/parallel-confirm.js';
import { helperThreadId, stopHelperThread } from '../../src/grouping/shared-batches.js';
import { confirmCandidate } from '../../src/hashing/confirm-match.js';
import type { Fingerprint } from '../../src/hashing/fingerprint-types.js';
import type { HashedPhoto } from '../../src/hashing/hash-stage.js';
import { DEFAULT_THRESHOLD } from '../../src/hashing/fingerprint.js';
import { contestant } from '../helpers/contestants.js';

const photos = path.resolve(import.meta.dirname, '../../sample/camera');

/** Four copies of a sample photo: as it is, cut on the left, re-saved at quality 50, brightened. */
async function copies(name: string): Promise<Contestant[]> {
  const file = path.join(photos, name);
  const { width = 0, height = 0 } = await sharp(file).metadata();
  const original = await sharp(file).resize(400).jpeg({ quality: 90 }).toBuffer();
  const cut = Math.round(width * 0.1);
  return Promise.all([
    contestant(`/a/${name}`, original),
    contestant(`/b/${name}-crop`, await sharp(file).extract({ left: cut, top: 0, width: width - cut, height }).resize(400).jpeg({ quality: 95 }).toBuffer()),
    contestant(`/c/${name}-q50`, await sharp(file).resize(480).jpeg({ quality: 50 }).toBuffer()),
    contestant(`/d/${name}-bright`, await sharp(original).modulate({ brightness: 1.3 }).jpeg({ quality: 98 }).toBuffer()),
  ]);
}

afterEach(() => stopHelperThread());

describe('grouping helper thread', () => {
  it('serves the pixel check and then the best-photo choice, each answering as one thread would', async () => {
    const distinct = await Promise.all(['moose.jpg', 'trees-above.jpg', 'yellow-flower.jpg'].map(copies));
    const fingerprintsOf = (group: readonly Contestant[]) => group.map((member) => member.fingerprint as Fingerprint);
    // Every pair within each group, and across two groups (not copies), repeated past the two-thread threshold.
    const distinctPairs: FingerprintPair[] = distinct.flatMap((group, g) => {
      const mine = fingerprintsOf(group);
      const theirs = fingerprintsOf(distinct[(g + 1) % distinct.length] as Contestant[]);
      return mine.flatMap((a, i) => [...mine.slice(i + 1).map((b) => [a, b] as const), [a, theirs[i] as Fingerprint] as const]);
    });
    const pairs = Array.from({ length: 600 }, (_, k) => distinctPairs[k % distinctPairs.length] as FingerprintPair);
    const answers = confirmPairs(pairs, DEFAULT_THRESHOLD);
    expect(answers).toEqual(pairs.map(([a, b]) => confirmCandidate(a, b, DEFAULT_THRESHOLD)));
    // Copies confirmed, other photos not: the answers are not all alike.
    expect(answers.slice(0, distinctPairs.length)).toContain(true);
    expect(answers.slice(0, distinctPairs.length)).toContain(false);
    const helper = helperThreadId();
    expect(helper).toBeDefined();

    const groups = Array.from({ length: 90 }, (_, g) => distinct[g % distinct.length] as Contestant[]);
    expect(chooseBest(groups.length, (g) => groups[g] as Contestant[])).toEqual(groups.map((group) => choiceIn(group)));
    expect(helperThreadId()).toBe(helper);
  });

  it('is not started for rules that line no photos up: they are judged on this thread', async () => {
    const distinct = await Promise.all(['moose.jpg', 'trees-above.jpg'].map(copies));
    const groups = Array.from({ length: 90 }, (_, g) => distinct[g % distinct.length] as Contestant[]);
    const rules = ['metadata', 'colour', 'detail', 'compression', 'resolution', 'bytes'] as const;
    stopHelperThread();
    expect(chooseBest(groups.length, (g) => groups[g] as Contestant[], rules)).toEqual(groups.map((group) => choiceIn(group, rules)));
    expect(helperThreadId()).toBeUndefined();
    // The same groups with a rule that lines them up take the helper.
    expect(chooseBest(groups.length, (g) => groups[g] as Contestant[], ['field-of-view', ...rules])).toEqual(groups.map((group) => choiceIn(group, ['field-of-view', ...rules])));
    expect(helperThreadId()).toBeDefined();
  });

  it('is stopped when grouping ends', async () => {
    const group = await copies('moose.jpg');
    const hashed = group.map((member): HashedPhoto => ({ photo: member.photo, fingerprint: member.fingerprint as Fingerprint, checksum: undefined }));
    // 4 copies, each repeated under 15 ids: over 400 candidate pairs, enough for the pixel check to take the helper.
    const library = Array.from({ length: 60 }, (_, k) => {
      const base = hashed[k % hashed.length] as HashedPhoto;
      const id = `/p/${String(k).padStart(4, '0')}-${base.photo.id}`;
      return { ...base, photo: { ...base.photo, id, path: id } };
    });
    let helperDuringCheck: number | undefined;
    const groups = groupPhotos(library, {
      threshold: DEFAULT_THRESHOLD,
      confirmAll: (candidates, threshold) => {
        const answers = confirmPairs(candidates.map(([a, b]) => [a.fingerprint, b.fingerprint] as const), threshold);
        helperDuringCheck = helperThreadId();
        return answers;
      },
    });
    expect(groups.length).toBeGreaterThan(0);
    expect(helperDuringCheck).toBeDefined();
    expect(helperThreadId()).toBeUndefined();
  });
});
