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
 * Buckets the `count` hashes at `sorted` (with their ids at `ids`) by the chunk of bits
 * start..start+width-1, in place: afterwards bucket k holds positions offsets[k] .. offsets[k + 1] - 1,
 * `sorted` the hashes in bucket order and `ids` each one's original index, so the join streams
 * through hashes instead of jumping to random indices. The caller writes the hashes with ids 0..count-1
 * once; each later chunk re-buckets the previous chunk's order (ids keep naming the original index).
 * `offsets` must have room for 2^width + 1 entries, `scratch` for 2^(f + 1) + 1 + 2^(width - f) u32,
 * f = min(firstPassBits, width).
 *
 * In two radix passes, most significant bits first: a single counting sort over all 2^width
 * buckets scattered every hash to a random place in 150 MB at a million photos and took 50-70 ns
 * per hash; the first pass here moves hashes among only 2^firstPassBits places, and the second sorts
 * each of those parts by the remaining bits while the part is in cache. Both passes swap entries in
 * place (American flag sort), so no second copy of the hashes is needed: at a million photos' 21
 * million entries that copy was 168 MB of the grouping's peak memory. The order within a bucket is
 * not the original one, but it is a fixed function of the input, so the join stays deterministic.
 */
export function bucket(count: u32, start: u32, width: u32, offsets: usize, ids: usize, sorted: usize, firstPassBits: u32, scratch: usize): void {
  const highBits = width < firstPassBits ? width : firstPassBits;
  const lowBits = width - highBits;
  const parts: u32 = 1 << highBits;
  const partMask: u64 = <u64>parts - 1;
  const partShift: u64 = <u64>(start + lowBits);
  // scratch: parts + 1 starts of the parts, parts cursors, then 2^lowBits ends of the buckets of one part.
  const partStarts = scratch;
  const partCursors = scratch + ((<usize>parts + 1) << 2);
  const bucketEnds = partCursors + (<usize>parts << 2);

  memory.fill(partStarts, 0, (<usize>parts + 1) << 2);
  for (let i: u32 = 0; i < count; i++) {
    const at = partStarts + ((<usize>((load<u64>(sorted + (<usize>i << 3)) >> partShift) & partMask) + 1) << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
  for (let part: u32 = 1; part <= parts; part++) {
    const at = partStarts + (<usize>part << 2);
    store<u32>(at, load<u32>(at) + load<u32>(at - 4));
  }
  memory.copy(partCursors, partStarts, <usize>parts << 2);
  permute(parts, partShift, partMask, partCursors, partStarts + 4, ids, sorted);

  store<u32>(offsets, 0);
  for (let part: u32 = 0; part < parts; part++) {
    sortPart(load<u32>(partStarts + (<usize>part << 2)), load<u32>(partStarts + (<usize>(part + 1) << 2)), start, lowBits, offsets + ((<usize>part << lowBits) << 2), ids, sorted, bucketEnds);
  }
}

/**
 * Sorts positions first .. end - 1 (one part of the first pass) by the key's low `lowBits` bits, in
 * place, and writes the part's bucket offsets: `cursors` + 4(k + 1) is where bucket k's cursor runs
 * and ends, which is where bucket k + 1 starts. The slot before them holds `first` already.
 */
function sortPart(first: u32, end: u32, start: u32, lowBits: u32, cursors: usize, ids: usize, sorted: usize, bucketEnds: usize): void {
  const buckets: u32 = 1 << lowBits;
  const keyMask: u64 = <u64>buckets - 1;
  const shift: u64 = <u64>start;
  memory.fill(bucketEnds, 0, <usize>buckets << 2);
  for (let p = first; p < end; p++) {
    const at = bucketEnds + (<usize>((load<u64>(sorted + (<usize>p << 3)) >> shift) & keyMask) << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
  let position = first;
  for (let k: u32 = 0; k < buckets; k++) {
    store<u32>(cursors + ((<usize>k + 1) << 2), position);
    position += load<u32>(bucketEnds + (<usize>k << 2));
    store<u32>(bucketEnds + (<usize>k << 2), position);
  }
  permute(buckets, shift, keyMask, cursors + 4, bucketEnds, ids, sorted);
}

/**
 * American flag sort's moving step: u32 `cursors` + 4k is the next free place of bucket k and
 * `ends` + 4k its end; every misplaced entry (hash and id) is swapped straight to the next free
 * place of its bucket. Afterwards each bucket's cursor equals its end.
 */
function permute(buckets: u32, shift: u64, keyMask: u64, cursors: usize, ends: usize, ids: usize, sorted: usize): void {
  for (let k: u32 = 0; k < buckets; k++) {
    const cursor = cursors + (<usize>k << 2);
    const bucketEnd = load<u32>(ends + (<usize>k << 2));
    for (let p = load<u32>(cursor); p < bucketEnd; p++) {
      let hash = load<u64>(sorted + (<usize>p << 3));
      let id = load<u32>(ids + (<usize>p << 2));
      let key = <u32>((hash >> shift) & keyMask);
      // Buckets before k are complete, so a misplaced entry belongs to a later one.
      while (key != k) {
        const to = cursors + (<usize>key << 2);
        const place = load<u32>(to);
        store<u32>(to, place + 1);
        const displacedHash = load<u64>(sorted + (<usize>place << 3));
        const displacedId = load<u32>(ids + (<usize>place << 2));
        store<u64>(sorted + (<usize>place << 3), hash);
        store<u32>(ids + (<usize>place << 2), id);
        hash = displacedHash;
        id = displacedId;
        key = <u32>((hash >> shift) & keyMask);
      }
      store<u64>(sorted + (<usize>p << 3), hash);
      store<u32>(ids + (<usize>p << 2), id);
    }
    store<u32>(cursor, bucketEnd);
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
