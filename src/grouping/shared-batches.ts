/**
 * Work split between the main thread and one worker by a shared counter: each takes the next batch
 * of items until none is left, so neither waits for the other unless it is the last batch, and a
 * worker that is slow to start simply gets fewer. The pixel check (parallel-confirm.ts) and the
 * best-photo choice (parallel-best.ts) share it; each keeps its own answers. The main thread waits
 * for the worker synchronously (Atomics.wait), so the call stays a plain function call.
 */

import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** Slots of the control array: the next unclaimed item, items the worker finished, failure. */
const Slot = { next: 0, workerDone: 1, failed: 2 } as const;
/** A batch takes milliseconds: a worker silent this long with items still out has died. */
const WORKER_SILENT_MS = 30_000;

/** What a worker of splitWithWorker is started with besides its own data. */
export interface SharedBatches {
  /** The shared counter, the worker's progress and its failure flag. */
  control: Int32Array;
  /** Where the worker says why it failed, and posts whatever else it answers. */
  port: MessagePort;
}

/**
 * Splits `count` items between this thread (`work`, a range at a time) and a worker started from
 * `workerFile` with `data` plus its SharedBatches, `batch` items at a time. Returns once every item
 * is done, after `collect` has read what the worker posted. Throws, naming the `worker`, when it
 * failed or fell silent.
 */
export function splitWithWorker<Data extends SharedBatches>(
  workerFile: URL,
  data: Omit<Data, keyof SharedBatches>,
  { count, batch, worker: name }: { count: number; batch: number; worker: string },
  work: (from: number, to: number) => void,
  collect?: (port: MessagePort) => void,
): void {
  const control = new Int32Array(new SharedArrayBuffer(4 * Object.keys(Slot).length));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(workerFile, { workerData: { ...data, control, port: port2 }, transferList: [port2] });
  // A worker that fails before it takes an item costs nothing (this thread takes them all); one that
  // fails while working says so through the control array, which the wait reads.
  worker.on('error', () => undefined);
  try {
    const doneHere = takeBatches(control, count, batch, work);
    // Every item is claimed now, and the rest by the worker: wait for those.
    waitForWorker(control, count - doneHere, port1, name);
    collect?.(port1);
  } finally {
    port1.close();
    void worker.terminate();
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

/** The worker has finished `count` more items. */
export function reportDone(control: Int32Array, count: number): void {
  Atomics.add(control, Slot.workerDone, count);
  Atomics.notify(control, Slot.workerDone);
}

/** The worker failed: it says why through `port` and wakes the waiting main thread. */
export function reportFailure(control: Int32Array, port: MessagePort, error: unknown): void {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  Atomics.store(control, Slot.failed, 1);
  Atomics.notify(control, Slot.workerDone);
}

/**
 * Main thread, its own batches done (every item is claimed): waits until the worker has finished
 * `theirs` items. Throws, naming `worker`, when it failed or fell silent.
 */
function waitForWorker(control: Int32Array, theirs: number, port: MessagePort, worker: string): void {
  let heard = Date.now();
  for (let done = Atomics.load(control, Slot.workerDone); done < theirs; ) {
    if (Atomics.load(control, Slot.failed) !== 0) throw new Error(`the ${worker} worker failed: ${failureOf(port)}`);
    if (Date.now() - heard > WORKER_SILENT_MS) throw new Error(`the ${worker} worker stopped answering`);
    Atomics.wait(control, Slot.workerDone, done, 1000);
    const now = Atomics.load(control, Slot.workerDone);
    if (now > done) heard = Date.now();
    done = now;
  }
}

/** The worker's error message, among whatever else it posted. */
function failureOf(port: MessagePort): string {
  for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
    const { error } = message.message as { error?: string };
    if (error) return error;
  }
  return 'no answer';
}
