import { Prng } from '../prng.ts';
import type { ReferenceSource } from './source.ts';

/** The sum of several workloads: each reference comes from part i with probability weight_i / Σ weights. */
export class MixSource implements ReferenceSource {
  private readonly cum: Float64Array;
  private readonly one = new Uint32Array(1);

  constructor(
    private readonly parts: { weight: number; source: ReferenceSource }[],
    private rng: Prng,
  ) {
    const total = parts.reduce((s, p) => s + p.weight, 0);
    this.cum = new Float64Array(parts.length);
    let acc = 0;
    parts.forEach((p, i) => (this.cum[i] = acc += p.weight / total));
  }

  fill(out: Uint32Array, from: number, to: number): void {
    const cum = this.cum;
    for (let i = from; i < to; i++) {
      const u = this.rng.next();
      let k = 0;
      while (k < cum.length - 1 && u >= cum[k]) k++;
      this.parts[k].source.fill(this.one, 0, 1);
      out[i] = this.one[0];
    }
  }

  setHotPages(pages: number): boolean {
    let changed = false;
    for (const p of this.parts) changed = (p.source.setHotPages?.(pages) ?? false) || changed;
    return changed;
  }

  clone(): MixSource {
    return new MixSource(
      this.parts.map((p) => ({ weight: p.weight, source: p.source.clone() })),
      this.rng.clone(),
    );
  }
}
