import { Prng } from '../prng.ts';
import type { ReferenceSource } from './source.ts';

/**
 * A hot set of `hotPages` contiguous pages at `hotStart` receives `hotShare` of the references;
 * the rest of [start, start+length) shares the remainder uniformly. The classic experiment's
 * guest: a working set that fits the cgroup, and cold memory that does not.
 */
export class HotColdSource implements ReferenceSource {
  constructor(
    readonly start: number,
    readonly length: number,
    public hotStart: number,
    public hotPages: number,
    readonly hotShare: number,
    private rng: Prng,
  ) {}

  fill(out: Uint32Array, from: number, to: number): void {
    const coldPages = this.length - this.hotPages;
    const hotEnd = this.hotStart + this.hotPages;
    for (let i = from; i < to; i++) {
      const u = this.rng.next();
      if (coldPages <= 0) {
        out[i] = this.hotStart + this.rng.below(this.hotPages);
      } else if (u < this.hotShare) {
        // reuse the uniform draw: u / hotShare is uniform in [0, 1)
        out[i] = this.hotStart + Math.floor((u / this.hotShare) * this.hotPages);
      } else {
        // a cold page: skip over the hot range
        let g = this.start + this.rng.below(coldPages);
        if (g >= this.hotStart) g += this.hotPages;
        out[i] = g < this.start + this.length ? g : hotEnd - 1;
      }
    }
  }

  setHotPages(pages: number): boolean {
    const p = Math.max(1, Math.min(pages, this.start + this.length - this.hotStart));
    if (p === this.hotPages) return false;
    this.hotPages = p;
    return true;
  }

  clone(): HotColdSource {
    return new HotColdSource(
      this.start,
      this.length,
      this.hotStart,
      this.hotPages,
      this.hotShare,
      this.rng.clone(),
    );
  }
}
