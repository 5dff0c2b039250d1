/**
 * list → thumbnail → fingerprint, reusing stored fingerprints of unchanged photos, saved in batches,
 * each batch one transaction, so an interrupted run keeps what it finished and the next run
 * continues from there.
 *
 * Two bounds, one per resource: at most `concurrency` photos are decoded at once (the CPU), and a
 * source that fetches over the network gets `readAhead` more photos in flight, so its requests
 * (bounded by its own client) keep the link busy while the decoders work. Back-pressure comes from
 * the total: a photo is taken from the listing only when one has left the stage.
 */

import type { Photo, SourceEntry } from '../core/photo.js';
import { CancelledError, PhotoUnreadableError } from '../core/errors.js';
import { mapConcurrent } from '../core/map-concurrent.js';
import pLimit, { type LimitFunction } from 'p-limit';
import type { RunAccount } from '../core/run-account.js';
import type { ProgressListener } from '../core/progress.js';
import type { PhotoSource } from '../sources/photo-source.js';
import type { HashRepository, StoredPhoto } from '../store/hash-repository.js';
import type { ImageInput } from '../thumbnails/hash-input.js';
import { decodePhoto, decodesFromBytes } from '../thumbnails/decode-photo.js';
import { chromaFromChannels, encodeLook, lookOf } from '../thumbnails/photo-look.js';
import { sniffFormat } from '../core/image-format.js';
import { HashArena } from './hash-arena.js';
import { computeFingerprint, decodeFingerprint, encodeFingerprint, FINGERPRINT_VERSION, withoutThumbnail, type Fingerprint } from './fingerprint.js';

export interface HashedPhoto {
  photo: Photo;
  /** Without its thumbnail when it comes from the hash stage: that one stays in the store (see `withoutThumbnail`). */
  fingerprint: Fingerprint;
  /** Content checksum (SHA-1, base64, like Immich's) when it is trustworthy for exact matching. */
  checksum: string | undefined;
}

export interface HashStageOptions {
  source: PhotoSource;
  store: HashRepository;
  runId: string;
  /** Photos decoded and hashed at once. */
  concurrency: number;
  account: RunAccount;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Called for every photo as soon as it is hashed or reused (grouping collects them). */
  onPhoto: (hashed: HashedPhoto) => void;
}

const SAVE_BATCH = 64;

export async function hashPhotos(options: HashStageOptions): Promise<void> {
  const { source, store, runId, account, signal } = options;
  const pendingSaves: StoredPhoto[] = [];
  const seen: string[] = [];
  // The hashes of every photo handed on stay in memory until grouping is done: shared blocks.
  const arena = new HashArena();
  const flush = () => {
    if (pendingSaves.length > 0) store.saveBatch(pendingSaves.splice(0), runId);
    if (seen.length > 0) store.markSeen(source.kind, seen.splice(0), runId);
  };
  let listed = 0;
  let done = 0;

  const photos = filterPhotos(source.list(signal), account, () => {
    listed++;
    options.onProgress?.({ stage: 'list', done: listed });
  });
  const decoding = pLimit(Math.max(1, options.concurrency));
  // As many photos again finishing (fingerprint, look, store) on the main thread while the next
  // ones decode: a decoder never waits for the JavaScript work of the photo it just decoded.
  const inFlight = 2 * Math.max(1, options.concurrency) + Math.max(0, source.readAhead ?? 0);
  try {
    for await (const outcome of mapConcurrent(photos, inFlight, (photo) => hashOne(photo, options, arena, decoding), signal)) {
      done++;
      options.onProgress?.({ stage: 'hash', done, total: listed });
      if (outcome.kind === 'error') {
        const item = { id: outcome.photo.id, path: outcome.photo.path, reason: outcome.reason };
        if (outcome.unreadable) account.skip(item);
        else account.fail(item);
        continue;
      }
      if (outcome.kind === 'reused') {
        account.reused++;
        seen.push(outcome.hashed.photo.id);
      } else {
        account.hashed++;
        pendingSaves.push(outcome.stored);
      }
      options.onPhoto(outcome.hashed);
      if (pendingSaves.length >= SAVE_BATCH || seen.length >= SAVE_BATCH * 16) flush();
    }
  } finally {
    flush();
  }
  if (signal?.aborted) throw new CancelledError();
}

