/**
 * The second thread of the pixel check (see parallel-confirm.ts): takes batches of pairs from the
 * shared counter (shared-batches.ts), checks them and writes the answers, until none is left.
 * Started with a `ConfirmWorkerData`.
 */

import { workerData } from 'node:worker_threads';
import { confirmCandidate } from '../hashing/confirm-match.js';
import type { Fingerprint } from '../hashing/fingerprint-types.js';
import { unpackFingerprint } from './packed-fingerprints.js';
import { CONFIRM_BATCH, type ConfirmWorkerData } from './parallel-confirm.js';
import { reportDone, reportFailure, takeBatches } from './shared-batches.js';

const { fingerprints, pairs, threshold, answers, control, port } = workerData as ConfirmWorkerData;
const unpacked: (Fingerprint | undefined)[] = [];
const fingerprint = (k: number) => (unpacked[k] ??= unpackFingerprint(fingerprints, k));

try {
  takeBatches(control, answers.length, CONFIRM_BATCH, (from, to) => {
    for (let k = from; k < to; k++) answers[k] = confirmCandidate(fingerprint(pairs[2 * k] as number), fingerprint(pairs[2 * k + 1] as number), threshold) ? 1 : 0;
    reportDone(control, to - from);
  });
} catch (error) {
  reportFailure(control, port, error);
}
