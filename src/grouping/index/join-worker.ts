/**
 * The second thread of the pair join (see pair-join.ts): first the ids of both sides, while the main
 * thread writes their hashes; then for each chunk, once the main thread has bucketed it, takes the
 * chunk's tasks from the shared counter with the main thread (join-tasks.ts) and posts the pairs it
 * found, by task. Started with a `JoinWorkerData` (join-layout.ts); exits after the last chunk.
 */

import { workerData } from 'node:worker_threads';
import { Control, touchHashPages, writeIds, type JoinWorkerData } from './join-layout.js';
import { joinTasks, PairBuffer } from './join-tasks.js';
import { instantiateKernel } from './wasm-kernel.js';

const { module, memory, layout, control, tasks, port } = workerData as JoinWorkerData;
Atomics.store(control, Control.started, 1);
const found = new PairBuffer();

try {
  // While the main thread writes the hashes.
  touchHashPages(memory, layout);
  writeIds(memory, layout);
  Atomics.store(control, Control.idsWritten, 1);
  Atomics.notify(control, Control.idsWritten);
  const kernel = instantiateKernel(module, memory, found.add);
  for (let c = 0; c < layout.chunks.length; c++) {
    while (Atomics.load(control, Control.prepared) <= c) Atomics.wait(control, Control.prepared, c);
    joinTasks(kernel, layout, c, control, tasks, found);
    port.postMessage(found.take());
    Atomics.store(control, Control.joined, c + 1);
    Atomics.notify(control, Control.joined);
  }
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  Atomics.store(control, Control.failed, 1);
  // The main thread waits on one of these.
  Atomics.notify(control, Control.idsWritten);
  Atomics.notify(control, Control.joined);
}
