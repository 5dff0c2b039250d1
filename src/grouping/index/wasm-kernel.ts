/**
 * Loads the compiled join kernel (assembly/hamming-join.ts, built to dist/hamming-join.wasm by
 * `npm run build`). The module is compiled once per process; every join gets its own shared memory,
 * sized for it, so nothing outlives the join, and a worker thread can work in the same memory.
 */

import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

/**
 * The built files. Three levels up from this file is the package root both from src/grouping/index
 * (tests, run on the sources) and from dist/grouping/index (the built CLI), so one build serves both.
 */
export const BUILT = new URL('../../../dist/', import.meta.url);
const WASM_FILE = new URL('hamming-join.wasm', BUILT);
const PAGE_BYTES = 65536;
/** WebAssembly memory is 32-bit: 4 GiB at most. */
const MAX_PAGES = 65536;

export type PairVisitor = (queryIndex: number, index: number, distance: number) => void;

export interface JoinKernel {
  readonly memory: WebAssembly.Memory;
  /** Buckets the hashes at `sorted` (ids at `ids`) in place: see assembly/hamming-join.ts. */
  bucket(count: number, start: number, width: number, offsets: number, ids: number, sorted: number, firstPassBits: number, scratch: number): void;
  join(
    outerOffsets: number,
    outerIds: number,
    outerHashes: number,
    innerOffsets: number,
    innerIds: number,
    innerHashes: number,
    start: number,
    width: number,
    lowBits: number,
    highMasks: number,
    highMaskCount: number,
    lowMasks: number,
    lowMaskCounts: number,
    t: number,
    radius: number,
    earlier: number,
    earlierCount: number,
    outerIsQuery: number,
    blockFrom: number,
    blockTo: number,
    owned: number,
    ownedCount: number,
  ): void;
}

let compiled: WebAssembly.Module | undefined;

export function kernelModule(): WebAssembly.Module {
  if (!compiled) {
    // V8 first runs WebAssembly in its baseline compiler and moves a function to optimised code only
    // for its next call; each kernel call is one long loop, so the first chunk of every join ran ~30 %
    // slower. The module is tiny: compile it optimised at once (the flag is read at compile time).
    setFlagsFromString('--no-liftoff');
    compiled = new WebAssembly.Module(new Uint8Array(readKernel()));
  }
  return compiled;
}

/** Shared memory of at least `bytes`. */
export function kernelMemory(bytes: number): WebAssembly.Memory {
  const pages = Math.ceil(bytes / PAGE_BYTES);
  if (pages > MAX_PAGES) throw new RangeError(`the join needs ${Math.ceil(bytes / 2 ** 20)} MB, more than WebAssembly's 4 GiB`);
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

/** A kernel instance working in `memory`, reporting pairs to `visit`. */
export function instantiateKernel(module: WebAssembly.Module, memory: WebAssembly.Memory, visit: PairVisitor): JoinKernel {
  const instance = new WebAssembly.Instance(module, { env: { memory, visit } });
  const { bucket, join } = instance.exports as unknown as Omit<JoinKernel, 'memory'>;
  return { memory, bucket, join };
}

function readKernel(): Buffer {
  try {
    return readFileSync(WASM_FILE);
  } catch (error) {
    throw new Error(`the grouping kernel ${WASM_FILE.pathname} is missing: run \`npm run build\` (${(error as Error).message})`);
  }
}
