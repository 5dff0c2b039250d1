/**
 * Turning `--immich-album <name...>` into album ids. Names are matched exactly (case-sensitive, like
 * v3's `?name=`). Names are not unique in Immich: every album with the name is included.
 */

import { UsageError } from '../../core/errors.js';
import type { ImmichClient } from './immich-client.js';
import type { AlbumDto } from './immich-dto.js';
import type { ServerCapabilities } from './server-capabilities.js';

export async function resolveAlbumIds(
  client: ImmichClient,
  capabilities: ServerCapabilities,
  names: readonly string[],
  signal?: AbortSignal,
): Promise<string[]> {
  const found = new Map<string, number>();
  const missing: string[] = [];
  // v1/v2 have no name filter, and list only owned albums unless `shared=true`: fetch both once.
  const everything = capabilities.albumNameFilter ? undefined : await listAllAlbums(client, signal);
  for (const name of new Set(names)) {
    const albums = everything ?? (await client.getAlbums({ name }, { signal }));
    const matches = albums.filter((album) => album.albumName === name);
    if (matches.length === 0) missing.push(name);
    for (const album of matches) found.set(album.id, album.assetCount ?? 0);
  }
  if (missing.length > 0) {
    const list = missing.map((name) => `"${name}"`).join(', ');
    throw new UsageError(`Immich album${missing.length > 1 ? 's' : ''} not found: ${list} (names are matched exactly, case-sensitive)`);
  }
  // Largest first: the paging check probes once, sized by the first album that fills a page, and that
  // answer serves every smaller album after it (smallest first would probe again for each larger one).
  return [...found].sort(([, a], [, b]) => b - a).map(([id]) => id);
}

async function listAllAlbums(client: ImmichClient, signal: AbortSignal | undefined): Promise<AlbumDto[]> {
  const [owned, shared] = await Promise.all([client.getAlbums({}, { signal }), client.getAlbums({ shared: true }, { signal })]);
  const byId = new Map<string, AlbumDto>();
  for (const album of [...owned, ...shared]) byId.set(album.id, album);
  return [...byId.values()];
}
