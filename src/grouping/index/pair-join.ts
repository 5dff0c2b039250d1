/**
 * The batch join: every (query, indexed hash) pair within a radius, by multi-index hashing.
 *
 * Per probed chunk (see chunking.ts) both sides are bucketed by the chunk's bits and the kernel pairs
 * the buckets within t_c of each other (assembly/hamming-join.ts). Chunks are done one after the
 * other, so only one chunk's buckets are in memory at a time; a pair a later chunk finds again is
 * dropped by the kernel (it checks the earlier chunks' radii on the pair's difference).
 *
 * Large joins use two threads: the main thread buckets each chunk, then it and a worker
 * (join-worker.ts) take the chunk's tasks (runs of outer blocks with about equal walked entries)
 * from a shared counter, in the same shared memory. The main thread waits for the worker
 * synchronously (Atomics.wait), so the join stays a plain function call, and it visits both threads'
 * pairs in task order (join-tasks.ts): the order one thread alone would visit them in.
 */

import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { blockCount, Control, cutTasks, JOIN_TASKS, joinBlocks, planJoin, prepareChunk, writeIds, writeOwned, type JoinLayout, type SideLayout, type JoinWorkerData, type OwnedEntries } from './join-layout.js';
import { joinTasks, PairBuffer, visitInTaskOrder, type TaskPairs } from './join-tasks.js';
import type { HashSource } from '../hamming-join.js';
import { BUILT, instantiateKernel, kernelMemory, kernelModule, type JoinKernel, type PairVisitor } from './wasm-kernel.js';

/** Below this many walked entries a second thread costs more to start (~50 ms) than it saves. */
const THREADED_FROM = 50_000;
const WORKER_FILE = new URL('grouping/index/join-worker.js', BUILT);
/** How long a worker may take to start running its code. */
const WORKER_START_MS = 30_000;

export function joinPairs(queries: HashSource, indexed: HashSource, radius: number, visit: PairVisitor, owned: readonly OwnedEntries[]): void {
  const layout = planJoin(queries.length, indexed.length, radius, owned);
  const module = kernelModule();
  const memory = kernelMemory(layout.bytes);
  const walked = Math.min(queries.length, indexed.length);
  const threaded = walked >= THREADED_FROM && availableParallelism() >= 2;
  // With two threads, this thread's pairs wait in a buffer to be visited in task order with the worker's.
  const found = threaded ? new PairBuffer() : undefined;
  const kernel = instantiateKernel(module, memory, found ? found.add : visit);
  const writeHashes = () => {
    writeHashesOf(queries, memory, layout.querySide);
    writeHashesOf(indexed, memory, layout.indexSide);
    writeOwned(memory, layout);
  };
  if (found) joinInTwoThreads(kernel, layout, module, found, visit, writeHashes);
  else {
    writeHashes();
    writeIds(memory, layout);
    for (let c = 0; c < layout.chunks.length; c++) {
      prepareChunk(kernel, layout, c);
      joinBlocks(kernel, layout, c, 0, blockCount(layout, c));
    }
  }
}

/** Puts a side's hashes where they are bucketed in place (their ids are written apart: writeIds). */
function writeHashesOf(source: HashSource, memory: WebAssembly.Memory, side: SideLayout): void {
  const into = new BigUint64Array(memory.buffer, side.sorted, source.length);
  if (source instanceof BigUint64Array) into.set(source);
  else source.write(into);
}

/** `writeHashes` runs on this thread while the worker, started first, writes the ids. */
function joinInTwoThreads(kernel: JoinKernel, layout: JoinLayout, module: WebAssembly.Module, found: PairBuffer, visit: PairVisitor, writeHashes: () => void): void {
  const control = new Int32Array(new SharedArrayBuffer(4 * Object.keys(Control).length));
  const tasks = new Int32Array(new SharedArrayBuffer(4 * (JOIN_TASKS + 1)));
  const { port1, port2 } = new MessageChannel();
  const data: JoinWorkerData = { module, memory: kernel.memory, layout, control, tasks, port: port2 };
  const worker = new Worker(WORKER_FILE, { workerData: data, transferList: [port2] });
  try {
    writeHashes();
    awaitWorker(control, Control.idsWritten, 0, port1);
    for (let c = 0; c < layout.chunks.length; c++) {
      prepareChunk(kernel, layout, c);
      const taskCount = cutTasks(layout, c, kernel.memory, tasks);
      // Both threads are done with the last chunk's counter (the worker said so): it starts again.
      Atomics.store(control, Control.taskCount, taskCount);
      Atomics.store(control, Control.nextTask, 0);
      Atomics.store(control, Control.prepared, c + 1);
      Atomics.notify(control, Control.prepared);
      joinTasks(kernel, layout, c, control, tasks, found);
      awaitWorker(control, Control.joined, c, port1);
      const message = receiveMessageOnPort(port1)?.message as TaskPairs | { error: string } | undefined;
      if (!message || 'error' in message) throw new Error(`the join worker failed: ${message?.error ?? 'no answer'}`);
      visitInTaskOrder(taskCount, [found.take(), message], visit);
    }
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/** Waits until the worker moves `slot` past `value`; throws, with its reason, when it failed. */
function awaitWorker(control: Int32Array, slot: number, value: number, port: MessagePort): void {
  const asked = Date.now();
  while (Atomics.load(control, slot) <= value && Atomics.load(control, Control.failed) === 0) {
    // A worker that could not even load its code never answers (and its error event cannot
    // reach a main thread that is waiting here).
    if (Atomics.load(control, Control.started) === 0 && Date.now() - asked > WORKER_START_MS) throw new Error('the join worker did not start');
    Atomics.wait(control, slot, value, 1000);
  }
  if (Atomics.load(control, slot) > value) return;
  const message = receiveMessageOnPort(port)?.message as { error?: string } | undefined;
  throw new Error(`the join worker failed: ${message?.error ?? 'no answer'}`);
}
