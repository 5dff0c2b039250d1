/**
 * Neighbour search over 64-bit hashes within a Hamming radius, without comparing all pairs.
 * Placeholder implementation (linear scan) until the indexed one lands; the interface is the contract.
 */

export interface HammingIndex {
  /** Calls `visit` once for every indexed hash within `radius` of `query` (index into the build array). */
  search(query: bigint, radius: number, visit: (index: number, distance: number) => void): void;
}

export function buildHammingIndex(hashes: BigUint64Array, maxRadius: number): HammingIndex {
  void maxRadius;
  return {
    search(query, radius, visit) {
      for (let index = 0; index < hashes.length; index++) {
        let x = (hashes[index] ?? 0n) ^ query;
        let distance = 0;
        while (x !== 0n && distance <= radius) {
          x &= x - 1n;
          distance++;
        }
        if (distance <= radius) visit(index, distance);
      }
    },
  };
}
