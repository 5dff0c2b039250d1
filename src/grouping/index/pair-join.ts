/**
 * The batch join: every (query, indexed hash) pair within a radius, by multi-index hashing.
 *
 * Per probed chunk (see chunking.ts) both sides are bucketed by the chunk's bits and the kernel pairs
 * the buckets within t_c of each other (assembly/hamming-join.ts). Chunks are done one after the
 * other, so only one chunk's buckets are in memory at a time; a pair a later chunk finds again is
 * dropped by the kernel (it checks the earlier chunks' radii on the pair's difference).
 *
 * Large joins use two threads: the main thread buckets each chunk, then it and a worker
 * (join-worker.ts) each join half of the walked entries in the same shared memory. The main thread
 * waits for the worker synchronously (Atomics.wait), so the join stays a plain function call, and it
 * visits the worker's pairs after its own: the order is deterministic.
 */

import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { blockCount, Control, joinBlocks, middleBlock, planJoin, prepareChunk, writeOwned, type JoinLayout, type SideLayout, type JoinWorkerData, type OwnedEntries } from './join-layout.js';
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
  const kernel = instantiateKernel(module, memory, visit);
  writeSide(queries, memory, layout.querySide);
  writeSide(indexed, memory, layout.indexSide);
  writeOwned(memory, layout);
  const walked = Math.min(queries.length, indexed.length);
  if (walked >= THREADED_FROM && availableParallelism() >= 2) joinInTwoThreads(kernel, layout, module, visit);
  else {
    for (let c = 0; c < layout.chunks.length; c++) {
      prepareChunk(kernel, layout, c);
      joinBlocks(kernel, layout, c, 0, blockCount(layout, c));
    }
  }
}

/** Puts a side's hashes where they are bucketed in place, each with its own index as id. */
function writeSide(source: HashSource, memory: WebAssembly.Memory, side: SideLayout): void {
  const into = new BigUint64Array(memory.buffer, side.sorted, source.length);
  if (source instanceof BigUint64Array) into.set(source);
  else source.write(into);
  const ids = new Uint32Array(memory.buffer, side.ids, source.length);
  for (let i = 0; i < ids.length; i++) ids[i] = i;
}

function joinInTwoThreads(kernel: JoinKernel, layout: JoinLayout, module: WebAssembly.Module, visit: PairVisitor): void {
  const control = new Int32Array(new SharedArrayBuffer(4 * Object.keys(Control).length));
  const { port1, port2 } = new MessageChannel();
  const data: JoinWorkerData = { module, memory: kernel.memory, layout, control, port: port2 };
  const worker = new Worker(WORKER_FILE, { workerData: data, transferList: [port2] });
  try {
    for (let c = 0; c < layout.chunks.length; c++) {
      prepareChunk(kernel, layout, c);
      const split = middleBlock(layout, c, kernel.memory);
      Atomics.store(control, Control.splitBlock, split);
      Atomics.store(control, Control.prepared, c + 1);
      Atomics.notify(control, Control.prepared);
      joinBlocks(kernel, layout, c, 0, split);
      const asked = Date.now();
      while (Atomics.load(control, Control.joined) <= c && Atomics.load(control, Control.failed) === 0) {
        // A worker that could not even load its code never answers (and its error event cannot
        // reach a main thread that is waiting here).
        if (Atomics.load(control, Control.started) === 0 && Date.now() - asked > WORKER_START_MS) throw new Error('the join worker did not start');
        Atomics.wait(control, Control.joined, c, 1000);
      }
      const message = receiveMessageOnPort(port1)?.message as Uint32Array | { error: string } | undefined;
      if (!(message instanceof Uint32Array)) throw new Error(`the join worker failed: ${message?.error ?? 'no answer'}`);
      for (let k = 0; k < message.length; k += 3) visit(message[k] as number, message[k + 1] as number, message[k + 2] as number);
    }
  } finally {
    port1.close();
    void worker.terminate();
  }
}
