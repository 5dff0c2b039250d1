/**
 * The second thread of the pixel check (see parallel-confirm.ts): takes batches of pairs from the
 * shared counter, checks them and writes the answers, until none is left. Started with a
 * `ConfirmWorkerData`.
 */

import { workerData } from 'node:worker_threads';
import { confirmCandidate } from '../hashing/confirm-match.js';
import type { Fingerprint } from '../hashing/fingerprint-types.js';
import { unpackFingerprint } from './packed-fingerprints.js';
import { checkClaimedPairs, ConfirmControl, type ConfirmWorkerData } from './parallel-confirm.js';

const { fingerprints, pairs, threshold, answers, control, port } = workerData as ConfirmWorkerData;
const unpacked: (Fingerprint | undefined)[] = [];
const fingerprint = (k: number) => (unpacked[k] ??= unpackFingerprint(fingerprints, k));

try {
  checkClaimedPairs(control, answers, (k) => confirmCandidate(fingerprint(pairs[2 * k] as number), fingerprint(pairs[2 * k + 1] as number), threshold), (count) => {
    Atomics.add(control, ConfirmControl.workerDone, count);
    Atomics.notify(control, ConfirmControl.workerDone);
  });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  Atomics.store(control, ConfirmControl.failed, 1);
  Atomics.notify(control, ConfirmControl.workerDone);
}
