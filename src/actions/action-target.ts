/**
 * Where a run's changes go: the local output folder, an Immich server. Each target turns groups
 * into a plan (a plain value), describes it for dry-run, and applies it, journaling each change.
 */

import type { Logger, ProgressListener } from '../core/progress.js';
import type { ReportAction } from '../core/report.js';
import type { PhotoGroup } from '../grouping/group-engine.js';
import type { RunRepository } from '../store/run-repository.js';

export interface ApplyContext {
  runId: string;
  journal: RunRepository;
  logger: Logger;
  /** Read each batch of writes back and count a change only when the server shows it (`--no-verify`: trust a 2xx answer). */
  verify: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface ActionTarget<P = unknown> {
  plan(groups: readonly PhotoGroup[]): Promise<P> | P;
  /** Dry-run lines, each starting with "Would ...". */
  describe(plan: P): string[];
  /** The report's actions for a plan that is not applied. */
  planned(plan: P): ReportAction[];
  apply(plan: P, context: ApplyContext): Promise<ReportAction[]>;
  /**
   * A question to put to the person at the terminal before `apply` (e.g. before trashing photos),
   * or undefined when the plan needs none.
   */
  question?(plan: P): string | undefined;
}
