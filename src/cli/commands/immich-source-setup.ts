/** Building the Immich source from flags, environment and config file, in that order. */

import { readFileSync } from 'node:fs';
import type { UserConfig } from '../../config/config-schema.js';
import { DEFAULTS } from '../../config/defaults.js';
import { readEnvironment } from '../../config/environment.js';
import { UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/progress.js';
import { ImmichPhotoSource } from '../../sources/immich/index.js';
import { ThumbnailCache } from '../../thumbnails/thumbnail-cache.js';
import type { OrganizeFlags } from './organize-options.js';

export interface ImmichSetup {
  source: ImmichPhotoSource;
  /** The server's web address for report links: never carries the key. */
  serverUrl: string;
}

export async function openImmichSource(flags: OrganizeFlags, config: UserConfig, logger: Logger, signal: AbortSignal): Promise<ImmichSetup> {
  const env = readEnvironment();
  const url = flags.immichUrl ?? env.immichUrl ?? config.immich?.url;
  const apiKey = flags.immichApiKey ?? env.immichApiKey ?? config.immich?.api_key;
  if (!url) throw new UsageError('--source immich needs the server address: --immich-url, IMMICH_URL or immich.url in the config file');
  if (!apiKey) throw new UsageError('--source immich needs an API key: --immich-api-key, IMMICH_API_KEY or immich.api_key in the config file');
  const insecure = Boolean(flags.insecure ?? config.immich?.insecure);
  if (insecure) logger.warn('--insecure: the server certificate is not verified; anyone on the network path could read your API key');
  const caFile = flags.caCert ?? config.immich?.ca_cert;
  let caCert: Buffer | undefined;
  if (caFile) {
    try {
      caCert = readFileSync(caFile);
    } catch (error) {
      throw new UsageError(`--ca-cert ${caFile}: ${(error as Error).message}`);
    }
  }
  const timeoutMs = env.httpTimeout !== undefined ? timeoutFrom(env.httpTimeout) : undefined;
  const cache = await ThumbnailCache.open({
    streamMode: Boolean(flags.streamMode),
    cacheDir: flags.cacheDir ?? config.immich?.cache_dir ?? DEFAULTS.cacheDir,
    maxBytes: (flags.cacheSizeMb ?? config.immich?.cache_size_mb ?? DEFAULTS.cacheSizeMb) * 1024 * 1024,
    onWarning: (message: string) => logger.warn(message),
  });
  const source = await ImmichPhotoSource.open({
    baseUrl: url,
    apiKey,
    // Requests in flight are sized for the network; --concurrency bounds the decoding (CPU) only.
    concurrency: flags.downloadConcurrency ?? config.immich?.download_concurrency ?? DEFAULTS.downloadConcurrency,
    ...(caCert ? { caCert } : {}),
    insecure,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    cache,
    ...(flags.immichAlbum?.length ? { albumNames: flags.immichAlbum } : {}),
    shared: {
      partners: Boolean(flags.includePartners ?? config.immich?.include_partners),
      sharedAlbums: Boolean(flags.includeSharedAlbums ?? config.immich?.include_shared_albums),
    },
    onRetry: (event) => logger.debug(`retrying ${event.method} ${event.endpoint} (attempt ${event.attempt}): ${event.reason}`),
    onNotice: (message) => logger.warn(message),
    signal,
  });
  if (source.capabilities.versionNotice !== undefined) logger.warn(source.capabilities.versionNotice);
  if (source.capabilities.keyNotice !== undefined) logger.warn(source.capabilities.keyNotice);
  return { source, serverUrl: webUrl(url) };
}

/** A slow server or link may need more than the default 30 s per request; tests need less. */
function timeoutFrom(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UsageError(`PHOTO_ORGANIZER_HTTP_TIMEOUT must be seconds per request, more than 0 and at most 3600, got "${text}"`);
  }
  return Math.round(seconds * 1000);
}

/** `https://photos.example/immich/api/` → `https://photos.example/immich`: where `/photos/<id>` lives. */
function webUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString().replace(/\/+$/, '').replace(/\/api$/, '');
}
