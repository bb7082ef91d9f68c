import { Prng } from '../prng.ts';
import type { ReferenceSource } from './source.ts';

/**
 * Zipf-distributed references over [start, start+length): rank r has weight 1/(r+1)^s. Sampled by
 * binary search over the cumulative weights; ranks are spread over the region by a fixed
 * multiplicative permutation so the hottest pages are not all in one 2M frame.
 */
export class ZipfSource implements ReferenceSource {
  private readonly cdf: Float64Array;
  private readonly mul: number;

  constructor(
    readonly start: number,
    readonly length: number,
    readonly exponent: number,
    private rng: Prng,
    cdf?: Float64Array,
  ) {
    if (cdf) this.cdf = cdf;
    else {
      this.cdf = new Float64Array(length);
      let sum = 0;
      for (let r = 0; r < length; r++) {
        sum += 1 / Math.pow(r + 1, exponent);
        this.cdf[r] = sum;
      }
      for (let r = 0; r < length; r++) this.cdf[r] /= sum;
    }
    this.mul = coprimeNear(length, Math.floor(length * 0.6180339887) | 1);
  }

  fill(out: Uint32Array, from: number, to: number): void {
    const cdf = this.cdf;
    const n = this.length;
    for (let i = from; i < to; i++) {
      const u = this.rng.next();
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      out[i] = this.start + ((lo * this.mul) % n);
    }
  }

  clone(): ZipfSource {
    return new ZipfSource(this.start, this.length, this.exponent, this.rng.clone(), this.cdf);
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function coprimeNear(n: number, guess: number): number {
  let m = Math.max(1, guess);
  while (gcd(m, n) !== 1) m++;
  return m;
}
