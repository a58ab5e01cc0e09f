/**
 * Which chunks of a file are present: one bit per chunk, so a 4 GiB file at 1 MiB chunks costs
 * 512 bytes. Stored as is in IndexedDB to resume a download after a reload.
 */
export class ChunkSet {
  readonly bits: Uint8Array;
  private present = 0;

  constructor(
    readonly total: number,
    bits?: Uint8Array,
  ) {
    if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`bad chunk total ${total}`);
    this.bits = new Uint8Array(Math.ceil(total / 8));
    if (bits) {
      this.bits.set(bits.subarray(0, this.bits.length));
      // Bits past `total` in a stored bitmap are noise, never chunks.
      for (let i = total; i < this.bits.length * 8; i++) this.clearBit(i);
      for (let i = 0; i < total; i++) if (this.has(i)) this.present++;
    }
  }

  get count(): number {
    return this.present;
  }

  get isComplete(): boolean {
    return this.present === this.total;
  }

  has(index: number): boolean {
    if (index < 0 || index >= this.total) return false;
    return ((this.bits[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
  }

  add(index: number): boolean {
    if (index < 0 || index >= this.total || this.has(index)) return false;
    this.bits[index >> 3] = (this.bits[index >> 3] ?? 0) | (1 << (index & 7));
    this.present++;
    return true;
  }

  delete(index: number): boolean {
    if (!this.has(index)) return false;
    this.clearBit(index);
    this.present--;
    return true;
  }

  /** The first missing index at or after `from`, or -1 when none is missing. */
  nextMissing(from = 0): number {
    for (let i = Math.max(0, from); i < this.total; i++) {
      if ((i & 7) === 0 && this.bits[i >> 3] === 0xff) {
        i += 7;
        continue;
      }
      if (!this.has(i)) return i;
    }
    return -1;
  }

  private clearBit(index: number): void {
    this.bits[index >> 3] = (this.bits[index >> 3] ?? 0) & ~(1 << (index & 7));
  }
}
