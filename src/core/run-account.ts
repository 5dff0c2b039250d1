/**
 * Every photo a run meets ends in exactly one final state; the summary, the report's `skipped`
 * list and the exit code all come from this account.
 */

import type { SkippedPhoto } from './photo.js';

export type FinalState = 'grouped' | 'unique' | 'skipped' | 'failed';

export class RunAccount {
  readonly skipped: SkippedPhoto[] = [];
  readonly failed: SkippedPhoto[] = [];
  /** Files that are not photos (videos, sidecars, documents): neither photos nor skipped. */
  readonly ignored: string[] = [];
  photos = 0;
  hashed = 0;
  reused = 0;
  /** Hashed, then left out by the run's date scope. */
  outOfScope = 0;

  skip(item: SkippedPhoto): void {
    this.skipped.push(item);
  }

  fail(item: SkippedPhoto): void {
    this.failed.push(item);
  }
}
