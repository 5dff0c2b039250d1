/**
 * Content checksums for the `exact` tier, only where they can matter. Byte-identical files have the
 * same size, so a local photo needs its SHA-1 only when another photo of the run or of a reference
 * library has exactly its byte size. Reading and hashing every original would cost ~5 ms of CPU a
 * 4 MB photo (a tenth of its decode) to find twins that share a size anyway. Checksums found for
 * the run's own photos are saved with them, so later runs reuse them.
 */

import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { CancelledError } from '../core/errors.js';
import type { Photo } from '../core/photo.js';
import type { HashRepository, StoredChecksum } from '../store/hash-repository.js';
import type { HashedPhoto } from './hash-stage.js';

export interface ExactChecksumOptions {
  /** Where the run's own photos are stored; reference libraries are only read. */
  store: HashRepository;
  concurrency: number;
  /** The photo's bytes if it is unchanged since it was hashed, else undefined (from the photo's source). */
  readOriginal: (photo: Photo) => Promise<Buffer | undefined>;
  signal?: AbortSignal;
}

/** Fills in the checksum of every local photo that shares its byte size with another photo, in place. */
export async function completeChecksums(ours: readonly HashedPhoto[], references: readonly HashedPhoto[], options: ExactChecksumOptions): Promise<void> {
  const missing = needingChecksum([...ours, ...references]);
  if (missing.length === 0) return;
  const own = new Set(ours);
  const found: StoredChecksum[] = [];
  // Few photos share a size, so the list is short; p-limit bounds how many files are read at once.
  const limit = pLimit(options.concurrency);
  const compute = async (hashed: HashedPhoto) => {
    if (options.signal?.aborted) return;
    const checksum = await checksumOf(hashed, options.readOriginal);
    // A file that vanished or changed since it was hashed is not vouched for: it stays out of the exact tier.
    if (checksum === undefined) return;
    hashed.checksum = checksum;
    if (own.has(hashed)) found.push({ source: hashed.photo.source, id: hashed.photo.id, changeKey: hashed.photo.changeKey, checksum });
  };
  await Promise.all(missing.map((hashed) => limit(() => compute(hashed))));
  options.store.saveChecksums(found);
  if (options.signal?.aborted) throw new CancelledError();
}

/** Local photos without a checksum whose byte size another photo has (unknown sizes, 0, match nothing). */
function needingChecksum(photos: readonly HashedPhoto[]): HashedPhoto[] {
  const bySize = new Map<number, HashedPhoto[]>();
  for (const hashed of photos) {
    const size = hashed.photo.meta.bytes;
    if (size <= 0) continue;
    const same = bySize.get(size);
    if (same) same.push(hashed);
    else bySize.set(size, [hashed]);
  }
  const missing: HashedPhoto[] = [];
  for (const same of bySize.values()) {
    if (same.length < 2) continue;
    for (const hashed of same) if (hashed.checksum === undefined && hashed.photo.source === 'local') missing.push(hashed);
  }
  return missing;
}

async function checksumOf({ photo }: HashedPhoto, readOriginal: ExactChecksumOptions['readOriginal']): Promise<string | undefined> {
  const bytes = await readOriginal(photo);
  return bytes && createHash('sha1').update(bytes).digest('base64');
}
