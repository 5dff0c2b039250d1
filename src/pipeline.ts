/**
 * The flow, top to bottom: list → thumbnails → hash (reusing the store) → group → plan → apply → report.
 * Each stage is a function with typed input and output; the AbortSignal stops it cleanly.
 */

import type { ActionTarget } from './actions/action-target.js';
import { formatBytes } from './core/format-bytes.js';
import { CancelledError, throwIfCancelled } from './core/errors.js';
import { silentLogger, type Logger, type ProgressListener } from './core/progress.js';
import type { Report, ReportAction } from './core/report.js';
import { RunAccount } from './core/run-account.js';
import { FINGERPRINT_VERSION, HASH_SETTINGS } from './hashing/fingerprint.js';
import { hashPhotos, type HashedPhoto } from './hashing/hash-stage.js';
import { completeChecksums } from './hashing/exact-checksums.js';
import type { BestPhotoRule } from './grouping/best-photo.js';
import { groupPhotos, type PhotoGroup } from './grouping/group-engine.js';
import { confirmWithStoredThumbnails } from './grouping/stored-thumbnails.js';
import { buildReport } from './report/build-report.js';
import type { PhotoSource } from './sources/photo-source.js';
import type { Photo } from './core/photo.js';
import { HashRepository } from './store/hash-repository.js';
import { storedDetails, storedThumbnail } from './store/stored-pixels.js';
import { openStore } from './store/open-store.js';
import { newRunId, RunRepository, type RunStatus } from './store/run-repository.js';
import { DecisionRepository } from './store/decision-repository.js';
import { lockStore } from './store/store-lock.js';

export interface OrganizeRequest {
  source: PhotoSource;
  storeFile: string;
  threshold: number;
  similarThreshold?: number;
  bestRules?: readonly BestPhotoRule[];
  target?: ActionTarget;
  dryRun: boolean;
  concurrency: number;
  serverUrl?: string;
  /** Read each batch of writes back from the server and count only what it shows (default true; `--no-verify` turns it off). */
  verify?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  logger?: Logger;
  /** Only photos taken in this range (`--taken-after` / `--taken-before`); undated photos are left out. */
  takenRange?: { after?: Date | undefined; before?: Date | undefined };
  /**
   * Immich's own duplicate groups as photo ids (`--with-immich-duplicates`), read once the photos are
   * hashed: each is checked by our pixel check and merged with our groups.
   */
  immichDuplicates?: (signal?: AbortSignal) => Promise<{ duplicateId: string; assetIds: string[] }[]>;
  /** Photos of other libraries (`--load-hashes`): grouped with ours, never acted on. */
  references?: readonly HashedPhoto[];
  /**
   * Where reference photos of another kind than `source` can be read back for a checksum (local
   * files next to an Immich run), so a byte-identical pair is still `exact`.
   */
  referenceSource?: Pick<PhotoSource, 'kind' | 'unchangedOriginal'>;
  /** Called with the dry-run lines of the plan (dry-run only). */
  onPlan?: (lines: string[]) => void;
  /**
   * Asked the target's question (e.g. before trashing photos) once the plan is made and before any
   * change; false stops the run with nothing changed. Without it, no question is put.
   */
  confirm?: (question: string) => Promise<boolean>;
  /** The journal's name for the run (default `organize`; `watch` for each of its batches). */
  command?: string;
  /** The caller already holds the store lock for longer than this run (`watch` holds it between batches). */
  storeLocked?: boolean;
  /**
   * The groups this run reports and acts on, out of all the groups found (default: all). `watch`
   * keeps those of the assets a batch brought, read fresh from the server.
   */
  narrowGroups?: (groups: PhotoGroup[], signal?: AbortSignal) => Promise<PhotoGroup[]>;
}

export interface OrganizeResult {
  report: Report;
  groups: PhotoGroup[];
  status: RunStatus;
}

