/** `photo-organizer organize`: resolve settings, build the source and target, run the flow, print. */

import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import picomatch from 'picomatch';
import { localOutputTarget } from '../../actions/local-target.js';
import { UsageError } from '../../core/errors.js';
import type { Report } from '../../core/report.js';
import { loadConfig } from '../../config/load-config.js';
import { DEFAULTS } from '../../config/defaults.js';
import { organize, summaryLine, type OrganizeResult } from '../../pipeline.js';
import { renderJsonReport, reportFormatOf } from '../../report/write-report.js';
import { LocalPhotoSource } from '../../sources/local/local-photo-source.js';
import { createLogger } from '../logger.js';
import { formatGroups } from '../output.js';
import { createProgressDisplay } from '../progress-bar.js';
import { addOrganizeOptions, IMMICH_ONLY_FLAGS, type OrganizeFlags } from './organize-options.js';
import { openImmichSource, type ImmichSetup } from './immich-source-setup.js';
import { immichActionTarget, type ImmichAction, type ResolveActions } from '../../actions/immich/immich-target.js';
import { checkImmichDuplicates, readImmichDuplicates } from '../../sources/immich/index.js';
import type { ActionTarget } from '../../actions/action-target.js';
import type { UserConfig } from '../../config/config-schema.js';
import { loadReferenceLibraries } from '../../store/reference-library.js';
import { writeReports } from '../write-reports.js';
import type { PhotoSource } from '../../sources/photo-source.js';
import type { SourceEntry } from '../../core/photo.js';
import { disableDecodeCache } from '../../thumbnails/sharp-memory.js';
import { closeHeifDecoders } from '../../thumbnails/heif/heif-decoder.js';

export const ORGANIZE_EXAMPLES = `
Examples:
  $ photo-organizer organize -s ~/Pictures                       # list duplicate groups
  $ photo-organizer organize -s ~/Pictures -o ~/dupes --dry-run   # show what would be copied
  $ photo-organizer organize -s ~/Pictures --report groups.html   # contact sheet to look at
  $ photo-organizer organize -s ~/Pictures --json > report.json   # for scripts
  $ IMMICH_URL=http://immich:2283 IMMICH_API_KEY=... photo-organizer organize --source immich --report groups.html
  $ photo-organizer organize --source immich --tag-only --immich-review   # then Immich: Utilities → Review duplicates
  $ photo-organizer organize --source immich --archive-others --dry-run   # which copies would be archived
  $ photo-organizer organize --source immich --include-partners --include-shared-albums --tag-only   # theirs compared, never changed
  $ photo-organizer organize --source immich --with-immich-duplicates --json   # Immich's ML groups, checked by our pixels
  $ photo-organizer organize -s ~/Pictures --save-hashes local.db   # then compare Immich with it:
  $ photo-organizer organize --source immich --load-hashes local.db --json | jq -r '.references.unmatched[]'`;

export function organizeCommand(run: (task: (signal: AbortSignal) => Promise<number>) => void): Command {
  const command = new Command('organize').description('find duplicate and near-duplicate photos, pick the best of each group, act on the groups');
  addOrganizeOptions(command).addHelpText('after', ORGANIZE_EXAMPLES);
  command.action((flags: OrganizeFlags) => run((signal) => runOrganize(flags, signal)));
  return command;
}

