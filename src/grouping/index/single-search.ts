/** One query against the chunk tables: probe every bucket within t_c of the query's chunk. */

import { chunkKey } from './chunking.js';
import { masksWithin } from './masks.js';
import { popcount64 } from './popcount.js';
import { seenInEarlierTable, type ProbePlan } from './probe-plan.js';

export function searchOne(
  plan: ProbePlan,
  qHi: number,
  qLo: number,
  radius: number,
  visit: (index: number, distance: number) => void,
): void {
  const { tables, radii } = plan;
  for (let c = 0; c < tables.length; c++) {
    const t = radii[c]!;
    if (t < 0) continue;
    const table = tables[c]!;
    const { offsets, ids, hi, lo } = table;
    const key = chunkKey(qHi, qLo, table.start, table.width);
    const masks = masksWithin(table.width, t);
    for (let m = 0; m < masks.length; m++) {
      const bucket = (key ^ masks[m]!) >>> 0;
      const end = offsets[bucket + 1]!;
      for (let p = offsets[bucket]!; p < end; p++) {
        const xHi = hi[p]! ^ qHi;
        const xLo = lo[p]! ^ qLo;
        const distance = popcount64(xHi, xLo);
        if (distance <= radius && !seenInEarlierTable(plan, c, xHi, xLo)) visit(ids[p]!, distance);
      }
    }
  }
}