export async function organize(request: OrganizeRequest): Promise<OrganizeResult> {
  const started = performance.now();
  const logger = request.logger ?? silentLogger;
  const lock = request.storeLocked ? { release: () => undefined } : lockStore(request.storeFile);
  let db;
  try {
    db = openStore(request.storeFile);
  } catch (error) {
    lock.release();
    throw error;
  }
  const hashes = new HashRepository(db);
  const runs = new RunRepository(db);
  const decisions = new DecisionRepository(db);
  const runId = newRunId();
  const account = new RunAccount();
  let status: RunStatus = 'failed';
  try {
    hashes.claimIdentity({ ...HASH_SETTINGS, fingerprintVersion: FINGERPRINT_VERSION }, request.storeFile);
  } catch (error) {
    db.close();
    lock.release();
    throw error;
  }
  runs.start({ id: runId, command: request.command ?? 'organize', source: request.source.kind, dryRun: request.dryRun, serverUrl: request.serverUrl });
  try {
    const hashed = await hashStage(request, hashes, runId, account);
    for (const file of account.ignored) logger.debug(`ignored (not a photo): ${file}`);
    // Assets deleted or trashed since the last run leave the store (only a complete listing can tell).
    if (request.source.listsWholeLibrary && account.failed.length === 0) {
      const forgotten = hashes.forgetUnseen(request.source.kind, runId);
      if (forgotten > 0) logger.info(`${forgotten} photos no longer in the library were dropped from the hash database`);
    }
    const inScope = request.takenRange ? withinRange(hashed, request.takenRange, account) : hashed;
    const references = referencesBesides(inScope, request.references ?? []);
    await completeChecksums(inScope, references, {
      store: hashes,
      concurrency: request.concurrency,
      readOriginal: (photo) => originalOf([request.source, request.referenceSource], photo),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const immichGroups = await immichGroupStage(request, runs, logger);
    const found = groupStage([...inScope, ...references], request, hashes, decisions.ignoredPairs(request.source.kind), immichGroups);
    const groups = request.narrowGroups ? await request.narrowGroups(found, request.signal) : found;
    decisions.saveRunGroups(runId, request.source.kind, groups.map((group) => ({ id: group.id, photoIds: group.members.map((m) => m.photo.id) })));
    const actions = await actionStage(groups, request, runs, runId, logger);
    const report = buildReport({
      runId,
      source: request.source.kind,
      dryRun: request.dryRun,
      ...(request.serverUrl ? { serverUrl: request.serverUrl } : {}),
      settings: { ...HASH_SETTINGS, threshold: request.threshold, ...(request.similarThreshold ? { similarThreshold: request.similarThreshold } : {}) },
      groups,
      account,
      actions,
      references,
      seconds: (performance.now() - started) / 1000,
    });
    status = account.failed.length > 0 || actions.some((action) => action.status === 'failed' || action.status === 'not kept') ? 'partial' : 'done';
    runs.finish(runId, status, summaryLine(report));
    return { report, groups, status };
  } catch (error) {
    status = error instanceof CancelledError ? 'cancelled' : 'failed';
    runs.finish(runId, status, error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    db.close();
    lock.release();
  }
}

async function hashStage(request: OrganizeRequest, store: HashRepository, runId: string, account: RunAccount): Promise<HashedPhoto[]> {
  const hashed: HashedPhoto[] = [];
  await hashPhotos({
    source: request.source,
    store,
    runId,
    concurrency: request.concurrency,
    account,
    onPhoto: (photo) => hashed.push(photo),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
  return hashed;
}

/**
 * The date scope is applied after hashing, when every photo's date is known (a local photo's EXIF
 * date is read as it is decoded). Photos outside it are not counted in this run's photos.
 */
function withinRange(hashed: HashedPhoto[], range: NonNullable<OrganizeRequest['takenRange']>, account: RunAccount): HashedPhoto[] {
  const kept = hashed.filter(({ photo }) => {
    const taken = photo.meta.takenAt ? Date.parse(photo.meta.takenAt) : Number.NaN;
    if (Number.isNaN(taken)) return false;
    return (!range.after || taken >= range.after.getTime()) && (!range.before || taken < range.before.getTime());
  });
  account.outOfScope += hashed.length - kept.length;
  account.photos -= hashed.length - kept.length;
  return kept;
}

/** A reference library may hold the very photos of this run (the same database loaded back): those count once. */
function referencesBesides(hashed: readonly HashedPhoto[], references: readonly HashedPhoto[]): HashedPhoto[] {
  if (references.length === 0) return [];
  const ours = new Set(hashed.map((item) => `${item.photo.source}\u0000${item.photo.id}`));
  return references.filter((item) => !ours.has(`${item.photo.source}\u0000${item.photo.id}`));
}

/** Only a source of the photo's own kind can vouch for its bytes. */
async function originalOf(sources: readonly (Pick<PhotoSource, 'kind' | 'unchangedOriginal'> | undefined)[], photo: Photo): Promise<Buffer | undefined> {
  const source = sources.find((candidate) => candidate?.kind === photo.source && candidate.unchangedOriginal);
  return source?.unchangedOriginal?.(photo);
}

/**
 * Immich's own duplicate groups, when asked for: what its machine-learning job grouped. A group whose
 * every member got its duplicateId from an earlier `--immich-review` (the journal says which) is ours,
 * not Immich's; one Immich's job added a photo to is Immich's too.
 */
async function immichGroupStage(request: OrganizeRequest, journal: RunRepository, logger: Logger): Promise<string[][]> {
  if (!request.immichDuplicates) return [];
  throwIfCancelled(request.signal);
  const reviewed = journal.reviewedDuplicateIds();
  const groups = (await request.immichDuplicates(request.signal))
    .filter((group) => !group.assetIds.every((id) => reviewed.get(id) === group.duplicateId))
    .map((group) => group.assetIds);
  logger.info(`${groups.length} duplicate groups read from Immich (${groups.reduce((sum, group) => sum + group.length, 0)} photos), checked by our pixel check`);
  return groups;
}

function groupStage(hashed: readonly HashedPhoto[], request: OrganizeRequest, store: HashRepository, isIgnored: (a: string, b: string) => boolean, immichGroups: readonly string[][]): PhotoGroup[] {
  throwIfCancelled(request.signal);
  request.onProgress?.({ stage: 'group', done: 0, total: hashed.length });
  // Grouping reads thumbnails and looks back from the store only for the pairs and groups that need them.
  const checks = confirmWithStoredThumbnails(storedThumbnail(store));
  const detailsOf = storedDetails(store);
  const groups = groupPhotos(hashed, {
    threshold: request.threshold,
    ...(request.similarThreshold !== undefined ? { similarThreshold: request.similarThreshold } : {}),
    ...(request.bestRules ? { bestRules: request.bestRules } : {}),
    isIgnoredPair: (a, b) => isIgnored(a.photo.id, b.photo.id),
    confirm: checks.confirm,
    confirmAll: checks.confirmAll,
    details: (member) => {
      const stored = detailsOf(member.photo);
      // A photo hashed in this run still holds its thumbnail.
      return member.fingerprint.thumbnail ? { ...stored, thumbnail: member.fingerprint.thumbnail } : stored;
    },
    ...(immichGroups.length > 0 ? { immichGroups } : {}),
  });
  request.onProgress?.({ stage: 'group', done: hashed.length, total: hashed.length });
  return groups;
}

async function actionStage(groups: PhotoGroup[], request: OrganizeRequest, journal: RunRepository, runId: string, logger: Logger): Promise<ReportAction[]> {
  const target = request.target;
  if (!target) return [];
  const plan = await target.plan(groups);
  if (request.dryRun) {
    request.onPlan?.(target.describe(plan));
    return target.planned(plan);
  }
  const question = target.question?.(plan);
  if (question !== undefined && request.confirm && !(await request.confirm(question))) throw new CancelledError();
  return target.apply(plan, {
    runId,
    journal,
    logger,
    verify: request.verify !== false,
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
}

export function summaryLine(report: Report): string {
  const { stats } = report;
  const ignored = stats.ignored > 0 ? `; ${stats.ignored} other ${stats.ignored === 1 ? 'file' : 'files'} ignored` : '';
  return (
    `${stats.photos} photos, ${stats.hashed} hashed, ${stats.reused} reused, ${stats.skipped} skipped, ` +
    `${stats.failed} failed; ${stats.groups} groups (${stats.grouped} photos) in ${stats.seconds.toFixed(1)} s${ignored}` +
    removalSummary(report)
  );
}

/** `; 12 photos (34.5 MB) moved to Immich's trash` for `--archive-others` / `--trash-others`. */
function removalSummary(report: Report): string {
  const parts: string[] = [];
  for (const type of ['archive', 'trash'] as const) {
    const done = report.actions.filter((action) => action.type === type && (action.status === 'done' || action.status === 'planned'));
    if (done.length === 0) continue;
    const count = done.reduce((sum, action) => sum + action.count, 0);
    const bytes = done.reduce((sum, action) => sum + (action.bytes ?? 0), 0);
    const what = type === 'archive' ? 'archived' : "moved to Immich's trash";
    parts.push(`${count} photos (${formatBytes(bytes)}) ${report.dryRun ? `would be ${what}` : what}`);
  }
  return parts.map((part) => `; ${part}`).join('');
}
