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
    if (coldPages <= 0) {
      // every draw is spent: one for the hot/cold coin, one for the page
      for (let i = from; i < to; i++) {
        this.rng.next();
        out[i] = this.hotStart + this.rng.below(this.hotPages);
      }
      return;
    }
    const hotEnd = this.hotStart + this.hotPages;
    const hotStart = this.hotStart;
    const hotPages = this.hotPages;
    const hotShare = this.hotShare;
    const start = this.start;
    const end = this.start + this.length;
    // Prng.nextU32 inlined, its state in locals for the whole fill (the same draws, bit for bit)
    const s = this.rng.s;
    let s0 = s[0] | 0;
    let s1 = s[1] | 0;
    let s2 = s[2] | 0;
    let s3 = s[3] | 0;
    for (let i = from; i < to; i++) {
      let m = Math.imul(s1, 5);
      let r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const u = r / 4294967296;
      if (u < hotShare) {
        // reuse the uniform draw: u / hotShare is uniform in [0, 1)
        out[i] = hotStart + Math.floor((u / hotShare) * hotPages);
      } else {
        // a cold page: a second draw, skipping over the hot range
        m = Math.imul(s1, 5);
        r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
        t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        let g = start + Math.floor((r / 4294967296) * coldPages);
        if (g >= hotStart) g += hotPages;
        out[i] = g < end ? g : hotEnd - 1;
      }
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
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
