/**
 * HEIF decoding off the main thread: a small pool of worker threads (heif-worker.ts), started on the
 * first HEIF file and as demand grows, one per CPU at most. Each decodes one file at a time, so
 * the pipeline's `--concurrency` bounds them as it bounds sharp. Idle workers do not keep the
 * process alive, and a worker that fails badly is replaced.
 */

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HeifPicture, HeifReadOptions } from './libheif.js';
import type { HeifReply, HeifRequest } from './heif-worker.js';

/** The built worker: workers run JavaScript, so tests run it from dist/ too (`npm run build`). */
const WORKER_FILE = new URL('../../../dist/thumbnails/heif/heif-worker.js', import.meta.url);

interface Job {
  request: HeifRequest;
  resolve: (picture: HeifPicture) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  job?: Job;
}

const workers: PoolWorker[] = [];
const queue: Job[] = [];
const maxWorkers = availableParallelism();

/** Decodes a HEIF file in a worker; rejects with a one-line reason when libheif refuses it. */
export function decodeHeif(bytes: Uint8Array, options: HeifReadOptions): Promise<HeifPicture> {
  return new Promise((resolve, reject) => {
    queue.push({ request: { bytes, options }, resolve, reject });
    dispatch();
  });
}

/** Stops every worker (the CLI calls this when a run ends; idle workers would not hold it up anyway). */
export async function closeHeifDecoders(): Promise<void> {
  const stopping = workers.splice(0).map(({ worker }) => worker.terminate());
  await Promise.all(stopping);
}

function dispatch(): void {
  while (queue.length > 0) {
    const idle = workers.find((entry) => entry.job === undefined) ?? (workers.length < maxWorkers ? startWorker() : undefined);
    if (!idle) return;
    const job = queue.shift() as Job;
    idle.job = job;
    idle.worker.ref();
    // Copied, not moved: the caller keeps its bytes (a failed decode looks at them again), and
    // copying a few megabytes costs little next to decoding them.
    idle.worker.postMessage(job.request);
  }
}

function startWorker(): PoolWorker {
  const entry: PoolWorker = { worker: new Worker(WORKER_FILE) };
  entry.worker.on('message', (reply: HeifReply) => {
    const job = entry.job;
    entry.job = undefined;
    entry.worker.unref();
    if (reply.ok) job?.resolve(reply.picture);
    else job?.reject(new Error(reply.message));
    if (!reply.ok && reply.fatal) retire(entry);
    dispatch();
  });
  const fail = (error: Error) => {
    entry.job?.reject(new Error(`HEIF decoder stopped: ${error.message}`));
    entry.job = undefined;
    retire(entry);
    dispatch();
  };
  entry.worker.on('error', fail);
  entry.worker.on('exit', (code) => {
    if (workers.includes(entry)) fail(new Error(`exit code ${code}`));
  });
  workers.push(entry);
  return entry;
}

function retire(entry: PoolWorker): void {
  const at = workers.indexOf(entry);
  if (at >= 0) workers.splice(at, 1);
  void entry.worker.terminate();
}
