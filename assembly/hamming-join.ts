/**
 * The hot loops of the Hamming pair join (src/grouping/index/pair-join.ts), in AssemblyScript compiled
 * to WebAssembly: JavaScript has no 64-bit popcount, and its 32-bit software popcount made every
 * candidate check cost ~3 ns where `i64.popcnt` costs well under one (measured on the bench machine).
 *
 * No allocation happens here: the caller lays every array out in the (shared) memory it passes in and
 * hands over byte offsets. Hashes are little-endian u64, ids and offsets u32.
 */

/** Reports one pair within the radius: (query index, indexed-hash index, distance). */
@external('env', 'visit')
declare function visit(query: u32, entry: u32, distance: u32): void;

/**
 * Buckets `count` hashes by the chunk of bits start..start+width-1 (a counting sort): afterwards bucket
 * k holds positions offsets[k] .. offsets[k + 1] - 1, `ids` the original index at each position and
 * `sorted` the hash itself, so the join streams through hashes instead of jumping to random indices.
 * `offsets` must have room for 2^width + 2 entries. Original indices stay ascending within a bucket,
 * so results are deterministic.
 */
export function bucket(hashes: usize, count: u32, start: u32, width: u32, offsets: usize, ids: usize, sorted: usize): void {
  const keyMask: u64 = (<u64>1 << width) - 1;
  const buckets: u32 = 1 << width;
  memory.fill(offsets, 0, (<usize>buckets + 2) << 2);
  // Count key k at k + 2 and sum up: then offsets[k + 1] is where bucket k starts, and taking it as
  // the bucket's write cursor leaves offsets[k + 1] at the bucket's end, which is the final layout.
  for (let i: u32 = 0; i < count; i++) {
    const at = offsets + ((<usize>((load<u64>(hashes + (<usize>i << 3)) >> start) & keyMask) + 2) << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
  for (let k: u32 = 2; k <= buckets; k++) {
    const at = offsets + (<usize>k << 2);
    store<u32>(at, load<u32>(at) + load<u32>(at - 4));
  }
  for (let i: u32 = 0; i < count; i++) {
    const hash = load<u64>(hashes + (<usize>i << 3));
    const at = offsets + ((<usize>((hash >> start) & keyMask) + 1) << 2);
    const position = load<u32>(at);
    store<u32>(at, position + 1);
    store<u32>(ids + (<usize>position << 2), i);
    store<u64>(sorted + (<usize>position << 3), hash);
  }
}

/**
 * Every (outer entry, inner entry) pair of one chunk table whose chunk keys differ in at most `t`
 * bits and whose hashes differ in at most `radius`, except pairs an earlier table already reported.
 *
 * A chunk key is split into a high part and `lowBits` low bits. For a block of outer keys sharing a
 * high part h, and each high mask, the inner block h ^ mask has its 2^lowBits offsets in cache while
 * every low mask (within the budget the high mask leaves) is tried against it.
 *
 * highMasks: `highMaskCount` u32 masks; lowMasks: u32 masks sorted by popcount, lowMaskCounts[b] =
 * how many have popcount <= b. earlier: `earlierCount` (start u32, width u32, t i32) records.
 * `outerIsQuery` says which side the reported query index comes from. Only the outer blocks (high
 * parts) blockFrom .. blockTo - 1 are done, so two threads can share one chunk. owned: `ownedCount`
 * (start u32, stride u32, end u32) records, see `ownEntry`.
 */
export function join(
  outerOffsets: usize,
  outerIds: usize,
  outerHashes: usize,
  innerOffsets: usize,
  innerIds: usize,
  innerHashes: usize,
  start: u32,
  width: u32,
  lowBits: u32,
  highMasks: usize,
  highMaskCount: u32,
  lowMasks: usize,
  lowMaskCounts: usize,
  t: u32,
  radius: u32,
  earlier: usize,
  earlierCount: u32,
  outerIsQuery: bool,
  blockFrom: u32,
  blockTo: u32,
  owned: usize,
  ownedCount: u32,
): void {
  const lowKeyMask: u64 = (<u64>1 << lowBits) - 1;
  const blockBytes: usize = (<usize>1 << lowBits) << 2;
  for (let h = blockFrom; h < blockTo; h++) {
    const first = load<u32>(outerOffsets + ((<usize>h << lowBits) << 2));
    const end = load<u32>(outerOffsets + ((<usize>(h + 1) << lowBits) << 2));
    if (first == end) continue;
    for (let m: u32 = 0; m < highMaskCount; m++) {
      const highMask = load<u32>(highMasks + (<usize>m << 2));
      const block = innerOffsets + ((<usize>(h ^ highMask) << lowBits) << 2);
      if (load<u32>(block) == load<u32>(block + blockBytes)) continue;
      const maskCount = load<u32>(lowMaskCounts + (<usize>(t - popcnt<u32>(highMask)) << 2));
      for (let p = first; p < end; p++) {
        const hash = load<u64>(outerHashes + (<usize>p << 3));
        const low = <u32>((hash >> start) & lowKeyMask);
        for (let k: u32 = 0; k < maskCount; k++) {
          const at = block + (<usize>(low ^ load<u32>(lowMasks + (<usize>k << 2))) << 2);
          const stop = load<u32>(at + 4);
          for (let s = load<u32>(at); s < stop; s++) {
            const difference = hash ^ load<u64>(innerHashes + (<usize>s << 3));
            const distance = <u32>popcnt<u64>(difference);
            if (distance > radius || seenEarlier(difference, earlier, earlierCount)) continue;
            const outerId = load<u32>(outerIds + (<usize>p << 2));
            const innerId = load<u32>(innerIds + (<usize>s << 2));
            const query = outerIsQuery ? outerId : innerId;
            const entry = outerIsQuery ? innerId : outerId;
            if (!ownEntry(query, entry, owned, ownedCount)) visit(query, entry, distance);
          }
        }
      }
    }
  }
}

/**
 * True when the indexed entry is one of the query's own (a photo's own orientations and crops are
 * within the radius of its upright hash; reporting them would be a wasted call per entry): in some
 * record, start <= entry < end and (entry - start) / stride == query.
 */
function ownEntry(query: u32, entry: u32, owned: usize, count: u32): bool {
  for (let r: u32 = 0; r < count; r++) {
    const record = owned + <usize>r * 12;
    const start = load<u32>(record);
    if (entry >= start && entry < load<u32>(record + 8) && (entry - start) / load<u32>(record + 4) == query) return true;
  }
  return false;
}

/** True when an earlier table's chunk of the pair's difference is within that table's radius. */
function seenEarlier(difference: u64, earlier: usize, count: u32): bool {
  for (let c: u32 = 0; c < count; c++) {
    const record = earlier + <usize>c * 12;
    const width = load<u32>(record + 4);
    const bits = <i32>popcnt<u64>((difference >> load<u32>(record)) & ((<u64>1 << width) - 1));
    if (bits <= load<i32>(record + 8)) return true;
  }
  return false;
}
