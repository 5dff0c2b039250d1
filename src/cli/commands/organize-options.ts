/** The `organize` command's options: flags, their env vars and help, declared in one place. */

import { InvalidArgumentError, Option, type Command } from 'commander';

export interface OrganizeFlags {
  source: 'local' | 'immich';
  sourceDir?: string[];
  reference?: string[];
  output?: string;
  threshold?: number;
  similarThreshold?: number;
  includeSimilar?: boolean;
  saveHashes?: string;
  dryRun?: boolean;
  report?: string[];
  json?: boolean;
  concurrency?: number;
  downloadConcurrency?: number;
  config?: string;
  quiet?: boolean;
  verbose?: boolean;
  progress: boolean;
  loadHashes?: string[];
  immichUrl?: string;
  immichApiKey?: string;
  immichAlbum?: string[];
  cacheDir?: string;
  cacheSizeMb?: number;
  streamMode?: boolean;
  caCert?: string;
  insecure?: boolean;
  tagOnly?: boolean;
  duplicateTag?: string;
  removeTag?: string;
  tagDuplicatesOfLocal?: boolean;
  tagPerGroup?: boolean;
  deleteTag?: boolean;
  pathGlob?: string[];
  createAlbums?: boolean;
  albumPrefix?: string;
  markBestFavorite?: boolean;
  stack?: boolean;
  /** False with `--no-verify`: trust the server's 2xx answers instead of reading each batch back. */
  verify: boolean;
  takenAfter?: Date;
  takenBefore?: Date;
  immichReview?: boolean;
  writeSimilarity?: boolean;
  archiveOthers?: boolean;
  trashOthers?: boolean;
  yes?: boolean;
  includePartners?: boolean;
  includeSharedAlbums?: boolean;
  withImmichDuplicates?: boolean;
}

/** Flags that only mean something with `--source immich`. */
export const IMMICH_ONLY_FLAGS: readonly (keyof OrganizeFlags)[] = [
  'immichUrl', 'immichApiKey', 'immichAlbum', 'cacheDir', 'cacheSizeMb', 'streamMode', 'caCert', 'insecure',
  'tagOnly', 'duplicateTag', 'removeTag', 'tagDuplicatesOfLocal', 'tagPerGroup', 'deleteTag', 'createAlbums', 'albumPrefix', 'markBestFavorite', 'stack',
  'immichReview', 'writeSimilarity', 'archiveOthers', 'trashOthers', 'yes',
  'includePartners', 'includeSharedAlbums', 'withImmichDuplicates',
];

export function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    return parsed;
  };
}

function date(name: string) {
  return (value: string): Date => {
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime())) throw new InvalidArgumentError(`${name} needs a date like 2023-06-01 or 2023-06-01T12:00:00Z, got "${value}"`);
    return parsed;
  };
}

