/**
 * libvips keeps recent operations, with their pixels, in a cache (by default up to 50 MB and 100
 * operations) so that repeating one is free. This tool decodes every photo once, so the cache can
 * only hold memory, spread over the malloc arenas of libvips' worker threads.
 */

import sharp from 'sharp';

/** Process-wide: called once by the command that decodes photos, before the first decode. */
export function disableDecodeCache(): void {
  sharp.cache(false);
}
