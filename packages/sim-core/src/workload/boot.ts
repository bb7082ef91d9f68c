import type { Prng } from '../prng.ts';
import { ScanSource } from './scan.ts';
import type { ReferenceSource } from './source.ts';

/**
 * Boot: for `bootRefs` references the guest touches all of its memory once, in order, while its
 * workload already runs (each reference is the scan's or the workload's with equal odds); then the
 * workload alone. One object owns the workload, so a clone continues it exactly.
 */
export class BootSource implements ReferenceSource {
  private readonly one = new Uint32Array(1);

  constructor(
    private readonly scan: ScanSource,
    private readonly workload: ReferenceSource,
    private readonly bootRefs: number,
    private rng: Prng,
    private used = 0,
  ) {}

  fill(out: Uint32Array, from: number, to: number): void {
    let i = from;
    for (; i < to && this.used < this.bootRefs; i++, this.used++) {
      const src = this.rng.next() < 0.5 ? this.scan : this.workload;
      src.fill(this.one, 0, 1);
      out[i] = this.one[0];
    }
    if (i < to) this.workload.fill(out, i, to);
  }

  setHotPages(pages: number): boolean {
    return this.workload.setHotPages?.(pages) ?? false;
  }

  clone(): BootSource {
    return new BootSource(
      this.scan.clone(),
      this.workload.clone(),
      this.bootRefs,
      this.rng.clone(),
      this.used,
    );
  }
}
