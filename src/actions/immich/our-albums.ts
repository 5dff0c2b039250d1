/**
 * Albums this tool created, from the journal of every earlier run. Album names are not unique in
 * Immich (API-NOTES §14.13), and group numbers shift when the library changes, so a group's album is
 * found by the photos our runs put in it first, by its name only after.
 */

import type { RunRepository } from '../../store/run-repository.js';

export interface OurAlbum {
  id: string;
  name: string;
  /** Every asset our runs put in it (not undone). */
  assetIds: Set<string>;
}

/** Albums our runs created (not undone), newest first. */
export function albumsWeCreated(journal: RunRepository): OurAlbum[] {
  const albums = new Map<string, OurAlbum>();
  const additions: { id: string; assetIds: string[] }[] = [];
  for (const run of journal.list(Number.MAX_SAFE_INTEGER)) {
    if (run.source !== 'immich' || run.dryRun) continue;
    for (const entry of journal.journal(run.id).reverse()) {
      if (entry.undoneAt !== undefined) continue;
      // An album whose creation was cut off before the server named it is found by name instead.
      if (entry.action === 'album.create' && entry.target !== '' && !albums.has(entry.target)) {
        albums.set(entry.target, { id: entry.target, name: entry.detail ?? '', assetIds: new Set(JSON.parse(entry.subject) as string[]) });
      }
      if (entry.action === 'album.assets') additions.push({ id: entry.target, assetIds: JSON.parse(entry.subject) as string[] });
    }
  }
  for (const { id, assetIds } of additions) for (const assetId of assetIds) albums.get(id)?.assetIds.add(assetId);
  return [...albums.values()];
}

/**
 * Which existing album each group goes to: ours holding most of its photos, else ours or another
 * owned album with its name; an album goes to one group at most. Undefined: create one.
 */
export function matchAlbums(
  groups: readonly { label: string; assetIds: readonly string[] }[],
  ours: readonly OurAlbum[],
  owned: readonly { id: string; albumName: string }[],
): ({ id: string; name: string } | undefined)[] {
  const claimed = new Set<string>();
  const result: ({ id: string; name: string } | undefined)[] = groups.map(() => undefined);
  groups.forEach((group, index) => {
    let best: OurAlbum | undefined;
    let bestOverlap = 0;
    for (const album of ours) {
      const overlap = group.assetIds.filter((id) => album.assetIds.has(id)).length;
      if (overlap > bestOverlap && !claimed.has(album.id)) [best, bestOverlap] = [album, overlap];
    }
    if (best) {
      claimed.add(best.id);
      result[index] = { id: best.id, name: best.name };
    }
  });
  groups.forEach((group, index) => {
    if (result[index]) return;
    const named = ours.find((album) => album.name === group.label && !claimed.has(album.id)) ?? owned.map((album) => ({ id: album.id, name: album.albumName })).find((album) => album.name === group.label && !claimed.has(album.id));
    if (named) {
      claimed.add(named.id);
      result[index] = named;
    }
  });
  return result;
}
