import { Prng } from '../prng.ts';
import type { ReferenceSource } from './source.ts';

/** The sum of several workloads: each reference comes from part i with probability weight_i / Σ weights. */
export class MixSource implements ReferenceSource {
  private readonly cum: Float64Array;
  private pick = new Uint8Array(0);
  private readonly count: Uint32Array;
  private readonly bufs: Uint32Array[];

  constructor(
    private readonly parts: { weight: number; source: ReferenceSource }[],
    private rng: Prng,
  ) {
    const total = parts.reduce((s, p) => s + p.weight, 0);
    this.cum = new Float64Array(parts.length);
    let acc = 0;
    parts.forEach((p, i) => (this.cum[i] = acc += p.weight / total));
    this.count = new Uint32Array(parts.length);
    this.bufs = parts.map(() => new Uint32Array(0));
  }

  fill(out: Uint32Array, from: number, to: number): void {
    // Draw every slot's part first, then let each part fill its slots in one call: the same
    // stream as slot by slot, since each part draws from its own state.
    const cum = this.cum;
    const k = to - from;
    if (k <= 0) return;
    if (this.pick.length < k) this.pick = new Uint8Array(k);
    const pick = this.pick;
    const count = this.count.fill(0);
    for (let j = 0; j < k; j++) {
      const u = this.rng.next();
      let p = 0;
      while (p < cum.length - 1 && u >= cum[p]) p++;
      pick[j] = p;
      count[p]++;
    }
    for (let p = 0; p < this.parts.length; p++) {
      if (count[p] === 0) continue;
      if (this.bufs[p].length < count[p]) this.bufs[p] = new Uint32Array(Math.max(count[p], 64));
      this.parts[p].source.fill(this.bufs[p], 0, count[p]);
    }
    const at = this.count.fill(0);
    for (let j = 0; j < k; j++) {
      const p = pick[j];
      out[from + j] = this.bufs[p][at[p]++];
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
