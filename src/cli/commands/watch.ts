/** `photo-organizer watch`: organize's settings and actions, applied to an Immich server's new photos as they arrive. */

import { Command } from 'commander';
import { DEFAULTS } from '../../config/defaults.js';
import { loadConfig } from '../../config/load-config.js';
import { UsageError } from '../../core/errors.js';
import { loadReferenceLibraries } from '../../store/reference-library.js';
import { lockStore } from '../../store/store-lock.js';
import { closeHeifDecoders } from '../../thumbnails/heif/heif-decoder.js';
import { disableDecodeCache } from '../../thumbnails/sharp-memory.js';
import { watchImmich } from '../../watch/watch-immich.js';
import { createLogger } from '../logger.js';
import { openImmichSource } from './immich-source-setup.js';
import { checkSourceFlags, immichTarget } from './organize.js';
import { addOrganizeOptions, integer, type OrganizeFlags } from './organize-options.js';

export interface WatchFlags extends OrganizeFlags {
  pollInterval?: number;
}

const DEFAULT_POLL_SECONDS = 30;

export const WATCH_EXAMPLES = `
Each poll asks the server for the assets updated since the last one (POST /search/metadata with
updatedAfter), hashes only those, groups them against every photo of the hash database, and acts
on their groups as organize would with the same flags. Each batch is a run in the journal
(photo-organizer runs; undo <run-id>). The first poll catches up with everything the hash database
does not know yet. SIGINT or SIGTERM stops it between batches (exit 0). If the server goes away,
watch retries with backoff and logs once when it goes and once when it is back.

Examples:
  $ IMMICH_URL=http://immich:2283 IMMICH_API_KEY=... photo-organizer watch --source immich --tag-only
  $ photo-organizer watch --source immich --stack --mark-best-favorite --poll-interval 60
  $ photo-organizer watch --source immich --immich-review --dry-run -v   # log what each batch would do`;

export function watchCommand(run: (task: (signal: AbortSignal) => Promise<number>) => void): Command {
  const command = new Command('watch').description('follow an Immich server: act on new and changed photos as they arrive (organize\'s actions), until SIGINT/SIGTERM');
  addOrganizeOptions(command)
    .option('--poll-interval <seconds>', `how often to ask the server for changes (default ${DEFAULT_POLL_SECONDS})`, integer('--poll-interval', 1, 86_400))
    .addHelpText('after', WATCH_EXAMPLES);
  command.action((flags: WatchFlags) => run((signal) => runWatch(flags, signal)));
  return command;
}

export async function runWatch(flags: WatchFlags, signal: AbortSignal): Promise<number> {
  disableDecodeCache();
  checkWatchFlags(flags);
  const logger = createLogger({ quiet: Boolean(flags.quiet), verbose: Boolean(flags.verbose) });
  const { config } = await loadConfig(flags.config, logger);
  checkSourceFlags(flags);
  const threshold = flags.threshold ?? config.threshold ?? DEFAULTS.threshold;
  const similarThreshold = flags.similarThreshold ?? config.similar_threshold;
  if (similarThreshold !== undefined && similarThreshold <= threshold) {
    throw new UsageError(`--similar-threshold (${similarThreshold}) must be greater than --threshold (${threshold})`);
  }
  if (flags.includeSimilar && similarThreshold === undefined) throw new UsageError('--include-similar needs --similar-threshold <n>');
  const storeFile = flags.saveHashes ?? config.hash_db ?? DEFAULTS.hashDb;
  // Taken before connecting, held until the watch ends: a second watch or organize is refused at once.
  const lock = lockStore(storeFile);
  try {
    const references = loadReferenceLibraries(flags.loadHashes ?? []);
    const opened = await openImmichSource(flags, config, logger, signal);
    try {
      const target = immichTarget(flags, config, opened);
      await watchImmich({
        server: opened.source,
        serverUrl: opened.serverUrl,
        storeFile,
        intervalMs: (flags.pollInterval ?? DEFAULT_POLL_SECONDS) * 1000,
        signal,
        logger,
        settings: {
          threshold,
          ...(similarThreshold !== undefined ? { similarThreshold } : {}),
          ...(config.best_photo_rules ? { bestRules: config.best_photo_rules } : {}),
          ...(target ? { target } : {}),
          serverUrl: opened.serverUrl,
          references,
          ...(flags.takenAfter || flags.takenBefore ? { takenRange: { after: flags.takenAfter, before: flags.takenBefore } } : {}),
          dryRun: Boolean(flags.dryRun),
          verify: flags.verify,
          concurrency: flags.concurrency ?? config.concurrency ?? DEFAULTS.concurrency,
          onPlan: (lines) => lines.forEach((line) => logger.info(line)),
        },
      });
    } finally {
      await opened.source.close();
      await closeHeifDecoders();
    }
  } finally {
    lock.release();
  }
  // Stopped by SIGINT/SIGTERM between (or inside) batches: the normal end of a watch.
  return 0;
}

/** What watch cannot do, in one line each; the rest is checked as for organize. */
function checkWatchFlags(flags: WatchFlags): void {
  if (flags.source !== 'immich') throw new UsageError('watch follows an Immich server: use --source immich (for local folders, run organize from cron)');
  if (flags.immichAlbum?.length) throw new UsageError('--immich-album cannot be used with watch: it follows the whole library');
  if (flags.removeTag !== undefined) throw new UsageError('--remove-tag is a one-off: use organize --remove-tag');
  if (flags.report?.length || flags.json) throw new UsageError('--report and --json write one report per run: use organize for a report (watch logs each batch on stderr)');
  // Its poller follows the key owner's own assets; other users' photos and Immich's groups are read by organize.
  if (flags.includePartners || flags.includeSharedAlbums || flags.withImmichDuplicates) {
    throw new UsageError('--include-partners, --include-shared-albums and --with-immich-duplicates are read by organize, not watch: run organize with them (from cron) beside the watch');
  }
  if (flags.trashOthers && !flags.dryRun && !flags.yes) throw new UsageError("--trash-others needs --yes with watch: nobody is there to answer before each batch moves photos to Immich's trash");
}
