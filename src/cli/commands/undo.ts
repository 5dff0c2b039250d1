/** `photo-organizer undo <run-id>`: reverse what a run changed in Immich, from the journal, on the server the run recorded. */

import { Command } from 'commander';
import { undoPermissions, undoRun } from '../../actions/undo.js';
import { loadConfig } from '../../config/load-config.js';
import { DEFAULTS } from '../../config/defaults.js';
import { CapabilityError, UsageError } from '../../core/errors.js';
import type { UserConfig } from '../../config/config-schema.js';
import { readEnvironment } from '../../config/environment.js';
import { keyAllows, normalizeBaseUrl } from '../../sources/immich/index.js';
import { openStore } from '../../store/open-store.js';
import { newRunId, RunRepository, type RunRecord } from '../../store/run-repository.js';
import { lockStore } from '../../store/store-lock.js';
import { createLogger } from '../logger.js';
import { openImmichSource, type ImmichSetup } from './immich-source-setup.js';
import type { OrganizeFlags } from './organize-options.js';

interface UndoFlags {
  saveHashes?: string;
  dryRun?: boolean;
  immichUrl?: string;
  immichApiKey?: string;
  caCert?: string;
  insecure?: boolean;
  config?: string;
}

export function undoCommand(run: (task: (signal: AbortSignal) => Promise<number>) => void): Command {
  return new Command('undo')
    .description('reverse what a run changed in Immich: tags, albums, favorites, stacks, review groups, metadata, archived and trashed photos')
    .argument('<run-id>', 'a run id from `photo-organizer runs`')
    .option('--save-hashes <db>', 'hash database holding the journal (default: under the user data dir)')
    .option('--dry-run', 'print what would be reversed, change nothing')
    .option('--immich-url <url>', 'Immich server address; by default the one the run was made with (another one is refused)')
    .option('--immich-api-key <key>', 'Immich API key (or IMMICH_API_KEY)')
    .option('--ca-cert <file>', 'trust this CA certificate (PEM)')
    .option('--insecure', 'do not verify the server certificate (prints a warning)')
    .option('--config <file>', 'config file')
    .addHelpText('after', '\nExamples:\n  $ photo-organizer runs\n  $ photo-organizer undo 20261122-101500-ab12cd --dry-run\n  $ photo-organizer undo 20261122-101500-ab12cd')
    .action((runId: string, flags: UndoFlags) => run((signal) => undo(runId, flags, signal)));
}

/**
 * The server to undo against: the one recorded with the run. An address given by flag, environment or
 * config that names another server is refused, with both addresses: undo must never act elsewhere.
 * Runs recorded before the server was kept use the given address (and undo checks their photos are there).
 */
function serverOf(record: RunRecord, flags: UndoFlags, config: UserConfig): string | undefined {
  const given = givenAddress(flags, config);
  if (record.serverUrl === undefined) return given?.url;
  if (given !== undefined && normalizeBaseUrl(given.url) !== normalizeBaseUrl(record.serverUrl)) {
    throw new UsageError(`run ${record.id} changed the Immich server at ${record.serverUrl}, but ${given.from} names ${given.url}; undo acts only on the run's own server (leave the address out to use it). Nothing was changed.`);
  }
  return record.serverUrl;
}

/** The address the user gave, and where: flag, then environment, then config file. */
function givenAddress(flags: UndoFlags, config: UserConfig): { url: string; from: string } | undefined {
  if (flags.immichUrl !== undefined) return { url: flags.immichUrl, from: '--immich-url' };
  const fromEnv = readEnvironment().immichUrl;
  if (fromEnv !== undefined) return { url: fromEnv, from: process.env['IMMICH_URL'] ? 'IMMICH_URL' : 'IMMICH_INSTANCE_URL' };
  return config.immich?.url !== undefined ? { url: config.immich.url, from: 'immich.url in the config file' } : undefined;
}

async function undo(runId: string, flags: UndoFlags, signal: AbortSignal): Promise<number> {
  const logger = createLogger({ quiet: false, verbose: false });
  const file = flags.saveHashes ?? DEFAULTS.hashDb;
  const lock = lockStore(file);
  const db = openStore(file);
  try {
    const journal = new RunRepository(db);
    const record = journal.get(runId);
    if (!record) throw new UsageError(`no run ${runId} in ${file}; see photo-organizer runs`);
    if (record.command === 'undo') {
      throw new UsageError(`run ${runId} is itself an undo (${record.summary ?? 'of an earlier run'}); an undo cannot be undone: run the original organize command again to make those changes again. Nothing was changed.`);
    }
    let opened: ImmichSetup | undefined;
    if (record.source === 'immich') {
      const { config } = await loadConfig(flags.config, logger);
      const immichUrl = serverOf(record, flags, config);
      const asOrganize: OrganizeFlags = { source: 'immich', progress: false, streamMode: true, verify: true, ...flags, ...(immichUrl !== undefined ? { immichUrl } : {}) };
      const setup = await openImmichSource(asOrganize, config, logger, signal);
      opened = setup;
      const missing = undoPermissions(journal.journal(runId)).filter((permission) => keyAllows(setup.source.capabilities, permission) === false);
      if (missing.length > 0 && flags.dryRun) logger.warn(`the API key lacks ${missing.join(', ')}, which undoing run ${runId} needs`);
      if (missing.length > 0 && !flags.dryRun) {
        await setup.source.close();
        throw new CapabilityError(`The API key lacks ${missing.join(', ')}, which undoing run ${runId} needs; nothing was changed.`);
      }
    }
    // The undo is a run of its own (listed by `runs`), so that undoing it can be refused by name.
    const undoId = newRunId();
    journal.start({ id: undoId, command: 'undo', source: record.source, serverUrl: record.serverUrl, dryRun: Boolean(flags.dryRun) });
    let summary = `undo of run ${runId}: stopped`;
    try {
      const outcome = await undoRun(runId, journal, opened?.source, Boolean(flags.dryRun), signal);
      for (const line of outcome.lines) process.stdout.write(`${line}\n`);
      for (const { reason } of outcome.skipped) logger.warn(reason);
      for (const { reason } of outcome.failed) logger.warn(`not reversed: ${reason}`);
      const failed = outcome.failed.length > 0 ? `; ${outcome.failed.length} could not be (run undo again to retry them)` : '';
      summary = `undo of run ${runId}: ${outcome.reversed} changes ${flags.dryRun ? 'would be' : 'were'} reversed${failed}`;
      process.stderr.write(`${flags.dryRun ? '[dry run] ' : ''}${outcome.reversed} changes of run ${runId} ${flags.dryRun ? 'would be' : 'were'} reversed${failed} (undo run ${undoId})\n`);
      journal.finish(undoId, outcome.failed.length > 0 ? 'partial' : 'done', summary);
      return outcome.failed.length > 0 ? 3 : 0;
    } catch (error) {
      journal.finish(undoId, 'failed', `${summary}: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    } finally {
      await opened?.source.close();
    }
  } finally {
    db.close();
    lock.release();
  }
}