export function addOrganizeOptions(command: Command): Command {
  return command
    .addOption(new Option('--source <kind>', 'where the photos are').choices(['local', 'immich']).default('local'))
    .option('-s, --source-dir <dir...>', 'local folders to scan (repeatable)')
    .option('--reference <dir...>', 'folders compared against but never acted on; their photos are always kept')
    .option('-o, --output <dir>', 'copy each group into <dir>/group-0001/... (best first; never overwrites; originals untouched)')
    .option('--threshold <n>', 'max Hamming distance (64-bit hash) for a near duplicate (default 8)', integer('--threshold', 0, 32))
    .option('--similar-threshold <n>', 'also report "similar" groups (bursts, retakes) up to this distance', integer('--similar-threshold', 1, 32))
    .option('--include-similar', 'act on "similar" groups too (by default they are only reported)')
    .option('--save-hashes <db>', 'hash database to read and update (default: under the user data dir)')
    .option('--path-glob <glob...>', "only files whose full path matches, e.g. '**/2023/**' (local)")
    .option('--taken-after <date>', 'only photos taken on or after this date (photos without a date are left out)', date('--taken-after'))
    .option('--taken-before <date>', 'only photos taken before this date', date('--taken-before'))
    .option('--load-hashes <db...>', 'hash databases of other libraries to compare against (reference photos, never acted on)')
    .option('--immich-url <url>', 'Immich server address, with or without /api (or IMMICH_URL / IMMICH_INSTANCE_URL)')
    .option('--immich-api-key <key>', 'Immich API key (or IMMICH_API_KEY; prefer the environment or a private config file)')
    .option('--immich-album <name...>', 'only scan the photos of these Immich albums (exact names)')
    .option('--cache-dir <dir>', 'thumbnail cache folder (default: under the user cache dir)')
    .option('--cache-size-mb <n>', 'thumbnail cache size cap, least recently used evicted (default 5000)', integer('--cache-size-mb', 1, 10_000_000))
    .option('--stream-mode', 'keep thumbnails in memory only; write no cache file')
    .option('--ca-cert <file>', 'trust this CA certificate (PEM) for a self-signed Immich server')
    .option('--insecure', 'do not verify the server certificate (prints a warning)')
    .option('--tag-only', 'tag every photo of every duplicate group in Immich (nothing else is changed)')
    .option('--duplicate-tag <name>', 'the tag to use (default possible-duplicate; duplicate-of-local with --tag-duplicates-of-local)')
    .option('--tag-duplicates-of-local', 'tag the Immich assets that duplicate a photo of the --load-hashes libraries')
    .option('--tag-per-group', 'with --tag-only, also tag each group with its own child tag <tag>/group-0001')
    .option('--remove-tag <name>', 'take this tag (and its child tags) off every asset that has it, then stop')
    .option('--delete-tag', 'with --remove-tag, then delete the tag itself (and its child tags)')
    .option('--create-albums', 'one Immich album per group: <prefix>0001, <prefix>0002, ... (reused when it exists)')
    .option('--album-prefix <prefix>', 'album name prefix for --create-albums (default duplicates-)')
    .option('--mark-best-favorite', 'mark the best photo of each group as favorite')
    .addOption(new Option('--stack', 'stack each group in Immich, the best photo on top').conflicts('immichReview'))
    .addOption(
      new Option('--immich-review', 'put each group on Immich\'s own "Review duplicates" page (one duplicateId per group; Immich\'s own groups are kept whole)')
        .conflicts(['trashOthers', 'removeTag']),
    )
    .addOption(new Option('--write-similarity', 'write the asset metadata key photo-organizer (group, best, reason, distance) on every grouped photo (Immich 3.x)').conflicts('removeTag'))
    .addOption(new Option('--archive-others', 'archive every photo of a group but the best (off the timeline; kept in albums and search)').conflicts(['trashOthers', 'removeTag']))
    .addOption(new Option('--trash-others', "move every photo of a group but the best to Immich's trash (never deleted for good); asks first on a terminal").conflicts('removeTag'))
    .addOption(new Option('-y, --yes', 'with --trash-others: do not ask (needed without a terminal, e.g. from cron)'))
    .option('--include-partners', "also compare with the photos partners share with you (those shown in your timeline); they are never changed")
    .option('--include-shared-albums', 'also compare with the photos of albums shared with you or by you; other users\' photos are never changed')
    .option('--with-immich-duplicates', "also take Immich's own duplicate groups (its machine-learning job), each checked by our pixel check: near, similar, or split")
    .option('--no-verify', 'trust the server: count an Immich change as done on its 2xx answer, without reading it back')
    .option('--dry-run', 'print the plan, change nothing')
    .option('--report <file...>', 'write a report: .json, .html or .csv, by extension')
    .option('--json', 'print the JSON report on stdout, and nothing else there')
    .option('--concurrency <n>', 'photos decoded at once (default: number of CPUs)', integer('--concurrency', 1, 64))
    .option('--download-concurrency <n>', 'Immich requests in flight, thumbnails fetched ahead of decoding (default 16)', integer('--download-concurrency', 1, 64))
    .option('--config <file>', 'config file (default: searched, then ~/.config/photo-organizer/config.yaml)')
    .option('-q, --quiet', 'no progress and no info lines; warnings and the final summary only')
    .option('-v, --verbose', 'more detail on stderr')
    .option('--no-progress', 'no progress bar even on a terminal');
}
