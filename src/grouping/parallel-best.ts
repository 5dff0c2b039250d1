/**
 * The best-photo choice of many groups on two threads. Each group's photos are lined up pair by pair
 * (best-evidence.ts), a few milliseconds per group: after the join and the pixel check it was the
 * largest part of grouping a library with many groups, on one core while the other idled.
 *
 * As in the pixel check (parallel-confirm.ts), the main thread and one worker (best-worker.ts) take
 * groups in small batches from a shared counter until none is left; the worker posts its choices
 * batch by batch. A choice is pickBest's whichever thread made it: the worker gets copies of exactly
 * what the rules read. The call stays synchronous (Atomics.wait).
 */

import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Fingerprint } from '../hashing/fingerprint-types.js';
import { pickBest, type BestPhotoRule, type Contestant } from './best-photo.js';
import { BUILT } from './index/wasm-kernel.js';

/** Below this many groups a worker costs more to start (~50 ms) than it saves. */
const PARALLEL_FROM = 64;
/** Groups taken at a time: a few milliseconds of work, so both threads end together. */
const BATCH = 4;
const WORKER_FILE = new URL('grouping/best-worker.js', BUILT);
/** A batch takes milliseconds: a worker silent this long with groups still out has died. */
const WORKER_SILENT_MS = 30_000;

/** Slots of the control array shared with the worker: the next unclaimed group, groups the worker finished, failure. */
export const BestControl = { next: 0, workerDone: 1, failed: 2 } as const;

/** pickBest's answer by position in the group, so it can cross threads. */
export interface GroupChoice {
  best: number;
  reason: string;
  /** Why each photo but the best was set aside (undefined for the best). */
  setAside: (string | undefined)[];
}

/** What the best-photo worker is started with. */
export interface BestWorkerData {
  groups: Contestant[][];
  rules: readonly BestPhotoRule[] | undefined;
  control: Int32Array;
  port: MessagePort;
}

/** The worker's message after each batch: the choices of groups from, from + 1, … */
export interface BestBatch {
  from: number;
  choices: GroupChoice[];
}

/** pickBest of every group, in order. */
export function chooseBest(groups: readonly (readonly Contestant[])[], rules?: readonly BestPhotoRule[]): GroupChoice[] {
  if (groups.length < PARALLEL_FROM || availableParallelism() < 2) return groups.map((group) => choiceIn(group, rules));
  const choices = new Array<GroupChoice | undefined>(groups.length);
  const control = new Int32Array(new SharedArrayBuffer(4 * Object.keys(BestControl).length));
  const { port1, port2 } = new MessageChannel();
  const data: BestWorkerData = { groups: groups.map((group) => group.map(portable)), rules, control, port: port2 };
  const worker = new Worker(WORKER_FILE, { workerData: data, transferList: [port2] });
  // A worker that fails before it takes a group costs nothing (this thread takes them all); one that
  // fails while choosing says so through the control array, which the wait below reads.
  worker.on('error', () => undefined);
  try {
    const doneHere = takeBatches(control, groups.length, (from, to) => {
      for (let g = from; g < to; g++) choices[g] = choiceIn(groups[g] as Contestant[], rules);
    });
    const theirs = groups.length - doneHere;
    let heard = Date.now();
    for (let done = Atomics.load(control, BestControl.workerDone); done < theirs; ) {
      if (Atomics.load(control, BestControl.failed) !== 0) throw new Error(`the best-photo worker failed: ${failureOf(port1)}`);
      if (Date.now() - heard > WORKER_SILENT_MS) throw new Error('the best-photo worker stopped answering');
      Atomics.wait(control, BestControl.workerDone, done, 1000);
      const now = Atomics.load(control, BestControl.workerDone);
      if (now > done) heard = Date.now();
      done = now;
    }
    for (let message = receiveMessageOnPort(port1); message; message = receiveMessageOnPort(port1)) {
      const { from, choices: theirChoices } = message.message as BestBatch;
      theirChoices.forEach((choice, k) => (choices[from + k] = choice));
    }
    return choices.map((choice, g) => {
      if (!choice) throw new Error(`the best-photo worker did not answer for group ${g}`);
      return choice;
    });
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/** pickBest of one group, by position. */
export function choiceIn(group: readonly Contestant[], rules?: readonly BestPhotoRule[]): GroupChoice {
  const choice = pickBest(group, rules);
  return { best: group.indexOf(choice.best), reason: choice.reason, setAside: group.map((contestant) => choice.setAside.get(contestant)) };
}

/**
 * Takes batches of groups from the shared counter until none is left, calling `work` on each range;
 * returns how many groups this thread took.
 */
export function takeBatches(control: Int32Array, count: number, work: (from: number, to: number) => void): number {
  let taken = 0;
  for (let from = Atomics.add(control, BestControl.next, BATCH); from < count; from = Atomics.add(control, BestControl.next, BATCH)) {
    const to = Math.min(from + BATCH, count);
    work(from, to);
    taken += to - from;
  }
  return taken;
}

function failureOf(port: MessagePort): string {
  for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
    const { error } = message.message as { error?: string };
    if (error) return error;
  }
  return 'no answer';
}

/**
 * A copy of what the rules read of a photo, fit to post to the worker: a decoded fingerprint's
 * hashes and a stored thumbnail may be views into large blocks, which posting would copy whole.
 */
function portable(contestant: Contestant): Contestant {
  const { photo, fingerprint, thumbnail, look } = contestant;
  return {
    photo,
    ...(fingerprint ? { fingerprint: leanFingerprint(fingerprint) } : {}),
    ...(thumbnail ? { thumbnail: thumbnail.slice() } : {}),
    ...(look ? { look } : {}),
  };
}

/** The orientation hashes and displayed size (best-evidence.ts reads no more), and the same of the photo inside bars. */
function leanFingerprint({ variants, width, height, content }: Fingerprint): Fingerprint {
  return {
    variants: variants.slice(),
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    ...(content ? { content: leanFingerprint(content) } : {}),
  };
}