async function* filterPhotos(entries: AsyncIterable<SourceEntry>, account: RunAccount, onListed: () => void): AsyncGenerator<Photo> {
  for await (const entry of entries) {
    if (entry.kind === 'skipped') {
      account.skip(entry.skipped);
      continue;
    }
    if (entry.kind === 'ignored') {
      account.ignored.push(entry.path);
      continue;
    }
    account.photos++;
    onListed();
    yield entry.photo;
  }
}

type Outcome =
  | { kind: 'reused'; hashed: HashedPhoto }
  | { kind: 'hashed'; hashed: HashedPhoto; stored: StoredPhoto }
  | { kind: 'error'; photo: Photo; reason: string; unreadable: boolean };

async function hashOne(photo: Photo, options: HashStageOptions, arena: HashArena, decoding: LimitFunction): Promise<Outcome> {
  const { source, store } = options;
  const stored = store.find(source.kind, photo.id);
  if (stored && stored.changeKey === photo.changeKey && stored.fingerprintVersion === FINGERPRINT_VERSION) {
    if (source.thumbnailsAreOriginals) photo.meta = { ...photo.meta, ...stored.meta };
    const checksum = photo.knownChecksum ?? stored.checksum;
    return { kind: 'reused', hashed: { photo, fingerprint: decodeFingerprint(stored.fingerprint, { thumbnail: false, arena }), checksum } };
  }

  let image: ImageInput;
  try {
    // HEIC and RAW are decoded from their bytes (libheif, the RAW's preview); the rest by sharp from the file.
    image = source.originalInput && !decodesFromBytes(photo.meta.format) ? await source.originalInput(photo, options.signal) : await source.thumbnail(photo, options.signal);
  } catch (error) {
    return failure(photo, error);
  }
  try {
    // A server thumbnail's chroma is measured in the same decode; an original's comes from its header.
    // An original's JPEG quality is read with its header; a server thumbnail's says nothing of its original's.
    const measureChroma = !source.thumbnailsAreOriginals && typeof image !== 'string';
    const decoded = await decoding(() => decodePhoto(image, photo.meta.format, { chroma: measureChroma, quality: source.thumbnailsAreOriginals }));
    const { input, grey, meta, channels } = decoded;
    const fingerprint = computeFingerprint(input);
    if (source.thumbnailsAreOriginals) photo.meta = { ...photo.meta, ...meta };
    // A local original's content checksum is left to the exact-checksum stage: only photos that
    // share a byte size with another can be byte-identical, so most never need one.
    const checksum = photo.knownChecksum;
    const record: StoredPhoto = {
      source: source.kind,
      id: photo.id,
      changeKey: photo.changeKey,
      fingerprintVersion: FINGERPRINT_VERSION,
      fingerprint: encodeFingerprint(fingerprint),
      checksum,
      path: photo.path,
      meta: photo.meta,
      look: encodeLook(lookOf(grey, decoded.chroma ?? chromaFromChannels(channels))),
    };
    return { kind: 'hashed', hashed: { photo, fingerprint: withoutThumbnail(fingerprint, arena), checksum }, stored: record };
  } catch (error) {
    return await decodeFailure(photo, image, error, source);
  }
}

/** A corrupt image and a file that is no image at all get different reasons: its header tells which. */
async function decodeFailure(photo: Photo, image: ImageInput, error: unknown, source: PhotoSource): Promise<Outcome> {
  if (error instanceof PhotoUnreadableError) return failure(photo, error);
  let bytes: Buffer;
  try {
    bytes = typeof image === 'string' ? await source.thumbnail(photo) : image;
  } catch (readError) {
    return failure(photo, readError);
  }
  const claimed = photo.meta.format.toUpperCase();
  const reason = sniffFormat(bytes) ? `cannot decode image: ${messageOf(error)}` : `not a valid ${claimed} file (unrecognised content)`;
  return { kind: 'error', photo, reason, unreadable: true };
}

function failure(photo: Photo, error: unknown): Outcome {
  return { kind: 'error', photo, reason: messageOf(error), unreadable: error instanceof PhotoUnreadableError };
}

/** One line: libvips explains a failure over several lines, the first says what happened. */
function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim() !== '')?.trim() ?? message;
}
