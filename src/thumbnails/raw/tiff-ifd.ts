/**
 * A small reader of TIFF image file directories, the structure most RAW formats are built on
 * (DNG, NEF, CR2, ARW, ORF, RW2, PEF, ...): enough to find where embedded JPEGs are. Every offset
 * is checked against the file, and each directory is read once, so a damaged or looping file ends.
 */

export interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** Where the value is: inside the entry when it fits in 4 bytes, else at the offset stored there. */
  valueAt: number;
}

/** Bytes per value of each TIFF field type (BYTE, ASCII, SHORT, LONG, RATIONAL, ..., IFD). */
const TYPE_BYTES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };
const MAX_DIRECTORIES = 64;
const MAX_ENTRIES = 1000;

export class TiffReader {
  readonly littleEndian: boolean;
  private readonly view: DataView;

  /** `base` is where the TIFF header starts (0 for a TIFF file; inside a box for CR3's metadata). */
  constructor(readonly bytes: Uint8Array, readonly base = 0) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const order = String.fromCharCode(bytes[base] ?? 0, bytes[base + 1] ?? 0);
    if (order !== 'II' && order !== 'MM') throw new Error('not a TIFF structure');
    this.littleEndian = order === 'II';
  }

  /** The offset of IFD0 (from the header), absolute in `bytes`. */
  firstDirectory(): number {
    return this.base + this.uint32(this.base + 4);
  }

  uint16(at: number): number {
    return at >= 0 && at + 2 <= this.bytes.length ? this.view.getUint16(at, this.littleEndian) : 0;
  }

  uint32(at: number): number {
    return at >= 0 && at + 4 <= this.bytes.length ? this.view.getUint32(at, this.littleEndian) : 0;
  }

  /** The entries of the directory at `at`, and the absolute offset of the next one (0 when none). */
  directory(at: number): { entries: Map<number, IfdEntry>; next: number } {
    const entries = new Map<number, IfdEntry>();
    const count = this.uint16(at);
    if (count === 0 || count > MAX_ENTRIES || at + 2 + count * 12 + 4 > this.bytes.length) return { entries, next: 0 };
    for (let index = 0; index < count; index++) {
      const entry = at + 2 + index * 12;
      const type = this.uint16(entry + 2);
      const valueCount = this.uint32(entry + 4);
      const size = (TYPE_BYTES[type] ?? 1) * valueCount;
      const valueAt = size <= 4 ? entry + 8 : this.base + this.uint32(entry + 8);
      entries.set(this.uint16(entry), { tag: this.uint16(entry), type, count: valueCount, valueAt });
    }
    const next = this.uint32(at + 2 + count * 12);
    return { entries, next: next === 0 ? 0 : this.base + next };
  }

  /** The numeric values of an entry (SHORT, LONG or IFD), at most `limit` of them. */
  numbers(entry: IfdEntry | undefined, limit = 64): number[] {
    if (!entry) return [];
    const values: number[] = [];
    for (let index = 0; index < Math.min(entry.count, limit); index++) {
      values.push(entry.type === 3 ? this.uint16(entry.valueAt + 2 * index) : this.uint32(entry.valueAt + 4 * index));
    }
    return values;
  }

  /**
   * Every directory reachable from IFD0: the IFD chain, SubIFDs (tag 330) and the EXIF directory
   * (tag 34665), each once. Offsets of sub-directories are from the TIFF header, like all others.
   */
  allDirectories(): Map<number, IfdEntry>[] {
    const found: Map<number, IfdEntry>[] = [];
    const seen = new Set<number>();
    const pending = [this.firstDirectory()];
    while (pending.length > 0 && found.length < MAX_DIRECTORIES) {
      const at = pending.shift() as number;
      if (at <= this.base || at >= this.bytes.length || seen.has(at)) continue;
      seen.add(at);
      const { entries, next } = this.directory(at);
      if (entries.size === 0) continue;
      found.push(entries);
      if (next !== 0) pending.push(next);
      for (const offset of [...this.numbers(entries.get(0x014a)), ...this.numbers(entries.get(0x8769), 1)]) pending.push(this.base + offset);
    }
    return found;
  }
}
