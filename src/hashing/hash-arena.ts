/**
 * Slots for 64-bit hashes cut from large shared blocks. Grouping keeps every photo's hashes in memory
 * (13 per photo); a BigUint64Array of its own costs an ArrayBuffer object and a backing store on top
 * of the view, so views into shared blocks take about half the memory (~300 B less per photo, a
 * third of a gigabyte in a million-photo library).
 */

/** Hashes per block: 512 KB, a few thousand photos. */
const BLOCK_HASHES = 65536;

export class HashArena {
  private block = new BigUint64Array(0);
  private used = 0;

  /** A fresh, zeroed view of `count` hashes. */
  take(count: number): BigUint64Array {
    if (this.used + count > this.block.length) {
      this.block = new BigUint64Array(Math.max(BLOCK_HASHES, count));
      this.used = 0;
    }
    const view = this.block.subarray(this.used, this.used + count);
    this.used += count;
    return view;
  }
}
