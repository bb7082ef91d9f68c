/**
 * xoshiro128** (Blackman and Vigna), seeded through splitmix32. Small, fast, and its whole state
 * is four uint32 words, so a run can be checkpointed and replayed bit for bit.
 */
export class Prng {
  readonly s = new Uint32Array(4);

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n), n ≤ 2^32. */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * out[i] = start + below(n) for i in [from, to): the same draws as that loop, bit for bit, with
   * the state in locals for the length of the fill (a reference generator's inner loop; reading
   * and writing the state array on every draw costs several times the draw itself).
   */
  fillBelow(out: Uint32Array, from: number, to: number, start: number, n: number): void {
    const s = this.s;
    let s0 = s[0] | 0;
    let s1 = s[1] | 0;
    let s2 = s[2] | 0;
    let s3 = s[3] | 0;
    for (let i = from; i < to; i++) {
      const m = Math.imul(s1, 5);
      const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = start + Math.floor((r / 4294967296) * n);
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
  }

  clone(): Prng {
    const p = new Prng(0);
    p.s.set(this.s);
    return p;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
