/** `photo-organizer runs`: past runs from the journal, newest first. */

import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { DEFAULTS } from '../../config/defaults.js';
import { openStore } from '../../store/open-store.js';
import { RunRepository } from '../../store/run-repository.js';
import { integer } from './organize-options.js';

interface RunsFlags {
  saveHashes?: string;
  limit: number;
  json?: boolean;
}

export function runsCommand(run: (task: (signal: AbortSignal) => Promise<number>) => void): Command {
  return new Command('runs')
    .description('list past runs recorded in the hash database')
    .option('--save-hashes <db>', 'hash database holding the journal (default: under the user data dir)')
    .option('--limit <n>', 'how many runs to show', integer('--limit', 1, 100000), 20)
    .option('--json', 'print the runs as JSON')
    .addHelpText('after', '\nExample:\n  $ photo-organizer runs --limit 5')
    .action((flags: RunsFlags) => run(() => Promise.resolve(listRuns(flags))));
}

function listRuns(flags: RunsFlags): number {
  const file = flags.saveHashes ?? DEFAULTS.hashDb;
  if (!existsSync(file)) {
    process.stderr.write(`no runs yet (no hash database at ${file})\n`);
    return 0;
  }
  const db = openStore(file, { readonly: true });
  try {
    const runs = new RunRepository(db).list(flags.limit);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      return 0;
    }
    for (const record of runs) {
      const changes = new RunRepository(db).journal(record.id).length;
      process.stdout.write(
        `${record.id}  ${record.status.padEnd(9)} ${record.source.padEnd(6)} ${record.serverUrl ? `${record.serverUrl}  ` : ''}${record.dryRun ? 'dry-run ' : ''}${changes} changes  ${record.summary ?? ''}\n`,
      );
    }
    return 0;
  } finally {
    db.close();
  }
}
