/**
 * Many queries at once (the grouping engine's case: every photo, 8 variants each). Probing query by
 * query jumps to a random bucket per mask, which is a cache miss each time. Instead the queries are
 * bucketed like the hashes, and for each mask we walk the distinct hash keys in ascending order and
 * look at the query bucket key ^ mask: xor with a fixed mask keeps aligned blocks of keys together,
 * so the walk streams through memory. Each bucket pair is also visited once for all queries sharing
 * a key, instead of once per query.
 */

import { buildChunkTable } from './chunk-table.js';
import { masksWithin } from './masks.js';
import { popcount64 } from './popcount.js';
import { seenInEarlierTable, type ProbePlan } from './probe-plan.js';

export type PairVisitor = (queryIndex: number, index: number, distance: number) => void;

export function joinAll(plan: ProbePlan, queryHi: Uint32Array, queryLo: Uint32Array, radius: number, visit: PairVisitor): void {
  for (let c = 0; c < plan.tables.length; c++) {
    if (plan.radii[c]! >= 0) joinTable(plan, c, queryHi, queryLo, radius, visit);
  }
}

function joinTable(plan: ProbePlan, c: number, queryHi: Uint32Array, queryLo: Uint32Array, radius: number, visit: PairVisitor): void {
  const table = plan.tables[c]!;
  const { keys, keyStarts, ids, hi, lo } = table;
  const queries = buildChunkTable(queryHi, queryLo, table.start, table.width);
  const { offsets: qOffsets, ids: qIds, hi: qHi, lo: qLo } = queries;
  const masks = masksWithin(table.width, plan.radii[c]!);
  const keyCount = keys.length;
  for (let m = 0; m < masks.length; m++) {
    const mask = masks[m]!;
    for (let j = 0; j < keyCount; j++) {
      const qKey = (keys[j]! ^ mask) >>> 0;
      const qStart = qOffsets[qKey]!;
      const qEnd = qOffsets[qKey + 1]!;
      if (qStart === qEnd) continue;
      const end = keyStarts[j + 1]!;
      for (let p = keyStarts[j]!; p < end; p++) {
        const dHi = hi[p]!;
        const dLo = lo[p]!;
        for (let s = qStart; s < qEnd; s++) {
          const xHi = qHi[s]! ^ dHi;
          const xLo = qLo[s]! ^ dLo;
          const distance = popcount64(xHi, xLo);
          if (distance <= radius && !seenInEarlierTable(plan, c, xHi, xLo)) visit(qIds[s]!, ids[p]!, distance);
        }
      }
    }
  }
}
