/**
 * Albums this tool created, from the journal of every earlier run: album names are not unique in
 * Immich (API-NOTES §14.13), so the album we made is found by its id first, by its name only after.
 */

import type { RunRepository } from '../../store/run-repository.js';

/** Album name → ids of the albums our runs created with that name (not undone), newest first. */
export function albumsWeCreated(journal: RunRepository): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const run of journal.list(Number.MAX_SAFE_INTEGER)) {
    if (run.source !== 'immich' || run.dryRun) continue;
    for (const entry of journal.journal(run.id).reverse()) {
      if (entry.action !== 'album.create' || entry.undoneAt !== undefined || entry.detail === undefined) continue;
      const ids = byName.get(entry.detail) ?? [];
      ids.push(entry.target);
      byName.set(entry.detail, ids);
    }
  }
  return byName;
}
