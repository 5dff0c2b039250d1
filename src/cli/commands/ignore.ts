/** `photo-organizer ignore`: "these are not duplicates", remembered by every later run. */

import { Command } from 'commander';
import path from 'node:path';
import { DEFAULTS } from '../../config/defaults.js';
import { UsageError } from '../../core/errors.js';
import type { SourceKind } from '../../core/photo.js';
import { DecisionRepository } from '../../store/decision-repository.js';
import { openStore } from '../../store/open-store.js';
import { lockStore } from '../../store/store-lock.js';

interface IgnoreFlags {
  saveHashes?: string;
  run?: string;
  source: SourceKind;
}

export function ignoreCommand(run: (task: (signal: AbortSignal) => Promise<number>) => void): Command {
  return new Command('ignore')
    .description('mark a group (of the last run) or a set of photos as "not duplicates"; later runs never group them together')
    .argument('<group-or-photos...>', 'a group id like group-0003, or two or more photo ids (paths or Immich asset ids)')
    .option('--save-hashes <db>', 'hash database to record the decision in (default: under the user data dir)')
    .option('--run <run-id>', 'take the group id from this run instead of the latest one')
    .option('--source <kind>', 'source of the photo ids given (local or immich)', 'local')
    .addHelpText('after', '\nExamples:\n  $ photo-organizer ignore group-0003\n  $ photo-organizer ignore ~/Pictures/a.jpg ~/Pictures/b.jpg')
    .action((targets: string[], flags: IgnoreFlags) => run(() => Promise.resolve(ignore(targets, flags))));
}

function ignore(targets: readonly string[], flags: IgnoreFlags): number {
  const file = flags.saveHashes ?? DEFAULTS.hashDb;
  const lock = lockStore(file);
  const db = openStore(file);
  try {
    const decisions = new DecisionRepository(db);
    const [first] = targets;
    let source = flags.source;
    let ids: string[];
    if (targets.length === 1 && first && /^group-\d+$/.test(first)) {
      const group = decisions.groupMembers(first, flags.run);
      if (!group) throw new UsageError(`no ${first} in ${flags.run ? `run ${flags.run}` : 'any run'} of ${file}`);
      source = group.source;
      ids = group.photoIds;
    } else {
      if (targets.length < 2) throw new UsageError('give a group id, or at least two photo ids');
      ids = source === 'local' ? targets.map((target) => path.resolve(target)) : [...targets];
    }
    const added = decisions.ignoreTogether(source, ids);
    process.stdout.write(`${ids.length} photos will not be grouped together again (${added} new pairs recorded)\n`);
    return 0;
  } finally {
    db.close();
    lock.release();
  }
}

