/**
 * Points taken at fixed references, each a row of `width` numbers, bounded: when `capacity`
 * points are held, every other one is dropped and the interval doubles, so a long run keeps its
 * whole span at a coarser grain in bounded memory. Points sit at multiples of `every`, so two
 * identical runs give identical series whatever the wall-clock pacing was. `epoch` changes
 * whenever points already handed out may have changed (halving, truncation, a copy), so a
 * reader knows to start again. The counter history and the map history are both this.
 */
export class HalvingSeries<Row extends Float64Array | Uint8Array> {
  every: number;
  epoch = 0;
  private readonly refs: Float64Array;
  private n = 0;

  constructor(
    every: number,
    readonly capacity: number,
    readonly width: number,
    private readonly rows: Row,
  ) {
    this.every = Math.max(1, Math.round(every));
    this.refs = new Float64Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  /** The next reference index at which a point is due. */
  nextDue(refIndex: number): number {
    return (Math.floor(refIndex / this.every) + 1) * this.every;
  }

  /**
   * The row to fill for a point at `refIndex`, or null when none is due there (not a multiple of
   * the interval, or not after the last point). The point counts once the caller has filled it.
   */
  add(refIndex: number): Row | null {
    if (this.n > 0 && refIndex <= this.refs[this.n - 1]) return null;
    if (refIndex % this.every !== 0) return null;
    if (this.n === this.capacity) this.halve();
    if (refIndex % this.every !== 0) return null;
    this.refs[this.n] = refIndex;
    const row = this.row(this.n);
    this.n++;
    return row;
  }

  /** Double the interval until it is at least `every` (follow a coarser series). */
  atLeast(every: number): void {
    while (this.every < every) this.halve();
  }

  private halve(): void {
    this.every *= 2;
    this.epoch++;
    let k = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.refs[i] % this.every !== 0) continue;
      this.refs[k] = this.refs[i];
      this.rows.copyWithin(k * this.width, i * this.width, (i + 1) * this.width);
      k++;
    }
    this.n = k;
  }

  /** Forget points after `refIndex` (a knob change in the past: that future will not happen). */
  truncateAfter(refIndex: number): void {
    const n = this.n;
    while (this.n > 0 && this.refs[this.n - 1] > refIndex) this.n--;
    if (this.n !== n) this.epoch++;
  }

  /** Take over `other`'s points up to `refIndex` (a fork keeps the history it was forked from). */
  copyUpTo(other: HalvingSeries<Row>, refIndex: number): void {
    this.n = 0;
    this.every = other.every;
    this.epoch++;
    for (let i = 0; i < other.n && other.refs[i] <= refIndex; i++) {
      this.refs[i] = other.refs[i];
      this.rows.set(other.row(i), i * this.width);
      this.n++;
    }
  }

  refAt(i: number): number {
    return this.refs[i];
  }

  /** The row of point i (a view, valid until the next add). */
  row(i: number): Row {
    return this.rows.subarray(i * this.width, (i + 1) * this.width) as Row;
  }
}
