import { HISTORY_CLASS_COUNT, historyCounts, type Simulation } from '@agelab/sim-core';

/**
 * The coarse address × time history of every run of a comparison (DAMON's heatmap view): every
 * `every` references, for each of `buckets` equal ranges of guest frames, the share of its pages
 * that are swapped out, hot but swapped out, EPT-unmapped, in a split THP.
 *
 * Bounded like the counter history: at `capacity` points every other one is dropped and the
 * interval doubles. Points sit at multiples of `every`, a power-of-two multiple of the counter
 * history's interval, so they are taken at the same references however the run was paced.
 * `epoch` changes whenever points already sent may have changed (halving, truncation).
 */
export class MapHistory {
  every: number;
  epoch = 0;
  readonly buckets: number;
  readonly pagesPerBucket: number;
  readonly width: number;
  private refs: Float64Array;
  private shares: Uint8Array;
  private n = 0;
  private readonly counts: Uint32Array;

  constructor(
    readonly runs: number,
    pages: number,
    every: number,
    readonly capacity: number,
    buckets = 256,
  ) {
    this.every = Math.max(1, Math.round(every));
    this.buckets = Math.max(1, Math.min(buckets, pages));
    this.pagesPerBucket = Math.ceil(pages / this.buckets);
    this.width = runs * HISTORY_CLASS_COUNT * this.buckets;
    this.refs = new Float64Array(capacity);
    this.shares = new Uint8Array(capacity * this.width);
    this.counts = new Uint32Array(HISTORY_CLASS_COUNT * this.buckets);
  }

  get length(): number {
    return this.n;
  }

  /** Follow the counter history when it has grown coarser than this one. */
  atLeast(every: number): void {
    while (this.every < every) this.halve();
  }

  /** Record a point if `refIndex` is due (a multiple of `every`, after the last point). */
  maybeRecord(refIndex: number, sims: readonly Simulation[]): void {
    if (refIndex % this.every !== 0) return;
    if (this.n > 0 && refIndex <= this.refs[this.n - 1]) return;
    if (this.n === this.capacity) {
      this.halve();
      if (refIndex % this.every !== 0) return;
    }
    const B = this.buckets;
    const per = HISTORY_CLASS_COUNT * B;
    sims.forEach((sim, r) => {
      historyCounts(sim, B, this.counts);
      const o = this.n * this.width + r * per;
      for (let b = 0; b < B; b++) {
        const pages = Math.min(this.pagesPerBucket, sim.guestPages - b * this.pagesPerBucket);
        for (let c = 0; c < HISTORY_CLASS_COUNT; c++) {
          // the share of the bucket's pages in this class, of 255; never rounded to 0
          const n = this.counts[c * B + b];
          this.shares[o + c * B + b] = n === 0 ? 0 : Math.max(1, Math.round((n * 255) / pages));
        }
      }
    });
    this.refs[this.n++] = refIndex;
  }

  private halve(): void {
    this.every *= 2;
    this.epoch++;
    let k = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.refs[i] % this.every !== 0) continue;
      this.refs[k] = this.refs[i];
      this.shares.copyWithin(k * this.width, i * this.width, (i + 1) * this.width);
      k++;
    }
    this.n = k;
  }

  /** Forget points after `refIndex` (a seek back, a reset, a knob change in the past). */
  truncateAfter(refIndex: number): void {
    const n = this.n;
    while (this.n > 0 && this.refs[this.n - 1] > refIndex) this.n--;
    if (this.n !== n) this.epoch++;
  }

  copyUpTo(other: MapHistory, refIndex: number): void {
    this.n = 0;
    this.every = other.every;
    this.epoch++;
    for (let i = 0; i < other.n && other.refs[i] <= refIndex; i++) {
      this.refs[i] = other.refs[i];
      this.shares.set(other.shares.subarray(i * this.width, (i + 1) * this.width), i * this.width);
      this.n++;
    }
  }

  refAt(i: number): number {
    return this.refs[i];
  }

  /** Points [a, b) of run `run`: reference indices and shares (points × classes × buckets). */
  slice(run: number, a: number, b: number): { at: Float64Array; shares: Uint8Array } {
    const per = HISTORY_CLASS_COUNT * this.buckets;
    const at = this.refs.slice(a, b);
    const shares = new Uint8Array((b - a) * per);
    for (let i = a; i < b; i++)
      shares.set(
        this.shares.subarray(i * this.width + run * per, i * this.width + (run + 1) * per),
        (i - a) * per,
      );
    return { at, shares };
  }
}
