import type { Prng } from '../prng.ts';
import { ScanSource } from './scan.ts';
import type { ReferenceSource } from './source.ts';

/**
 * Boot: for `bootRefs` references the guest touches all of its memory once, in order, while its
 * workload already runs (each reference is the scan's or the workload's with equal odds); then the
 * workload alone. One object owns the workload, so a clone continues it exactly.
 */
export class BootSource implements ReferenceSource {
  private pick = new Uint8Array(0);
  private scanBuf = new Uint32Array(0);
  private workBuf = new Uint32Array(0);

  constructor(
    private readonly scan: ScanSource,
    private readonly workload: ReferenceSource,
    private readonly bootRefs: number,
    private rng: Prng,
    private used = 0,
  ) {}

  fill(out: Uint32Array, from: number, to: number): void {
    const end = Math.min(to, from + Math.max(0, this.bootRefs - this.used));
    if (end > from) {
      // The coin decides each slot; then each source fills its slots in one call. The same
      // stream as filling slot by slot: the scan, the workload and the coin draw from separate
      // state, so the order of their draws across sources does not matter.
      const k = end - from;
      if (this.pick.length < k) this.pick = new Uint8Array(k);
      if (this.scanBuf.length < k) this.scanBuf = new Uint32Array(k);
      if (this.workBuf.length < k) this.workBuf = new Uint32Array(k);
      const pick = this.pick;
      let nScan = 0;
      for (let j = 0; j < k; j++) {
        const scan = this.rng.next() < 0.5 ? 1 : 0;
        pick[j] = scan;
        nScan += scan;
      }
      this.scan.fill(this.scanBuf, 0, nScan);
      this.workload.fill(this.workBuf, 0, k - nScan);
      for (let j = 0, a = 0, b = 0; j < k; j++)
        out[from + j] = pick[j] ? this.scanBuf[a++] : this.workBuf[b++];
      this.used += k;
    }
    if (end < to) this.workload.fill(out, end, to);
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
