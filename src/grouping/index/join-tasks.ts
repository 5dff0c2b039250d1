/**
 * The join's chunks in tasks: both threads take tasks of the current chunk from a shared counter
 * (cutTasks in join-layout.ts cuts them), each keeps the pairs it finds by task, and the pairs are
 * then visited in task order, so the order does not depend on which thread took which task.
 */

import { Control, joinBlocks, type JoinLayout } from './join-layout.js';
import type { JoinKernel, PairVisitor } from './wasm-kernel.js';

/** What a thread found in the tasks it took: the pairs (query, entry, distance) and, per task, where its pairs lie. */
export interface TaskPairs {
  pairs: Uint32Array;
  /** (task, first pair, end pair) triples, pairs counted in triples of `pairs`. */
  tasks: Uint32Array;
}

/**
 * The pairs a kernel reports, kept in order and by task: `add` is the kernel's `visit` in a thread
 * whose pairs are visited later, in task order (visitInTaskOrder).
 */
export class PairBuffer {
  private pairs = new Uint32Array(3 * 4096);
  private count = 0;
  private readonly tasks: number[] = [];

  readonly add = (query: number, entry: number, distance: number): void => {
    if (3 * this.count + 3 > this.pairs.length) {
      const grown = new Uint32Array(this.pairs.length * 2);
      grown.set(this.pairs);
      this.pairs = grown;
    }
    const at = 3 * this.count++;
    this.pairs[at] = query;
    this.pairs[at + 1] = entry;
    this.pairs[at + 2] = distance;
  };

  /** Runs task `task` (which reports its pairs through `add`) and notes where its pairs lie. */
  record(task: number, run: () => void): void {
    const first = this.count;
    run();
    this.tasks.push(task, first, this.count);
  }

  /** What was found since the last take, and empties the buffer. */
  take(): TaskPairs {
    const taken = { pairs: this.pairs.slice(0, 3 * this.count), tasks: Uint32Array.from(this.tasks) };
    this.count = 0;
    this.tasks.length = 0;
    return taken;
  }
}

/**
 * Takes tasks of chunk c from the shared counter until none is left, joining each one's blocks;
 * both threads run it. `found` keeps the pairs by task.
 */
export function joinTasks(kernel: JoinKernel, layout: JoinLayout, c: number, control: Int32Array, tasks: Int32Array, found: PairBuffer): void {
  const count = Atomics.load(control, Control.taskCount);
  for (let task = Atomics.add(control, Control.nextTask, 1); task < count; task = Atomics.add(control, Control.nextTask, 1)) {
    found.record(task, () => joinBlocks(kernel, layout, c, tasks[task] as number, tasks[task + 1] as number));
  }
}

/**
 * Visits the pairs both threads found in chunk c in task order: the order one thread alone visits
 * them in, whichever thread took which task.
 */
export function visitInTaskOrder(taskCount: number, found: readonly TaskPairs[], visit: PairVisitor): void {
  const source = new Int32Array(taskCount).fill(-1);
  const first = new Uint32Array(taskCount);
  const end = new Uint32Array(taskCount);
  found.forEach(({ tasks }, thread) => {
    for (let k = 0; k < tasks.length; k += 3) {
      const task = tasks[k] as number;
      [source[task], first[task], end[task]] = [thread, tasks[k + 1] as number, tasks[k + 2] as number];
    }
  });
  for (let task = 0; task < taskCount; task++) {
    const from = found[source[task] as number];
    if (!from) throw new Error(`the join lost task ${task}`);
    const { pairs } = from;
    for (let k = 3 * (first[task] as number); k < 3 * (end[task] as number); k += 3) visit(pairs[k] as number, pairs[k + 1] as number, pairs[k + 2] as number);
  }
}
