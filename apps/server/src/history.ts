/**
 * A run's counter history: the counter vector of every run of a comparison, sampled every
 * `every` references, for charts and for the CSV/JSON/Perfetto exports.
 *
 * Bounded: when `capacity` samples are held, every other one is dropped and the interval
 * doubles, so a long run keeps its whole span at a coarser grain and memory stays
 * capacity × runs × counters × 8 bytes. Samples sit at multiples of `every`, so two
 * identical runs give identical histories whatever the wall-clock pacing was.
 */
export class CounterHistory {
  every: number;
  /** Changes whenever samples already handed out may have changed (halving, truncation, copy). */
  epoch = 0;
  private refs: Float64Array;
  private values: Float64Array;
  private n = 0;
  readonly width: number;

  constructor(
    readonly runs: number,
    readonly counters: number,
    every: number,
    readonly capacity: number,
  ) {
    this.every = Math.max(1, Math.round(every));
    this.width = runs * counters;
    this.refs = new Float64Array(capacity);
    this.values = new Float64Array(capacity * this.width);
  }

  get length(): number {
    return this.n;
  }

  /** The next reference index at which a sample is due. */
  nextDue(refIndex: number): number {
    return (Math.floor(refIndex / this.every) + 1) * this.every;
  }

  /** Record the vectors at `refIndex` (one per run); ignores a sample not after the last one. */
  record(refIndex: number, vectors: readonly Float64Array[]): void {
    if (this.n > 0 && refIndex <= this.refs[this.n - 1]) return;
    if (refIndex % this.every !== 0) return;
    if (this.n === this.capacity) this.halve();
    if (refIndex % this.every !== 0) return;
    this.refs[this.n] = refIndex;
    vectors.forEach((v, r) =>
      this.values.set(v.subarray(0, this.counters), this.n * this.width + r * this.counters),
    );
    this.n++;
  }

  private halve(): void {
    this.every *= 2;
    this.epoch++;
    let k = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.refs[i] % this.every !== 0) continue;
      this.refs[k] = this.refs[i];
      this.values.copyWithin(k * this.width, i * this.width, (i + 1) * this.width);
      k++;
    }
    this.n = k;
  }

  /** Forget samples after `refIndex` (a backward seek or reset: that future may not happen again). */
  truncateAfter(refIndex: number): void {
    const n = this.n;
    while (this.n > 0 && this.refs[this.n - 1] > refIndex) this.n--;
    if (this.n !== n) this.epoch++;
  }

  /** Take over `other`'s samples up to `refIndex` (a fork keeps the history it was forked from). */
  copyUpTo(other: CounterHistory, refIndex: number): void {
    this.n = 0;
    this.every = other.every;
    this.epoch++;
    for (let i = 0; i < other.length && other.refs[i] <= refIndex; i++) {
      this.refs[i] = other.refs[i];
      this.values.set(other.values.subarray(i * this.width, (i + 1) * this.width), i * this.width);
      this.n++;
    }
  }

  refAt(i: number): number {
    return this.refs[i];
  }

  /** Counter vector of run `run` at sample `i` (a view, valid until the next record). */
  valuesAt(i: number, run: number): Float64Array {
    const o = i * this.width + run * this.counters;
    return this.values.subarray(o, o + this.counters);
  }
}
