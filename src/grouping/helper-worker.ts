/**
 * The helper thread of grouping (see shared-batches.ts): it waits for splits and runs each one's
 * side — the pixel check of candidate pairs (parallel-confirm.ts) or the best-photo choice of
 * groups (parallel-best.ts) — taking batches from that split's shared counter until none is left.
 * One split at a time: the main thread waits for each to end before it starts the next.
 */

import { parentPort } from 'node:worker_threads';
import { chooseInHelper, type BestHelperData } from './parallel-best.js';
import { confirmInHelper, type ConfirmHelperData } from './parallel-confirm.js';
import { reportFailure, type HelperMessage } from './shared-batches.js';

parentPort?.on('message', ({ task, data }: HelperMessage) => {
  try {
    if (task === 'confirm') confirmInHelper(data as ConfirmHelperData);
    else chooseInHelper(data as BestHelperData);
  } catch (error) {
    reportFailure(data.control, data.port, error);
  }
});
