/**
 * Reversing a run from its journal, newest change first: untag what it tagged, re-tag what it
 * untagged, delete a tag it created once no asset carries it, un-favorite only what it made
 * favorite, take out of albums what it added, delete albums and stacks it created. Each reversed entry is marked undone,
 * so undoing twice changes nothing the second time.
 */

import type { ImmichClient } from '../sources/immich/index.js';
import type { JournalEntry, RunRepository } from '../store/run-repository.js';
import { assetsWithTag } from './immich/tag-lookup.js';

export interface UndoOutcome {
  reversed: number;
  /** Entries this version cannot reverse (e.g. local copies), with why. */
  skipped: { entry: JournalEntry; reason: string }[];
  /** Dry-run lines, or what was done. */
  lines: string[];
}

export async function undoRun(runId: string, journal: RunRepository, client: ImmichClient | undefined, dryRun: boolean, signal?: AbortSignal): Promise<UndoOutcome> {
  const outcome: UndoOutcome = { reversed: 0, skipped: [], lines: [] };
  const entries = journal.journal(runId).filter((entry) => entry.undoneAt === undefined).reverse();
  const options = signal ? { signal } : {};
  for (const entry of entries) {
    if (entry.action === 'copy') {
      outcome.skipped.push({ entry, reason: `copied file ${entry.target} is left in place (the original was never touched)` });
      continue;
    }
    if (!client) throw new Error(`run ${runId} changed Immich: undo needs the server (--immich-url, --immich-api-key)`);
    const ids = entry.action === 'tag.create' ? [] : (JSON.parse(entry.subject) as string[]);
    const verb = dryRun ? 'Would' : 'Did';
    switch (entry.action) {
      case 'tag.assets':
        if (!dryRun) await client.untagAssets(entry.target, ids, options);
        outcome.lines.push(`${verb} remove tag '${entry.detail ?? entry.target}' from ${ids.length} assets`);
        break;
      case 'untag.assets':
        if (!dryRun) await client.bulkTagAssets([entry.target], ids, options);
        outcome.lines.push(`${verb} put tag '${entry.detail ?? entry.target}' back on ${ids.length} assets`);
        break;
      case 'tag.create': {
        const stillUsed = dryRun ? 0 : (await assetsWithTag(client, entry.target, signal)).size;
        if (stillUsed > 0) {
          outcome.skipped.push({ entry, reason: `tag ${entry.target} is on ${stillUsed} assets tagged by someone else; kept` });
          continue;
        }
        if (!dryRun) await client.deleteTag(entry.target, options);
        outcome.lines.push(`${verb} delete the tag this run created (${entry.target})`);
        break;
      }
      case 'favorite':
        if (!dryRun) await client.updateAssets({ ids, isFavorite: false }, options);
        outcome.lines.push(`${verb} un-favorite ${ids.length} assets this run made favorite`);
        break;
      case 'album.assets':
        if (!dryRun) await client.removeAssetsFromAlbum(entry.target, ids, options);
        outcome.lines.push(`${verb} take ${ids.length} assets out of album '${entry.detail ?? entry.target}'`);
        break;
      case 'album.create':
        // Deleting an album never deletes its photos.
        if (!dryRun) await client.deleteAlbum(entry.target, options);
        outcome.lines.push(`${verb} delete album '${entry.detail ?? entry.target}' this run created`);
        break;
      case 'stack.create':
        if (!dryRun) await client.deleteStack(entry.target, options);
        outcome.lines.push(`${verb} unstack '${entry.detail ?? entry.target}'`);
        break;
      default:
        outcome.skipped.push({ entry, reason: `unknown journal action ${entry.action}` });
        continue;
    }
    if (!dryRun) journal.markUndone(runId, entry.seq);
    outcome.reversed++;
  }
  return outcome;
}
