/**
 * The pixel check of many candidate pairs on two threads. The index hands grouping its candidates
 * all at once, and checking them is the largest part of grouping after the join (about 12,000 pairs
 * at 0.1-0.7 ms each in a million-photo library), while the join's second core sits idle.
 *
 * The main thread and one worker (confirm-worker.ts) take pairs in small batches from a shared
 * counter (shared-batches.ts). Every answer is confirmCandidate's, whichever thread gave it, so the
 * result does not depend on the split.
 */

import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { confirmCandidate } from '../hashing/confirm-match.js';
import type { Fingerprint } from '../hashing/fingerprint-types.js';
import { packFingerprints, type PackedFingerprints } from './packed-fingerprints.js';
import { BUILT } from './index/wasm-kernel.js';
import { sharedControl, takeBatches, waitForWorker } from './shared-batches.js';

/** Below this many pairs a worker costs more to start (~50 ms) than it saves. */
const PARALLEL_FROM = 400;
/** Pairs taken at a time: a few milliseconds of work, few enough that both threads end together. */
export const CONFIRM_BATCH = 16;
const WORKER_FILE = new URL('grouping/confirm-worker.js', BUILT);

/** What the confirm worker is started with. */
export interface ConfirmWorkerData {
  fingerprints: PackedFingerprints;
  /** Pair k is fingerprints pairs[2k] and pairs[2k + 1]. */
  pairs: Uint32Array;
  threshold: number;
  /** 1 = confirmed, 0 = not, per pair (written by whichever thread checked it). */
  answers: Uint8Array;
  /** The shared counter and the worker's progress (shared-batches.ts). */
  control: Int32Array;
  port: MessagePort;
}

export type FingerprintPair = readonly [Fingerprint, Fingerprint];

/** confirmCandidate(a, b, threshold) for every pair, in order. */
export function confirmPairs(pairs: readonly FingerprintPair[], threshold: number): boolean[] {
  if (pairs.length < PARALLEL_FROM || availableParallelism() < 2) return pairs.map(([a, b]) => confirmCandidate(a, b, threshold));
  const { fingerprints, indices } = distinctFingerprints(pairs);
  const answers = new Uint8Array(new SharedArrayBuffer(pairs.length));
  const control = sharedControl();
  const { port1, port2 } = new MessageChannel();
  const data: ConfirmWorkerData = { fingerprints: packFingerprints(fingerprints), pairs: indices, threshold, answers, control, port: port2 };
  const worker = new Worker(WORKER_FILE, { workerData: data, transferList: [port2] });
  // A worker that fails before it takes a pair costs nothing (this thread takes them all); one that
  // fails while checking says so through the control array, which the wait below reads.
  worker.on('error', () => undefined);
  try {
    const doneHere = takeBatches(control, answers.length, CONFIRM_BATCH, (from, to) => {
      for (let k = from; k < to; k++) answers[k] = confirmCandidate(...(pairs[k] as FingerprintPair), threshold) ? 1 : 0;
    });
    // Every pair is claimed now, and the rest by the worker: wait for those.
    waitForWorker(control, pairs.length - doneHere, port1, 'confirmation');
    return Array.from(answers, (answer) => answer === 1);
  } finally {
    port1.close();
    void worker.terminate();
  }
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
