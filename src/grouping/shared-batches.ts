/**
 * Work split between the main thread and one helper thread by a shared counter: each takes the next
 * batch of items until none is left, so neither waits for the other unless it is the last batch, and
 * a helper that is slow to start simply gets fewer. The pixel check (parallel-confirm.ts) and the
 * best-photo choice (parallel-best.ts) share it; each keeps its own answers. The main thread waits
 * for the helper synchronously (Atomics.wait), so the call stays a plain function call.
 *
 * One helper (helper-worker.ts) serves every split of a grouping, started at the first and stopped
 * by `stopHelperThread` when the grouping ends, rather than a fresh worker for each split: a fresh
 * one ran its first batches on cold code while compiling it (choosing the best photo of 300 groups,
 * the main thread ran ~40 % slower beside it than alone), and the best-photo choice reuses the
 * pixel check's alignment code, which the helper has compiled by then. (On the million-photo bench
 * the difference was within the machine's noise.)
 */

import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { BUILT } from './index/wasm-kernel.js';

/** Slots of the control array: the next unclaimed item, items the helper finished, failure, items posted to the helper. */
const Slot = { next: 0, workerDone: 1, failed: 2, posted: 3 } as const;
/** A batch takes milliseconds: a helper silent this long with items still out has died. */
const WORKER_SILENT_MS = 30_000;
const HELPER_FILE = new URL('grouping/helper-worker.js', BUILT);

/** What each task of the helper gets besides its own data. */
export interface SharedBatches {
  /** The shared counter, the helper's progress and its failure flag. */
  control: Int32Array;
  /** Where the helper says why it failed, and posts whatever else it answers. */
  port: MessagePort;
}

/** The work the helper can be asked to share, by name (helper-worker.ts runs each). */
export type HelperTask = 'confirm' | 'best-photo';

/** What the helper receives for one split. */
export interface HelperMessage {
  task: HelperTask;
  data: SharedBatches;
}

let helper: Worker | undefined;

function helperThread(): Worker {
  if (!helper) {
    const started = new Worker(HELPER_FILE);
    // A helper that dies (or never loads) is replaced at the next split; the split it was in learns
    // of it through the control array. Idle, it does not keep the process alive.
    started.on('error', () => undefined);
    started.on('exit', () => {
      if (helper === started) helper = undefined;
    });
    started.unref();
    helper = started;
  }
  return helper;
}

/** The running helper's thread id, or undefined when none runs (diagnostics; the tests check the helper is shared and stopped). */
export function helperThreadId(): number | undefined {
  return helper?.threadId;
}

/** Stops the helper (grouping is over): an idle thread holds its own heap. The next split starts another. */
export function stopHelperThread(): void {
  const stopping = helper;
  helper = undefined;
  void stopping?.terminate();
}

/**
 * Items made ready for the helper while it already works: `post` sends a chunk of them (the helper
 * receives it with `receivePosted`) and says how many items are posted with it, in order.
 */
export type Feed = (post: (chunk: unknown, postedUpTo: number) => void) => void;

/**
 * Splits `count` items between this thread (`work`, a range at a time) and the helper, which runs
 * `task` on `data` plus its SharedBatches, `batch` items at a time. With `feed`, the items reach the
 * helper in chunks, which this thread makes and posts before it takes any itself (the helper takes
 * the first while the rest are made); without, `data` holds them all. Returns once every item is
 * done, after `collect` has read what the helper posted. Throws, naming the task, when the helper
 * failed or fell silent.
 */
export function splitWithHelper<Data extends SharedBatches>(
  task: HelperTask,
  data: Omit<Data, keyof SharedBatches>,
  { count, batch, feed }: { count: number; batch: number; feed?: Feed },
  work: (from: number, to: number) => void,
  collect?: (port: MessagePort) => void,
): void {
  const control = new Int32Array(new SharedArrayBuffer(4 * Object.keys(Slot).length));
  const { port1, port2 } = new MessageChannel();
  const message: HelperMessage = { task, data: { ...data, control, port: port2 } };
  if (!feed) Atomics.store(control, Slot.posted, count);
  // A helper that fails before it takes an item costs nothing (this thread takes them all); one that
  // fails while working says so through the control array, which the wait reads.
  helperThread().postMessage(message, [port2]);
  try {
    feed?.((chunk, postedUpTo) => {
      // Posted first: once the count says so, the chunk is in the helper's queue.
      port1.postMessage(chunk);
      Atomics.store(control, Slot.posted, postedUpTo);
      Atomics.notify(control, Slot.posted);
    });
    const doneHere = takeBatches(control, count, batch, work);
    // Every item is claimed now, and the rest by the helper: wait for those.
    waitForHelper(control, count - doneHere, port1, task);
    collect?.(port1);
  } catch (error) {
    // A helper in an unknown state is not given the next split.
    stopHelperThread();
    throw error;
  } finally {
    port1.close();
  }
}

/**
 * Takes batches of `batch` items from the shared counter until none of `count` is left, calling
 * `work` on each range; returns how many items this thread took.
 */
export function takeBatches(control: Int32Array, count: number, batch: number, work: (from: number, to: number) => void): number {
  let taken = 0;
  for (let from = Atomics.add(control, Slot.next, batch); from < count; from = Atomics.add(control, Slot.next, batch)) {
    const to = Math.min(from + batch, count);
    work(from, to);
    taken += to - from;
  }
  return taken;
}

/**
 * Helper thread, about to work on items up to `upTo` of a fed split (splitWithHelper's `feed`):
 * waits until they are posted, then hands `receive` every chunk posted so far, in order.
 */
export function receivePosted(control: Int32Array, port: MessagePort, upTo: number, receive: (chunk: unknown) => void): void {
  // The main thread only posts until every item is: a stopped one stops this thread with it.
  for (let posted = Atomics.load(control, Slot.posted); posted < upTo; posted = Atomics.load(control, Slot.posted)) Atomics.wait(control, Slot.posted, posted, 1000);
  for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) receive(message.message);
}

/** The helper has finished `count` more items. */
export function reportDone(control: Int32Array, count: number): void {
  Atomics.add(control, Slot.workerDone, count);
  Atomics.notify(control, Slot.workerDone);
}

/** The helper failed: it says why through `port` and wakes the waiting main thread. */
export function reportFailure(control: Int32Array, port: MessagePort, error: unknown): void {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  Atomics.store(control, Slot.failed, 1);
  Atomics.notify(control, Slot.workerDone);
}

/**
 * Main thread, its own batches done (every item is claimed): waits until the helper has finished
 * `theirs` items. Throws, naming the task, when it failed or fell silent.
 */
function waitForHelper(control: Int32Array, theirs: number, port: MessagePort, task: HelperTask): void {
  let heard = Date.now();
  for (let done = Atomics.load(control, Slot.workerDone); done < theirs; ) {
    if (Atomics.load(control, Slot.failed) !== 0) throw new Error(`the ${task} helper thread failed: ${failureOf(port)}`);
    if (Date.now() - heard > WORKER_SILENT_MS) throw new Error(`the ${task} helper thread stopped answering`);
    Atomics.wait(control, Slot.workerDone, done, 1000);
    const now = Atomics.load(control, Slot.workerDone);
    if (now > done) heard = Date.now();
    done = now;
  }
}

/** The helper's error message, among whatever else it posted. */
function failureOf(port: MessagePort): string {
  for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
    const { error } = message.message as { error?: string };
    if (error) return error;
  }
  return 'no answer';
}
