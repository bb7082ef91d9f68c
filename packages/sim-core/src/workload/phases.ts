import type { ReferenceSource } from './source.ts';

/**
 * One workload after another, each for a fixed number of references (a phase shift of the working
 * set); the last phase lasts for ever.
 */
export class PhasesSource implements ReferenceSource {
  constructor(
    private readonly phases: { refs: number; source: ReferenceSource }[],
    private index = 0,
    private used = 0,
  ) {}

  fill(out: Uint32Array, from: number, to: number): void {
    let i = from;
    while (i < to) {
      const phase = this.phases[this.index];
      const last = this.index === this.phases.length - 1;
      const n = last ? to - i : Math.min(to - i, phase.refs - this.used);
      phase.source.fill(out, i, i + n);
      i += n;
      this.used += n;
      if (!last && this.used >= phase.refs) {
        this.index++;
        this.used = 0;
      }
    }
  }

  setHotPages(pages: number): boolean {
    let changed = false;
    for (const p of this.phases) changed = (p.source.setHotPages?.(pages) ?? false) || changed;
    return changed;
  }

  clone(): PhasesSource {
    return new PhasesSource(
      this.phases.map((p) => ({ refs: p.refs, source: p.source.clone() })),
      this.index,
      this.used,
    );
  }
}
