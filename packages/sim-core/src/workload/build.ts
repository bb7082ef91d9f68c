import { Prng } from '../prng.ts';
import { pagesOf, type Scenario, type WorkloadSpec } from '../scenario.ts';
import { BootSource } from './boot.ts';
import { HotColdSource } from './hot-cold.ts';
import { MixSource } from './mix.ts';
import { PhasesSource } from './phases.ts';
import { ScanSource } from './scan.ts';
import type { ReferenceSource } from './source.ts';
import { TraceReplaySource } from './trace-replay.ts';
import { UniformSource } from './uniform.ts';
import { ZipfSource } from './zipf.ts';

/** Traces a scenario names, already imported and densified (see ../trace), by name. */
export type TraceTable = ReadonlyMap<string, Uint32Array>;

/**
 * The scenario's reference stream for `seed`: the boot scan (if any) followed by its workload.
 * Each random part draws from its own PRNG, seeded from `seed` and its position in the spec, so
 * adding a part does not perturb the others.
 */
export function buildReferenceSource(
  s: Scenario,
  seed: number,
  traces: TraceTable = new Map(),
): ReferenceSource {
  const guestPages = pagesOf(s.guest.memoryMiB);
  let next = 0;
  const rng = () => new Prng((seed ^ Math.imul(++next, 0x9e3779b1)) >>> 0);
  const build = (w: WorkloadSpec): ReferenceSource => {
    const start = 'offsetMiB' in w ? pagesOf(w.offsetMiB ?? 0) : 0;
    const length =
      'sizeMiB' in w && w.sizeMiB !== undefined ? pagesOf(w.sizeMiB) : guestPages - start;
    switch (w.type) {
      case 'uniform':
        return new UniformSource(start, length, rng());
      case 'hotcold':
        return new HotColdSource(
          start,
          length,
          w.hotOffsetMiB !== undefined ? pagesOf(w.hotOffsetMiB) : start,
          Math.max(1, pagesOf(w.hotMiB)),
          w.hotShare,
          rng(),
        );
      case 'zipf':
        return new ZipfSource(start, length, w.exponent, rng());
      case 'scan':
        return new ScanSource(start, length);
      case 'phases':
        return new PhasesSource(
          w.phases.map((p) => ({
            refs: Math.round(p.seconds * s.rate),
            source: build(p.workload),
          })),
        );
      case 'mix':
        return new MixSource(
          w.parts.map((p) => ({ weight: p.weight, source: build(p.workload) })),
          rng(),
        );
      case 'trace': {
        const refs = traces.get(w.trace);
        if (!refs) throw new Error(`workload.trace: trace "${w.trace}" was not loaded`);
        let distinct = 0;
        for (let i = 0; i < refs.length; i++) if (refs[i] + 1 > distinct) distinct = refs[i] + 1;
        if (start + distinct > guestPages)
          throw new Error(
            `workload.trace: the trace touches ${distinct} distinct pages, more than fit in the guest from offset ${start} (${guestPages - start} pages)`,
          );
        return new TraceReplaySource(refs, start, w.loop);
      }
    }
  };
  const workload = build(s.workload);
  if (!s.boot) return workload;
  // Boot runs alongside the workload: were the workload to start only after the scan,
  // boot-time reclaim would age the hot set before anyone used it.
  return new BootSource(new ScanSource(0, guestPages), workload, bootRefs(guestPages), rng());
}

/** References the boot phase lasts: long enough for its scan to touch every page about once. */
export function bootRefs(guestPages: number): number {
  return 2 * guestPages;
}
