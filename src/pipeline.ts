/**
 * The flow, top to bottom: list → thumbnails → hash (reusing the store) → group → plan → apply → report.
 * Each stage is a function with typed input and output; the AbortSignal stops it cleanly.
 */

import { randomUUID } from 'node:crypto';
import type { ActionTarget } from './actions/action-target.js';
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
import { HashRepository } from './store/hash-repository.js';
import { storedLook, storedThumbnail } from './store/stored-pixels.js';
import { openStore } from './store/open-store.js';
import { RunRepository, type RunStatus } from './store/run-repository.js';
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
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  logger?: Logger;
  /** Only photos taken in this range (`--taken-after` / `--taken-before`); undated photos are left out. */
  takenRange?: { after?: Date | undefined; before?: Date | undefined };
  /** Photos of other libraries (`--load-hashes`): grouped with ours, never acted on. */
  references?: readonly HashedPhoto[];
  /** Called with the dry-run lines of the plan (dry-run only). */
  onPlan?: (lines: string[]) => void;
}

export interface OrganizeResult {
  report: Report;
  groups: PhotoGroup[];
  status: RunStatus;
}

export async function organize(request: OrganizeRequest): Promise<OrganizeResult> {
  const started = performance.now();
  const logger = request.logger ?? silentLogger;
  const lock = lockStore(request.storeFile);
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
  runs.start({ id: runId, command: 'organize', source: request.source.kind, dryRun: request.dryRun });
  try {
    const hashed = await hashStage(request, hashes, runId, account);
    // Assets deleted or trashed since the last run leave the store (only a complete listing can tell).
    if (request.source.listsWholeLibrary && account.failed.length === 0) {
      const forgotten = hashes.forgetUnseen(request.source.kind, runId);
      if (forgotten > 0) logger.info(`${forgotten} photos no longer in the library were dropped from the hash database`);
    }
    const inScope = request.takenRange ? withinRange(hashed, request.takenRange, account) : hashed;
    const references = referencesBesides(inScope, request.references ?? []);
    await completeChecksums(inScope, references, { store: hashes, concurrency: request.concurrency, ...(request.signal ? { signal: request.signal } : {}) });
    const groups = groupStage([...inScope, ...references], request, hashes, decisions.ignoredPairs(request.source.kind));
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
    status = account.failed.length > 0 || actions.some((action) => action.status === 'failed') ? 'partial' : 'done';
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

function groupStage(hashed: readonly HashedPhoto[], request: OrganizeRequest, store: HashRepository, isIgnored: (a: string, b: string) => boolean): PhotoGroup[] {
  throwIfCancelled(request.signal);
  request.onProgress?.({ stage: 'group', done: 0, total: hashed.length });
  // Grouping reads thumbnails and looks back from the store only for the pairs and groups that need them.
  const checks = confirmWithStoredThumbnails(storedThumbnail(store));
  const lookOf = storedLook(store);
  const groups = groupPhotos(hashed, {
    threshold: request.threshold,
    ...(request.similarThreshold !== undefined ? { similarThreshold: request.similarThreshold } : {}),
    ...(request.bestRules ? { bestRules: request.bestRules } : {}),
    isIgnoredPair: (a, b) => isIgnored(a.photo.id, b.photo.id),
    confirm: checks.confirm,
    confirmAll: checks.confirmAll,
    details: (member) => ({ thumbnail: checks.thumbnailOf(member), look: lookOf(member.photo) }),
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
  return target.apply(plan, {
    runId,
    journal,
    logger,
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
}

/** Sortable and readable: `20261122-081500-ab12cd`. */
function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomUUID().slice(0, 6)}`;
}

export function summaryLine(report: Report): string {
  const { stats } = report;
  return (
    `${stats.photos} photos, ${stats.hashed} hashed, ${stats.reused} reused, ${stats.skipped} skipped, ` +
    `${stats.failed} failed; ${stats.groups} groups (${stats.grouped} photos) in ${stats.seconds.toFixed(1)} s`
  );
}