export async function runOrganize(flags: OrganizeFlags, signal: AbortSignal): Promise<number> {
  disableDecodeCache();
  const logger = createLogger({ quiet: Boolean(flags.quiet || flags.json), verbose: Boolean(flags.verbose) });
  const { config } = await loadConfig(flags.config, logger);
  const reportFiles = flags.report ?? [];
  reportFiles.forEach(reportFormatOf);
  checkSourceFlags(flags);
  const threshold = flags.threshold ?? config.threshold ?? DEFAULTS.threshold;
  const similarThreshold = flags.similarThreshold ?? config.similar_threshold;
  if (similarThreshold !== undefined && similarThreshold <= threshold) {
    throw new UsageError(`--similar-threshold (${similarThreshold}) must be greater than --threshold (${threshold})`);
  }
  const withImmichDuplicates = flags.source === 'immich' && Boolean(flags.withImmichDuplicates ?? config.immich?.with_immich_duplicates);
  // Immich's groups bring `similar` groups of their own, which --include-similar may act on.
  if (flags.includeSimilar && similarThreshold === undefined && !withImmichDuplicates) throw new UsageError('--include-similar needs --similar-threshold <n> (or --with-immich-duplicates)');

  const references = loadReferenceLibraries(flags.loadHashes ?? []);
  const opened =
    flags.source === 'immich'
      ? await openImmichSource(flags, config, logger, signal)
      : {
          source: new LocalPhotoSource({
            folders: [
              ...(flags.sourceDir ?? []).map((path) => ({ path, reference: false })),
              ...(flags.reference ?? []).map((path) => ({ path, reference: true })),
            ],
            ...(flags.pathGlob?.length ? { pathFilter: picomatch(flags.pathGlob, { dot: true }) } : {}),
          }),
        };
  if (withImmichDuplicates && 'serverUrl' in opened) checkImmichDuplicates(opened.source.capabilities);
  // `--remove-tag` finds the tagged assets on the server: scanning the library first would be wasted.
  const source = flags.removeTag !== undefined ? listingNothing(opened.source) : opened.source;
  const progress = createProgressDisplay(flags.progress && !flags.quiet && !flags.json);
  let result: OrganizeResult;
  try {
    // Built after the server's capabilities are known, before anything changes: a missing one is exit 2.
    const target = 'serverUrl' in opened ? immichTarget(flags, config, opened) : flags.output ? localOutputTarget(flags.output, Boolean(flags.includeSimilar)) : undefined;
    result = await organize({
      source,
      storeFile: flags.saveHashes ?? config.hash_db ?? DEFAULTS.hashDb,
      threshold,
      ...(similarThreshold !== undefined ? { similarThreshold } : {}),
      ...(config.best_photo_rules ? { bestRules: config.best_photo_rules } : {}),
      ...(target ? { target } : {}),
      ...('serverUrl' in opened ? { serverUrl: opened.serverUrl } : {}),
      references,
      ...('serverUrl' in opened && withImmichDuplicates
        ? { immichDuplicates: (cancel?: AbortSignal) => readImmichDuplicates(opened.source.client, opened.source.capabilities, (message) => logger.warn(message), cancel) }
        : {}),
      // Local reference libraries next to an Immich run: their files are read back for checksums.
      ...('serverUrl' in opened && references.length > 0 ? { referenceSource: new LocalPhotoSource({ folders: [] }) } : {}),
      ...(flags.takenAfter || flags.takenBefore ? { takenRange: { after: flags.takenAfter, before: flags.takenBefore } } : {}),
      dryRun: Boolean(flags.dryRun),
      verify: flags.verify,
      concurrency: flags.concurrency ?? config.concurrency ?? DEFAULTS.concurrency,
      signal,
      onProgress: progress.listener,
      logger,
      onPlan: (lines) => lines.forEach((line) => logger.info(line)),
      ...(flags.trashOthers && !flags.yes ? { confirm: askOnTerminal } : {}),
    });
    await writeReports(result.report, reportFiles, result.groups, source);
  } finally {
    progress.stop();
    await source.close();
    await closeHeifDecoders();
  }
  printResult(result.report, flags);
  for (const action of result.report.actions.filter((candidate) => candidate.status === 'not kept')) {
    logger.warn(`${action.error ?? 'the server did not keep a change it answered as done'} (${action.count} ${action.type} changes not kept; not journaled)`);
  }
  return result.status === 'partial' ? 3 : 0;
}

/** The source with an empty listing; not the whole library, so no stored hash is dropped as deleted. */
function listingNothing(source: PhotoSource): PhotoSource {
  const none: AsyncIterable<SourceEntry> = { [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }) };
  return {
    kind: source.kind,
    thumbnailsAreOriginals: source.thumbnailsAreOriginals,
    listsWholeLibrary: false,
    list: () => none,
    thumbnail: (photo, signal) => source.thumbnail(photo, signal),
    close: () => source.close(),
  };
}

