/**
 * A hash set of fixed-width integer vectors stored flat, for breadth-first searches over product
 * automata: no string keys, no per-state allocation.
 */
export class StateTable {
  /** The vectors, `width` numbers each, in insertion order. */
  readonly data: number[] = [];
  private slots = new Int32Array(64);
  private count = 0;

  constructor(readonly width: number) {}

  get size(): number {
    return this.count;
  }

  /** Adds the vector unless present; returns whether it was new. */
  add(vector: ArrayLike<number>): boolean {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const mask = this.slots.length - 1;
    for (let slot = this.hash(vector, 0) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] as number;
      if (entry === 0) {
        const index = this.count++;
        for (let k = 0; k < this.width; k++) this.data.push(vector[k] as number);
        this.slots[slot] = index + 1;
        return true;
      }
      if (this.equals(entry - 1, vector)) return false;
    }
  }

  private hash(vector: ArrayLike<number>, offset: number): number {
    let h = 0x811c9dc5;
    for (let k = 0; k < this.width; k++) h = Math.imul(h ^ ((vector[offset + k] as number) | 0), 0x01000193);
    return (h ^ (h >>> 15)) >>> 0;
  }

  private equals(index: number, vector: ArrayLike<number>): boolean {
    const base = index * this.width;
    for (let k = 0; k < this.width; k++) if (this.data[base + k] !== vector[k]) return false;
    return true;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let index = 0; index < this.count; index++) {
      let slot = this.hash(this.data, index * this.width) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = index + 1;
    }
    this.slots = slots;
  }
}
