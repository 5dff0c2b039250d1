/**
 * The best-photo choice of many groups on two threads. Each group's photos are lined up pair by pair
 * (best-evidence.ts), a few milliseconds per group: after the join and the pixel check it was the
 * largest part of grouping a library with many groups, on one core while the other idled.
 *
 * As in the pixel check (parallel-confirm.ts), the main thread and one worker (best-worker.ts) take
 * groups in small batches from a shared counter (shared-batches.ts); the worker posts its choices
 * batch by batch. A choice is pickBest's whichever thread made it: the worker gets copies of exactly
 * what the rules read.
 */

import { availableParallelism } from 'node:os';
import { receiveMessageOnPort } from 'node:worker_threads';
import type { Fingerprint } from '../hashing/fingerprint-types.js';
import { pickBest, type BestPhotoRule, type Contestant } from './best-photo.js';
import { BUILT } from './index/wasm-kernel.js';
import { splitWithWorker, type SharedBatches } from './shared-batches.js';

/** Below this many groups a worker costs more to start (~50 ms) than it saves. */
const PARALLEL_FROM = 64;
/** Groups taken at a time: a few milliseconds of work, so both threads end together. */
export const BEST_BATCH = 4;
const WORKER_FILE = new URL('grouping/best-worker.js', BUILT);
/** pickBest's answer by position in the group, so it can cross threads. */
export interface GroupChoice {
  best: number;
  reason: string;
  /** Why each photo but the best was set aside (undefined for the best). */
  setAside: (string | undefined)[];
}

/** What the best-photo worker is started with. */
export interface BestWorkerData extends SharedBatches {
  groups: Contestant[][];
  rules: readonly BestPhotoRule[] | undefined;
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
  const data = { groups: groups.map((group) => group.map(portable)), rules };
  splitWithWorker<BestWorkerData>(
    WORKER_FILE,
    data,
    { count: groups.length, batch: BEST_BATCH, worker: 'best-photo' },
    (from, to) => {
      for (let g = from; g < to; g++) choices[g] = choiceIn(groups[g] as Contestant[], rules);
    },
    (port) => {
      for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
        const { from, choices: theirChoices } = message.message as BestBatch;
        theirChoices.forEach((choice, k) => (choices[from + k] = choice));
      }
    },
  );
  return choices.map((choice, g) => {
    if (!choice) throw new Error(`the best-photo worker did not answer for group ${g}`);
    return choice;
  });
}

/** pickBest of one group, by position. */
export function choiceIn(group: readonly Contestant[], rules?: readonly BestPhotoRule[]): GroupChoice {
  const choice = pickBest(group, rules);
  return { best: group.indexOf(choice.best), reason: choice.reason, setAside: group.map((contestant) => choice.setAside.get(contestant)) };
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
