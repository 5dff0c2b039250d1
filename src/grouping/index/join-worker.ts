/**
 * The second thread of the pair join (see pair-join.ts): for each chunk, once the main thread has
 * bucketed it, joins the upper half of the outer blocks in the shared memory and posts the pairs
 * found. Started with a `JoinWorkerData` (join-layout.ts); exits after the last chunk.
 */

import { workerData } from 'node:worker_threads';
import { blockCount, Control, joinBlocks, type JoinWorkerData } from './join-layout.js';
import { instantiateKernel } from './wasm-kernel.js';

const { module, memory, layout, control, port } = workerData as JoinWorkerData;
Atomics.store(control, Control.started, 1);
let pairs = new Uint32Array(3 * 4096);
let count = 0;
const kernel = instantiateKernel(module, memory, (query, entry, distance) => {
  if (3 * count + 3 > pairs.length) {
    const grown = new Uint32Array(pairs.length * 2);
    grown.set(pairs);
    pairs = grown;
  }
  pairs.set([query, entry, distance], 3 * count++);
});

try {
  for (let c = 0; c < layout.chunks.length; c++) {
    while (Atomics.load(control, Control.prepared) <= c) Atomics.wait(control, Control.prepared, c);
    joinBlocks(kernel, layout, c, Atomics.load(control, Control.splitBlock), blockCount(layout, c));
    port.postMessage(pairs.slice(0, 3 * count));
    count = 0;
    Atomics.store(control, Control.joined, c + 1);
    Atomics.notify(control, Control.joined);
  }
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  Atomics.store(control, Control.failed, 1);
  Atomics.notify(control, Control.joined);
}
