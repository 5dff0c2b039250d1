/** Defaults, the last layer under flags, environment and config file. */

import envPaths from 'env-paths';
import { DEFAULT_THRESHOLD } from '../hashing/fingerprint.js';
import os from 'node:os';
import path from 'node:path';

const paths = envPaths('photo-organizer', { suffix: '' });

export const DEFAULTS = {
  /** Fixed by the accuracy work on the dev benchmark; see README "Accuracy". */
  threshold: DEFAULT_THRESHOLD,
  concurrency: Math.max(1, os.availableParallelism()),
  /**
   * Immich requests in flight: sized for the network, not the CPU. Enough to keep a LAN or a reverse
   * proxy's latency hidden (at 20 ms a request, 16 in flight fetch ~800 thumbnails a second), few
   * enough for a small server (Immich serves a thumbnail from disk; 429 and Retry-After still slow us).
   */
  downloadConcurrency: 16,
  hashDb: path.join(paths.data, 'hashes.db'),
  cacheDir: path.join(paths.cache, 'thumbnails'),
  cacheSizeMb: 5000,
  duplicateTag: 'possible-duplicate',
  localDuplicateTag: 'duplicate-of-local',
  albumPrefix: 'duplicates-',
} as const;
