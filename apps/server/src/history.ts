import { HalvingSeries } from './halving-series.ts';

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
  private readonly series: HalvingSeries<Float64Array>;
  readonly width: number;

  constructor(
    readonly runs: number,
    readonly counters: number,
    every: number,
    readonly capacity: number,
  ) {
    this.width = runs * counters;
    this.series = new HalvingSeries(
      every,
      capacity,
      this.width,
      new Float64Array(capacity * this.width),
    );
  }

  get length(): number {
    return this.series.length;
  }

  /** References between samples (doubles each time the history is full). */
  get every(): number {
    return this.series.every;
  }

  /** Changes whenever samples already handed out may have changed (halving, truncation, copy). */
  get epoch(): number {
    return this.series.epoch;
  }

  /** The next reference index at which a sample is due. */
  nextDue(refIndex: number): number {
    return this.series.nextDue(refIndex);
  }

  /** Record the vectors at `refIndex` (one per run); ignores a sample not due there. */
  record(refIndex: number, vectors: readonly Float64Array[]): void {
    const row = this.series.add(refIndex);
    if (row) vectors.forEach((v, r) => row.set(v.subarray(0, this.counters), r * this.counters));
  }

  /** Forget samples after `refIndex` (a knob change in the past: that future will not happen). */
  truncateAfter(refIndex: number): void {
    this.series.truncateAfter(refIndex);
  }

  /** Take over `other`'s samples up to `refIndex` (a fork keeps the history it was forked from). */
  copyUpTo(other: CounterHistory, refIndex: number): void {
    this.series.copyUpTo(other.series, refIndex);
  }

  refAt(i: number): number {
    return this.series.refAt(i);
  }

  /** Counter vector of run `run` at sample `i` (a view, valid until the next record). */
  valuesAt(i: number, run: number): Float64Array {
    return this.series.row(i).subarray(run * this.counters, (run + 1) * this.counters);
  }
}
