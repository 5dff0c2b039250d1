/**
 * A worker thread that reads HEIF files for the main thread (heif-decoder.ts): libheif in
 * WebAssembly is synchronous and takes up to seconds for a full-size picture, so it must not run
 * on the thread that drives the pipeline. One request at a time; the pixels go back transferred.
 */

import { parentPort } from 'node:worker_threads';
import { HeifReadError, readHeif, type HeifPicture, type HeifReadOptions } from './libheif.js';

export interface HeifRequest {
  bytes: Uint8Array;
  options: HeifReadOptions;
}

export type HeifReply =
  | { ok: true; picture: HeifPicture }
  | { ok: false; message: string; fatal: boolean };

const port = parentPort;
if (port) {
  port.on('message', (request: HeifRequest) => {
    void readHeif(request.bytes, request.options).then(
      (picture) => {
        const transfer = [picture.pixels.buffer as ArrayBuffer, ...(picture.exif ? [picture.exif.buffer as ArrayBuffer] : [])];
        port.postMessage({ ok: true, picture } satisfies HeifReply, transfer);
      },
      (error: unknown) => {
        // libheif's own errors leave the module sound; anything else (a wasm trap, out of memory)
        // may not, so the pool replaces this worker.
        const fatal = !(error instanceof HeifReadError);
        port.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error), fatal } satisfies HeifReply);
      },
    );
  });
}
