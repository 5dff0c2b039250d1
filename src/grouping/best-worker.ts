/**
 * The second thread of the best-photo choice (see parallel-best.ts): takes batches of groups from the
 * shared counter (shared-batches.ts), chooses each group's best photo and posts the choices, until
 * none is left. Started with a `BestWorkerData`.
 */

import { workerData } from 'node:worker_threads';
import { BEST_BATCH, choiceIn, type BestBatch, type BestWorkerData } from './parallel-best.js';
import { reportDone, reportFailure, takeBatches } from './shared-batches.js';

const { groups, rules, control, port } = workerData as BestWorkerData;

try {
  takeBatches(control, groups.length, BEST_BATCH, (from, to) => {
    const batch: BestBatch = { from, choices: groups.slice(from, to).map((group) => choiceIn(group, rules)) };
    port.postMessage(batch);
    reportDone(control, to - from);
  });
} catch (error) {
  reportFailure(control, port, error);
}
