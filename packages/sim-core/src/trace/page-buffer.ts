/** A growable Uint32Array of page numbers: 4 bytes per reference, doubling as it fills. */
export class PageBuffer {
  private data: Uint32Array;
  private count = 0;

  constructor(initialCapacity = 4096) {
    this.data = new Uint32Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.count;
  }

  get last(): number {
    return this.count > 0 ? this.data[this.count - 1]! : -1;
  }

  push(page: number): void {
    if (this.count === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.count++] = page;
  }

  /** Rewrites every page pushed so far (the parser's switch to dense ids). */
  mapInPlace(f: (page: number) => number): void {
    for (let i = 0; i < this.count; i++) this.data[i] = f(this.data[i]!);
  }

  /**
   * The pages pushed so far. Shares storage when little is wasted (no 400 MB copy for a
   * 100-million-reference trace); copies when more than a quarter would be slack.
   */
  toArray(): Uint32Array {
    const slack = this.data.length - this.count;
    return slack > this.count / 4
      ? this.data.slice(0, this.count)
      : this.data.subarray(0, this.count);
  }
}
