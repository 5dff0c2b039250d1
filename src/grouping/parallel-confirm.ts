/**
 * The pixel check of many candidate pairs on two threads. The index hands grouping its candidates
 * all at once, and checking them is the largest part of grouping after the join (about 12,000 pairs
 * at 0.1-0.7 ms each in a million-photo library), while the join's second core sits idle.
 *
 * The main thread and one worker (confirm-worker.ts) take pairs in small batches from a shared
 * counter until none is left, so neither waits for the other unless it is the last batch; a worker
 * that is slow to start simply gets fewer. Every answer is confirmCandidate's, whichever thread gave
 * it, so the result does not depend on the split. The call stays synchronous (Atomics.wait), like the
 * pair join.
 */

import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { confirmCandidate } from '../hashing/confirm-match.js';
import type { Fingerprint } from '../hashing/fingerprint-types.js';
import { packFingerprints, type PackedFingerprints } from './packed-fingerprints.js';
import { BUILT } from './index/wasm-kernel.js';

/** Below this many pairs a worker costs more to start (~50 ms) than it saves. */
const PARALLEL_FROM = 400;
/** Pairs taken at a time: a few milliseconds of work, few enough that both threads end together. */
const BATCH = 16;
const WORKER_FILE = new URL('grouping/confirm-worker.js', BUILT);
/** A batch takes milliseconds: a worker silent this long with pairs still out has died. */
const WORKER_SILENT_MS = 30_000;

/** Slots of the control array shared with the worker: the next unclaimed pair, pairs the worker finished, failure. */
export const ConfirmControl = { next: 0, workerDone: 1, failed: 2 } as const;

/** What the confirm worker is started with. */
export interface ConfirmWorkerData {
  fingerprints: PackedFingerprints;
  /** Pair k is fingerprints pairs[2k] and pairs[2k + 1]. */
  pairs: Uint32Array;
  threshold: number;
  /** 1 = confirmed, 0 = not, per pair (written by whichever thread checked it). */
  answers: Uint8Array;
  control: Int32Array;
  port: MessagePort;
}

export type FingerprintPair = readonly [Fingerprint, Fingerprint];

/** confirmCandidate(a, b, threshold) for every pair, in order. */
export function confirmPairs(pairs: readonly FingerprintPair[], threshold: number): boolean[] {
  if (pairs.length < PARALLEL_FROM || availableParallelism() < 2) return pairs.map(([a, b]) => confirmCandidate(a, b, threshold));
  const { fingerprints, indices } = distinctFingerprints(pairs);
  const answers = new Uint8Array(new SharedArrayBuffer(pairs.length));
  const control = new Int32Array(new SharedArrayBuffer(4 * Object.keys(ConfirmControl).length));
  const { port1, port2 } = new MessageChannel();
  const data: ConfirmWorkerData = { fingerprints: packFingerprints(fingerprints), pairs: indices, threshold, answers, control, port: port2 };
  const worker = new Worker(WORKER_FILE, { workerData: data, transferList: [port2] });
  // A worker that fails before it takes a pair costs nothing (this thread takes them all); one that
  // fails while checking says so through the control array, which the wait below reads.
  worker.on('error', () => undefined);
  try {
    const doneHere = checkClaimedPairs(control, answers, (k) => confirmCandidate(...(pairs[k] as FingerprintPair), threshold));
    // Every pair is claimed now, and the rest by the worker: wait for those.
    const theirs = pairs.length - doneHere;
    let heard = Date.now();
    for (let done = Atomics.load(control, ConfirmControl.workerDone); done < theirs; ) {
      if (Atomics.load(control, ConfirmControl.failed) !== 0) {
        const message = receiveMessageOnPort(port1)?.message as { error: string } | undefined;
        throw new Error(`the confirmation worker failed: ${message?.error ?? 'no answer'}`);
      }
      if (Date.now() - heard > WORKER_SILENT_MS) throw new Error('the confirmation worker stopped answering');
      Atomics.wait(control, ConfirmControl.workerDone, done, 1000);
      const now = Atomics.load(control, ConfirmControl.workerDone);
      if (now > done) heard = Date.now();
      done = now;
    }
    return Array.from(answers, (answer) => answer === 1);
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/**
 * Takes batches of pairs from the shared counter until none is left, writing `check`'s answer for
 * each; `onBatch` hears how many each batch held. Returns how many pairs this thread checked.
 */
export function checkClaimedPairs(control: Int32Array, answers: Uint8Array, check: (pair: number) => boolean, onBatch?: (count: number) => void): number {
  let checked = 0;
  for (let from = Atomics.add(control, ConfirmControl.next, BATCH); from < answers.length; from = Atomics.add(control, ConfirmControl.next, BATCH)) {
    const to = Math.min(from + BATCH, answers.length);
    for (let k = from; k < to; k++) answers[k] = check(k) ? 1 : 0;
    checked += to - from;
    onBatch?.(to - from);
  }
  return checked;
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
