/**
 * What the kept photo takes from the copies about to be archived or trashed, as Immich's own
 * `POST /duplicates/resolve` does (v3.1.0 DuplicateService, RESOLVE-NOTES §2): favorite if a copy is,
 * the highest rating, the description lines of all (the keeper's first), the copies' album memberships,
 * and a location or date the keeper lacks (the location only when the copies agree on one). Pure: the
 * changes, each with the state before, are computed here and written by `others-target`.
 */

import type { AssetState } from './asset-state.js';

export interface Location {
  latitude: number;
  longitude: number;
}

export interface Inheritance {
  keeper: string;
  favorite?: true;
  rating?: { before: number | null; after: number };
  description?: { before: string; after: string };
  location?: Location;
  date?: string;
  /** Albums a copy is in and the keeper is not. */
  albums: string[];
}

export function inherit(keeper: AssetState, copies: readonly AssetState[], albumsOf: ReadonlyMap<string, readonly string[]>): Inheritance {
  const result: Inheritance = { keeper: keeper.id, albums: [] };
  if (!keeper.isFavorite && copies.some((copy) => copy.isFavorite)) result.favorite = true;

  const rating = Math.max(0, ...copies.map((copy) => copy.rating ?? 0));
  if (rating > (keeper.rating ?? 0)) result.rating = { before: keeper.rating, after: rating };

  const description = uniqueLines([keeper.description, ...copies.map((copy) => copy.description)]).join('\n');
  if (description !== keeper.description.trim() && description !== '') result.description = { before: keeper.description, after: description };

  if (keeper.latitude === null || keeper.longitude === null) {
    const places = new Set(copies.filter((copy) => copy.latitude !== null && copy.longitude !== null).map((copy) => `${copy.latitude},${copy.longitude}`));
    const [only] = places;
    if (places.size === 1 && only !== undefined) {
      const [latitude, longitude] = only.split(',').map(Number) as [number, number];
      result.location = { latitude, longitude };
    }
  }

  if (keeper.dateTimeOriginal === null) {
    const dates = copies.map((copy) => copy.dateTimeOriginal).filter((date): date is string => date !== null).sort();
    if (dates[0] !== undefined) result.date = dates[0];
  }

  const keeperAlbums = new Set(albumsOf.get(keeper.id) ?? []);
  result.albums = [...new Set(copies.flatMap((copy) => albumsOf.get(copy.id) ?? []))].filter((album) => !keeperAlbums.has(album)).sort();
  return result;
}

export function isEmpty(inheritance: Inheritance): boolean {
  const { keeper: _keeper, albums, ...fields } = inheritance;
  return albums.length === 0 && Object.keys(fields).length === 0;
}

/** Non-empty trimmed lines, each once, in order (Immich's `uniqueNonEmptyLines`). */
function uniqueLines(texts: readonly string[]): string[] {
  const lines: string[] = [];
  for (const text of texts) {
    for (const line of text.split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed !== '' && !lines.includes(trimmed)) lines.push(trimmed);
    }
  }
  return lines;
}
