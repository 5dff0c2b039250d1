/**
 * The pixel check of many candidate pairs on two threads. The index hands grouping its candidates
 * all at once, and checking them is the largest part of grouping after the join (about 12,000 pairs
 * at 0.1-0.7 ms each in a million-photo library), while the join's second core sits idle.
 *
 * The main thread and grouping's helper thread take pairs in small batches from a shared counter
 * (shared-batches.ts). Every answer is confirmCandidate's, whichever thread gave it, so the
 * result does not depend on the split.
 */

import { availableParallelism } from 'node:os';
import { confirmCandidate } from '../hashing/confirm-match.js';
import type { Fingerprint } from '../hashing/fingerprint-types.js';
import { packFingerprints, unpackFingerprint, type PackedFingerprints } from './packed-fingerprints.js';
import { reportDone, splitWithHelper, takeBatches, type SharedBatches } from './shared-batches.js';

/** Below this many pairs the helper costs more to start (~50 ms) than it saves. */
const PARALLEL_FROM = 400;
/** Pairs taken at a time: a few milliseconds of work, few enough that both threads end together. */
const CONFIRM_BATCH = 16;

/** What the helper thread gets for its side of the check. */
export interface ConfirmHelperData extends SharedBatches {
  fingerprints: PackedFingerprints;
  /** Pair k is fingerprints pairs[2k] and pairs[2k + 1]. */
  pairs: Uint32Array;
  threshold: number;
  /** 1 = confirmed, 0 = not, per pair (written by whichever thread checked it). */
  answers: Uint8Array;
}

export type FingerprintPair = readonly [Fingerprint, Fingerprint];

/** confirmCandidate(a, b, threshold) for every pair, in order. */
export function confirmPairs(pairs: readonly FingerprintPair[], threshold: number): boolean[] {
  if (pairs.length < PARALLEL_FROM || availableParallelism() < 2) return pairs.map(([a, b]) => confirmCandidate(a, b, threshold));
  const { fingerprints, indices } = distinctFingerprints(pairs);
  const answers = new Uint8Array(new SharedArrayBuffer(pairs.length));
  const data = { fingerprints: packFingerprints(fingerprints), pairs: indices, threshold, answers };
  splitWithHelper<ConfirmHelperData>('confirm', data, { count: pairs.length, batch: CONFIRM_BATCH }, (from, to) => {
    for (let k = from; k < to; k++) answers[k] = confirmCandidate(...(pairs[k] as FingerprintPair), threshold) ? 1 : 0;
  });
  return Array.from(answers, (answer) => answer === 1);
}

/** The helper thread's side of confirmPairs: the same check, on fingerprints unpacked as their pairs come. */
export function confirmInHelper({ fingerprints, pairs, threshold, answers, control }: ConfirmHelperData): void {
  const unpacked: (Fingerprint | undefined)[] = [];
  const fingerprint = (k: number) => (unpacked[k] ??= unpackFingerprint(fingerprints, k));
  takeBatches(control, answers.length, CONFIRM_BATCH, (from, to) => {
    for (let k = from; k < to; k++) answers[k] = confirmCandidate(fingerprint(pairs[2 * k] as number), fingerprint(pairs[2 * k + 1] as number), threshold) ? 1 : 0;
    reportDone(control, to - from);
  });
}

/** Each fingerprint once (a photo is often in several pairs), and the pairs as indices into them. */
function distinctFingerprints(pairs: readonly FingerprintPair[]): { fingerprints: Fingerprint[]; indices: Uint32Array } {
  const index = new Map<Fingerprint, number>();
  const fingerprints: Fingerprint[] = [];
  const indexOf = (fingerprint: Fingerprint) => {
    let k = index.get(fingerprint);
    if (k === undefined) {
      k = fingerprints.push(fingerprint) - 1;
      index.set(fingerprint, k);
    }
    return k;
  };
  const indices = new Uint32Array(new SharedArrayBuffer(8 * Math.max(1, pairs.length)));
  pairs.forEach(([a, b], k) => indices.set([indexOf(a), indexOf(b)], 2 * k));
  return { fingerprints, indices };
}
