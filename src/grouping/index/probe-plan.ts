/**
 * What one search (or one batch of searches) probes: the tables, each with its radius t_c, and the
 * rule that reports each pair exactly once although several tables may find it.
 */

import type { ChunkTable } from './chunk-table.js';
import { chunkKey } from './chunking.js';
import { popcount32 } from './popcount.js';

export interface ProbePlan {
  readonly tables: readonly ChunkTable[];
  /** Radius per table; -1 = table not probed. */
  readonly radii: Int32Array;
}

/**
 * True when the pair (whose xor is xHi, xLo) lies within the radius of a table probed before
 * `table`: that table already reported it, so this one must not.
 */
export function seenInEarlierTable(plan: ProbePlan, table: number, xHi: number, xLo: number): boolean {
  for (let c = 0; c < table; c++) {
    const t = plan.radii[c]!;
    if (t < 0) continue;
    const chunk = plan.tables[c]!;
    if (popcount32(chunkKey(xHi, xLo, chunk.start, chunk.width)) <= t) return true;
  }
  return false;
}
