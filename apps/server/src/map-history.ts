import { HISTORY_CLASS_COUNT, historyCounts, type Simulation } from '@agelab/sim-core';
import { HalvingSeries } from './halving-series.ts';

/**
 * The coarse address × time history of every run of a comparison (DAMON's heatmap view): every
 * `every` references, for each of `buckets` equal ranges of guest frames, the share of its pages
 * that are swapped out, hot but swapped out, EPT-unmapped, in a split THP.
 *
 * Bounded like the counter history (a HalvingSeries): points sit at multiples of `every`, a
 * power-of-two multiple of the counter history's interval, so they are taken at the same
 * references however the run was paced.
 */
export class MapHistory {
  readonly buckets: number;
  readonly pagesPerBucket: number;
  readonly width: number;
  private readonly series: HalvingSeries<Uint8Array>;
  private readonly counts: Uint32Array;

  constructor(
    readonly runs: number,
    pages: number,
    every: number,
    readonly capacity: number,
    buckets = 256,
  ) {
    this.buckets = Math.max(1, Math.min(buckets, pages));
    this.pagesPerBucket = Math.ceil(pages / this.buckets);
    this.width = runs * HISTORY_CLASS_COUNT * this.buckets;
    this.series = new HalvingSeries(
      every,
      capacity,
      this.width,
      new Uint8Array(capacity * this.width),
    );
    this.counts = new Uint32Array(HISTORY_CLASS_COUNT * this.buckets);
  }

  get length(): number {
    return this.series.length;
  }

  get every(): number {
    return this.series.every;
  }

  /** Changes whenever points already sent may have changed (halving, truncation, copy). */
  get epoch(): number {
    return this.series.epoch;
  }

  /** Follow the counter history when it has grown coarser than this one. */
  atLeast(every: number): void {
    this.series.atLeast(every);
  }

  /** Record a point if `refIndex` is due (a multiple of `every`, after the last point). */
  maybeRecord(refIndex: number, sims: readonly Simulation[]): void {
    const row = this.series.add(refIndex);
    if (!row) return;
    const B = this.buckets;
    const per = HISTORY_CLASS_COUNT * B;
    sims.forEach((sim, r) => {
      historyCounts(sim, B, this.counts);
      for (let b = 0; b < B; b++) {
        const pages = Math.min(this.pagesPerBucket, sim.guestPages - b * this.pagesPerBucket);
        for (let c = 0; c < HISTORY_CLASS_COUNT; c++) {
          // the share of the bucket's pages in this class, of 255; never rounded to 0
          const n = this.counts[c * B + b];
          row[r * per + c * B + b] = n === 0 ? 0 : Math.max(1, Math.round((n * 255) / pages));
        }
      }
    });
  }

  /** Forget points after `refIndex` (a knob change in the past). */
  truncateAfter(refIndex: number): void {
    this.series.truncateAfter(refIndex);
  }

  copyUpTo(other: MapHistory, refIndex: number): void {
    this.series.copyUpTo(other.series, refIndex);
  }

  refAt(i: number): number {
    return this.series.refAt(i);
  }

  /** Points [a, b) of run `run`: reference indices and shares (points × classes × buckets). */
  slice(run: number, a: number, b: number): { at: Float64Array; shares: Uint8Array } {
    const per = HISTORY_CLASS_COUNT * this.buckets;
    const at = new Float64Array(b - a);
    const shares = new Uint8Array((b - a) * per);
    for (let i = a; i < b; i++) {
      at[i - a] = this.series.refAt(i);
      shares.set(this.series.row(i).subarray(run * per, (run + 1) * per), (i - a) * per);
    }
    return { at, shares };
  }
}