/** One clear line for flags that do not fit the chosen source. */
export function checkSourceFlags(flags: OrganizeFlags): void {
  if (flags.takenAfter && flags.takenBefore && flags.takenAfter >= flags.takenBefore) throw new UsageError('--taken-after must be before --taken-before');
  if (flags.source === 'local') {
    if (!flags.sourceDir?.length) throw new UsageError('--source local needs at least one folder: -s <dir>');
    const misplaced = [...IMMICH_ONLY_FLAGS.filter((flag) => flags[flag] !== undefined), ...(flags.verify === false ? ['noVerify'] : [])];
    if (misplaced.length > 0) throw new UsageError(`${misplaced.map(toFlagName).join(', ')} can only be used with --source immich`);
    return;
  }
  if (flags.sourceDir?.length || flags.reference?.length) throw new UsageError('-s/--source-dir and --reference only work with --source local; use --load-hashes to compare with a local library');
  if (flags.output) throw new UsageError('-o/--output only works with --source local');
  if (flags.pathGlob?.length) throw new UsageError('--path-glob only works with --source local; use --immich-album to limit an Immich run');
  const groupActions = [flags.createAlbums && '--create-albums', flags.markBestFavorite && '--mark-best-favorite', flags.stack && '--stack'].filter(Boolean);
  const actions = [flags.tagOnly && '--tag-only', flags.removeTag !== undefined && '--remove-tag', flags.tagDuplicatesOfLocal && '--tag-duplicates-of-local', groupActions.length > 0 && groupActions.join(', ')].filter(Boolean);
  if (actions.length > 1) throw new UsageError(`${actions.join(' and ')} cannot be used together`);
  if (flags.albumPrefix !== undefined && !flags.createAlbums) throw new UsageError('--album-prefix needs --create-albums');
  if (flags.tagPerGroup && !flags.tagOnly) throw new UsageError('--tag-per-group needs --tag-only');
  if (flags.deleteTag && flags.removeTag === undefined) throw new UsageError('--delete-tag needs --remove-tag <name>');
  if (flags.removeTag !== undefined && !isTagName(flags.removeTag)) throw new UsageError(`--remove-tag needs a tag name, got "${flags.removeTag}"`);
  if (flags.duplicateTag !== undefined && !isTagName(flags.duplicateTag)) throw new UsageError(`--duplicate-tag needs a tag name, got "${flags.duplicateTag}"`);
  if (flags.tagDuplicatesOfLocal && !flags.loadHashes?.length) throw new UsageError('--tag-duplicates-of-local needs --load-hashes <local.db>');
  if (flags.yes && !flags.trashOthers) throw new UsageError('--yes only goes with --trash-others');
  if (flags.trashOthers && !flags.dryRun && !flags.yes && !isInteractive()) {
    throw new UsageError("--trash-others needs --yes when not run from a terminal (cron, scripts): it moves photos to Immich's trash. Try --dry-run first to see which.");
  }
}

/** A person can answer a question: stdin and stderr (where the question goes) are a terminal. */
function isInteractive(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

/** The one question before trashing: on stderr, answered on stdin; anything but y/yes is no. */
async function askOnTerminal(question: string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await terminal.question(`${question} [y/N] `)).trim().toLowerCase();
    if (answer === 'y' || answer === 'yes') return true;
    process.stderr.write('Nothing was changed.\n');
    return false;
  } finally {
    terminal.close();
  }
}

export function immichTarget(flags: OrganizeFlags, config: UserConfig, opened: ImmichSetup): ActionTarget | undefined {
  const action = immichAction(flags, config);
  const resolve = resolveActions(flags);
  if (!action && !resolve) return undefined;
  const { client, capabilities } = opened.source;
  return immichActionTarget({ client, capabilities, includeSimilar: Boolean(flags.includeSimilar), ...(action ? { action } : {}), ...(resolve ? { resolve } : {}) });
}

function resolveActions(flags: OrganizeFlags): ResolveActions | undefined {
  if (!flags.immichReview && !flags.writeSimilarity && !flags.archiveOthers && !flags.trashOthers) return undefined;
  const others = flags.trashOthers ? 'trash' : flags.archiveOthers ? 'archive' : undefined;
  return { review: Boolean(flags.immichReview), similarity: Boolean(flags.writeSimilarity), ...(others ? { others } : {}) };
}

/** The one Immich action this run asks for (checkSourceFlags has refused combinations). */
function immichAction(flags: OrganizeFlags, config: UserConfig): ImmichAction | undefined {
  if (flags.removeTag !== undefined) return { kind: 'untag', tagName: flags.removeTag, deleteTag: Boolean(flags.deleteTag) };
  if (flags.tagOnly) {
    return { kind: 'tag', tagName: flags.duplicateTag ?? config.immich?.duplicate_tag ?? DEFAULTS.duplicateTag, perGroup: Boolean(flags.tagPerGroup) };
  }
  if (flags.tagDuplicatesOfLocal) return { kind: 'tag-duplicates-of-local', tagName: flags.duplicateTag ?? DEFAULTS.localDuplicateTag };
  if (!flags.createAlbums && !flags.markBestFavorite && !flags.stack) return undefined;
  return {
    kind: 'groups',
    ...(flags.createAlbums ? { albumPrefix: flags.albumPrefix ?? config.immich?.album_prefix ?? DEFAULTS.albumPrefix } : {}),
    favorite: Boolean(flags.markBestFavorite),
    stack: Boolean(flags.stack),
  };
}

/** Immich splits tag values on '/' and drops empty parts: `a//b/` would not be the tag we look for. */
function isTagName(name: string): boolean {
  return name.length > 0 && name.split('/').every((part) => part.trim().length > 0);
}

function toFlagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

function printResult(report: Report, flags: OrganizeFlags): void {
  if (flags.json) {
    process.stdout.write(renderJsonReport(report));
    return;
  }
  if (!flags.quiet) process.stdout.write(formatGroups(report));
  process.stderr.write(`${report.dryRun ? '[dry run] ' : ''}${summaryLine(report)}\n`);
}

