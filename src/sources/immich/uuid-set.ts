/**
 * A set of asset ids that costs 16 bytes per UUID instead of ~80 (a JS string plus a Set entry):
 * de-duplicating a 1,000,000-asset listing takes ~32 MB of typed arrays instead of ~80 MB of small
 * objects for the garbage collector to walk. Open addressing with linear probing; ids that are not
 * UUIDs (an Immich-compatible server may use others) fall back to a plain Set.
 */

const UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})([0-9a-f]{8})$/i;
const MAX_LOAD = 0.7;

export class UuidSet {
  #slots: Uint32Array; // 4 words per slot; an all-zero slot is empty
  #capacity: number;
  #count = 0;
  #hasZero = false; // the nil UUID cannot live in a slot, since all-zero means empty
  readonly #others = new Set<string>();

  constructor(initialCapacity = 1024) {
    this.#capacity = 2 ** Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.#slots = new Uint32Array(this.#capacity * 4);
  }

  get size(): number {
    return this.#count + (this.#hasZero ? 1 : 0) + this.#others.size;
  }

  /** Adds the id; returns false when it was already there. */
  add(id: string): boolean {
    const words = parse(id);
    if (words === undefined) {
      if (this.#others.has(id)) return false;
      this.#others.add(id);
      return true;
    }
    if (isZero(words)) {
      if (this.#hasZero) return false;
      this.#hasZero = true;
      return true;
    }
    if ((this.#count + 1) / this.#capacity > MAX_LOAD) this.#grow();
    const added = insert(this.#slots, this.#capacity, words);
    if (added) this.#count++;
    return added;
  }

  has(id: string): boolean {
    const words = parse(id);
    if (words === undefined) return this.#others.has(id);
    if (isZero(words)) return this.#hasZero;
    const mask = this.#capacity - 1;
    for (let slot = hash(words) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 4;
      if (isEmpty(this.#slots, at)) return false;
      if (matches(this.#slots, at, words)) return true;
    }
  }

  #grow(): void {
    const old = this.#slots;
    const oldCapacity = this.#capacity;
    this.#capacity *= 2;
    this.#slots = new Uint32Array(this.#capacity * 4);
    for (let slot = 0; slot < oldCapacity; slot++) {
      const at = slot * 4;
      if (!isEmpty(old, at)) insert(this.#slots, this.#capacity, [old[at] ?? 0, old[at + 1] ?? 0, old[at + 2] ?? 0, old[at + 3] ?? 0]);
    }
  }
}

type Words = [number, number, number, number];

function parse(id: string): Words | undefined {
  const m = UUID.exec(id);
  if (m === null) return undefined;
  const hex = (text: string | undefined): number => Number.parseInt(text ?? '0', 16) >>> 0;
  return [hex(m[1]), hex(`${m[2]}${m[3]}`), hex(`${m[4]}${m[5]}`), hex(m[6])];
}

function isZero(words: Words): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0;
}

function isEmpty(slots: Uint32Array, at: number): boolean {
  return slots[at] === 0 && slots[at + 1] === 0 && slots[at + 2] === 0 && slots[at + 3] === 0;
}

function matches(slots: Uint32Array, at: number, words: Words): boolean {
  return slots[at] === words[0] && slots[at + 1] === words[1] && slots[at + 2] === words[2] && slots[at + 3] === words[3];
}

/** v4 UUIDs are random, but mix anyway: ids from other generators may not be. */
function hash(words: Words): number {
  let h = 0x811c9dc5;
  for (const word of words) h = Math.imul(h ^ word, 0x01000193) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

function insert(slots: Uint32Array, capacity: number, words: Words): boolean {
  const mask = capacity - 1;
  for (let slot = hash(words) & mask; ; slot = (slot + 1) & mask) {
    const at = slot * 4;
    if (isEmpty(slots, at)) {
      slots.set(words, at);
      return true;
    }
    if (matches(slots, at, words)) return false;
  }
}
