/**
 * The join's tasks: pairs found by two threads, each taking tasks as they come free, are visited in
 * task order, as one thread alone would have found them.
 */

import { describe, expect, it } from 'vitest';
import { PairBuffer, visitInTaskOrder } from '../../src/grouping/index/join-tasks.js';

describe('visitInTaskOrder', () => {
  it('visits every task once, in task order, whichever thread found it', () => {
    const main = new PairBuffer();
    const worker = new PairBuffer();
    // Task k reports k + 1 pairs (k, j, k); the threads take tasks 0..5 in an interleaved order.
    const runTask = (buffer: PairBuffer, task: number) => buffer.record(task, () => {
      for (let j = 0; j <= task; j++) buffer.add(task, j, task);
    });
    for (const task of [1, 2, 5]) runTask(main, task);
    for (const task of [0, 3, 4]) runTask(worker, task);
    const visited: string[] = [];
    visitInTaskOrder(6, [main.take(), worker.take()], (q, i, d) => visited.push(`${q}:${i}=${d}`));
    const expected = [0, 1, 2, 3, 4, 5].flatMap((task) => Array.from({ length: task + 1 }, (_, j) => `${task}:${j}=${task}`));
    expect(visited).toEqual(expected);
  });

  it('says so when a task is missing rather than dropping its pairs', () => {
    const main = new PairBuffer();
    main.record(0, () => main.add(1, 2, 3));
    expect(() => visitInTaskOrder(2, [main.take()], () => undefined)).toThrow(/lost task 1/);
  });

  it('starts empty after each take', () => {
    const buffer = new PairBuffer();
    buffer.record(0, () => buffer.add(1, 2, 3));
    expect(buffer.take().pairs).toEqual(Uint32Array.from([1, 2, 3]));
    const next = buffer.take();
    expect(next.pairs.length).toBe(0);
    expect(next.tasks.length).toBe(0);
  });
});
