/**
 * The second thread of the best-photo choice (see parallel-best.ts): takes batches of groups from the
 * shared counter, chooses each group's best photo and posts the choices, until none is left.
 * Started with a `BestWorkerData`.
 */

import { workerData } from 'node:worker_threads';
import { BestControl, choiceIn, takeBatches, type BestBatch, type BestWorkerData } from './parallel-best.js';

const { groups, rules, control, port } = workerData as BestWorkerData;

try {
  takeBatches(control, groups.length, (from, to) => {
    const batch: BestBatch = { from, choices: groups.slice(from, to).map((group) => choiceIn(group, rules)) };
    port.postMessage(batch);
    Atomics.add(control, BestControl.workerDone, to - from);
    Atomics.notify(control, BestControl.workerDone);
  });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  Atomics.store(control, BestControl.failed, 1);
  Atomics.notify(control, BestControl.workerDone);
}
