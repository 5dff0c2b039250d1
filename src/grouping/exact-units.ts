/**
 * Byte-identical photos are one unit from the start: they always end in one group. Grouping works
 * on units, numbered in photo order; unit u is its first photo (`representatives[u]`) and any
 * byte-identical copies of it. Nearly every photo is a unit alone, and those keep no array of their
 * own: a million one-photo arrays were ~40 MB more for the garbage collector to promote and mark
 * while grouping a million photos, which set off a full collection of the whole heap (~0.7 s).
 */

import type { HashedPhoto } from '../hashing/hash-stage.js';

export class ExactUnits {
  /** Each unit's first photo, by unit number. */
  readonly representatives: readonly HashedPhoto[];
  /** The units of byte-identical copies, each whole (its first photo included). */
  private readonly copies: ReadonlyMap<number, readonly HashedPhoto[]>;

  private constructor(representatives: HashedPhoto[], copies: Map<number, HashedPhoto[]>) {
    this.representatives = representatives;
    this.copies = copies;
  }

  /** Photos with one content checksum are one unit (a photo without a checksum is always alone). */
  static of(photos: readonly HashedPhoto[]): ExactUnits {
    const unitOfChecksum = new Map<string, number>();
    const representatives: HashedPhoto[] = [];
    const copies = new Map<number, HashedPhoto[]>();
    for (const hashed of photos) {
      const unit = hashed.checksum === undefined ? undefined : unitOfChecksum.get(hashed.checksum);
      if (unit === undefined) {
        if (hashed.checksum !== undefined) unitOfChecksum.set(hashed.checksum, representatives.length);
        representatives.push(hashed);
        continue;
      }
      const known = copies.get(unit);
      if (known) known.push(hashed);
      else copies.set(unit, [representatives[unit] as HashedPhoto, hashed]);
    }
    return new ExactUnits(representatives, copies);
  }

  get count(): number {
    return this.representatives.length;
  }

  /** Unit u's photos, its first one first. */
  members(unit: number): readonly HashedPhoto[] {
    return this.copies.get(unit) ?? [this.representatives[unit] as HashedPhoto];
  }

  /** Every photo with its unit number, in unit order (no array made for a unit alone). */
  forEachPhoto(visit: (hashed: HashedPhoto, unit: number) => void): void {
    this.representatives.forEach((representative, unit) => {
      const copies = this.copies.get(unit);
      if (copies) for (const hashed of copies) visit(hashed, unit);
      else visit(representative, unit);
    });
  }

  /** True when unit u holds byte-identical copies (more than one photo). */
  hasCopies(unit: number): boolean {
    return this.copies.has(unit);
  }

  representative(unit: number): HashedPhoto {
    return this.representatives[unit] as HashedPhoto;
  }
}
