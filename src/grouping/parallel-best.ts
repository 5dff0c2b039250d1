/**
 * The best-photo choice of many groups on two threads. Each group's photos are lined up pair by pair
 * (best-evidence.ts), a few milliseconds per group: after the join and the pixel check it was the
 * largest part of grouping a library with many groups, on one core while the other idled.
 *
 * As in the pixel check (parallel-confirm.ts), the main thread and grouping's helper thread take
 * groups in small batches from a shared counter (shared-batches.ts); the helper posts its choices
 * batch by batch. A choice is pickBest's whichever thread made it: the helper gets copies of exactly
 * what the rules read. Those copies go in chunks, as this thread reads the groups' photos back: the
 * helper starts on the first groups while the rest are read, instead of idling through it all.
 */

import { availableParallelism } from 'node:os';
import { receiveMessageOnPort } from 'node:worker_threads';
import type { Fingerprint } from '../hashing/fingerprint-types.js';
import { detailsReadBy, pickBest, type BestPhotoRule, type Contestant } from './best-photo.js';
import { receivePosted, reportDone, splitWithHelper, takeBatches, type SharedBatches } from './shared-batches.js';

/** Below this many groups the helper costs more to start (~50 ms) than it saves. */
const PARALLEL_FROM = 64;
/** Groups taken at a time: a few milliseconds of work, so both threads end together. */
const BEST_BATCH = 4;
/**
 * Groups posted to the helper at a time, the first few at once so it starts while the rest are read:
 * reading a group's thumbnails and looks back and copying them takes about a fifth of judging it.
 */
const FIRST_CHUNK = 2 * BEST_BATCH;
const CHUNK = 64;

/** pickBest's answer by position in the group, so it can cross threads. */
export interface GroupChoice {
  best: number;
  reason: string;
  /** Why each photo but the best was set aside (undefined for the best). */
  setAside: (string | undefined)[];
}

/** What the helper thread gets for its side of the choice (the groups come in chunks: BestChunk). */
export interface BestHelperData extends SharedBatches {
  count: number;
  rules: readonly BestPhotoRule[] | undefined;
}

/** Groups from, from + 1, … as the helper gets them. */
interface BestChunk {
  from: number;
  groups: Contestant[][];
}

/** The helper's message after each batch: the choices of groups from, from + 1, … */
export interface BestBatch {
  from: number;
  choices: GroupChoice[];
}

/**
 * pickBest of each of `count` groups, in order; `groupAt` reads group g's photos (with what the rules
 * read of them), once each. Only lining a group's photos up (the rules that read thumbnails) takes
 * the milliseconds worth sharing; without it a group takes microseconds, less than copying it to
 * the helper.
 */
export function chooseBest(count: number, groupAt: (g: number) => readonly Contestant[], rules?: readonly BestPhotoRule[]): GroupChoice[] {
  if (count < PARALLEL_FROM || availableParallelism() < 2 || !detailsReadBy(rules).thumbnail) return Array.from({ length: count }, (_, g) => choiceIn(groupAt(g), rules));
  const groups: (readonly Contestant[])[] = [];
  const choices = new Array<GroupChoice | undefined>(count);
  splitWithHelper<BestHelperData>(
    'best-photo',
    { count, rules },
    {
      count,
      batch: BEST_BATCH,
      feed: (post) => {
        for (let from = 0; from < count; ) {
          const to = Math.min(count, from + (from === 0 ? FIRST_CHUNK : CHUNK));
          const chunk: BestChunk = { from, groups: [] };
          for (let g = from; g < to; g++) chunk.groups.push((groups[g] = groupAt(g)).map(portable));
          post(chunk, to);
          from = to;
        }
      },
    },
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
    if (!choice) throw new Error(`the best-photo helper thread did not answer for group ${g}`);
    return choice;
  });
}

/** The helper thread's side of chooseBest: each group's choice, posted batch by batch. */
export function chooseInHelper({ count, rules, control, port }: BestHelperData): void {
  const groups: Contestant[][] = [];
  const receive = (chunk: unknown) => {
    const { from, groups: posted } = chunk as BestChunk;
    posted.forEach((group, k) => (groups[from + k] = group));
  };
  takeBatches(control, count, BEST_BATCH, (from, to) => {
    receivePosted(control, port, to, receive);
    const batch: BestBatch = { from, choices: groups.slice(from, to).map((group) => choiceIn(group, rules)) };
    port.postMessage(batch);
    reportDone(control, to - from);
  });
}

/** pickBest of one group, by position. */
export function choiceIn(group: readonly Contestant[], rules?: readonly BestPhotoRule[]): GroupChoice {
  const choice = pickBest(group, rules);
  return { best: group.indexOf(choice.best), reason: choice.reason, setAside: group.map((contestant) => choice.setAside.get(contestant)) };
}

/**
 * A copy of what the rules read of a photo, fit to post to the helper thread: a decoded fingerprint's
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
