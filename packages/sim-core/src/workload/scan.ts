import type { ReferenceSource } from './source.ts';

/** A sequential scan over [start, start+length), wrapping around: a guest copying or checksumming memory. */
export class ScanSource implements ReferenceSource {
  constructor(
    readonly start: number,
    readonly length: number,
    private pos = 0,
  ) {}

  fill(out: Uint32Array, from: number, to: number): void {
    let p = this.pos;
    for (let i = from; i < to; i++) {
      out[i] = this.start + p;
      if (++p === this.length) p = 0;
    }
    this.pos = p;
  }

  clone(): ScanSource {
    return new ScanSource(this.start, this.length, this.pos);
  }
}
