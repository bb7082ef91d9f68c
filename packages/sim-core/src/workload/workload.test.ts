import { describe, expect, it } from 'vitest';
import { Prng } from '../prng.ts';
import { parseScenario } from '../scenario.ts';
import { buildReferenceSource } from './build.ts';
import { HotColdSource } from './hot-cold.ts';
import { MixSource } from './mix.ts';
import { PhasesSource } from './phases.ts';
import { ScanSource } from './scan.ts';
import { IDLE, type ReferenceSource } from './source.ts';
import { TraceReplaySource } from './trace-replay.ts';
import { UniformSource } from './uniform.ts';
import { ZipfSource } from './zipf.ts';

const draw = (src: { fill(o: Uint32Array, a: number, b: number): void }, n: number) => {
  const out = new Uint32Array(n);
  src.fill(out, 0, n);
  return out;
};

describe('workloads', () => {
  it('hot/cold sends the hot share of references into the hot set, and the rest outside it', () => {
    const refs = draw(new HotColdSource(0, 1000, 400, 100, 0.9, new Prng(1)), 100_000);
    const hot = refs.filter((g) => g >= 400 && g < 500).length;
    expect(hot / refs.length).toBeCloseTo(0.9, 2);
    expect(refs.reduce((a, b) => Math.max(a, b))).toBeLessThan(1000);
    // every cold page is reachable
    expect(new Set(refs).size).toBe(1000);
  });

  it('zipf makes a few pages take most references, spread over the region', () => {
    const refs = draw(new ZipfSource(100, 10_000, 1.2, new Prng(2)), 200_000);
    const counts = new Map<number, number>();
    for (const g of refs) counts.set(g, (counts.get(g) ?? 0) + 1);
    const top = [...counts.values()].sort((a, b) => b - a);
    expect(top.slice(0, 10).reduce((a, b) => a + b) / refs.length).toBeGreaterThan(0.3);
    expect(refs.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(100);
    expect(refs.reduce((a, b) => Math.max(a, b))).toBeLessThan(10_100);
  });

  it('scan wraps, phases switch at their length, mix honours its weights', () => {
    expect(Array.from(draw(new ScanSource(10, 3), 7))).toEqual([10, 11, 12, 10, 11, 12, 10]);
    const ph = new PhasesSource([
      { refs: 3, source: new ScanSource(0, 100) },
      { refs: 1, source: new ScanSource(500, 100) },
    ]);
    expect(Array.from(draw(ph, 6))).toEqual([0, 1, 2, 500, 501, 502]);
    const mix = new MixSource(
      [
        { weight: 3, source: new ScanSource(0, 1) },
        { weight: 1, source: new ScanSource(7, 1) },
      ],
      new Prng(3),
    );
    const refs = draw(mix, 40_000);
    expect(refs.filter((g) => g === 0).length / refs.length).toBeCloseTo(0.75, 1);
  });

  it('a trace replays once and then idles, or loops', () => {
    const t = Uint32Array.from([0, 2, 1]);
    expect(Array.from(draw(new TraceReplaySource(t, 5, false), 5))).toEqual([5, 7, 6, IDLE, IDLE]);
    expect(Array.from(draw(new TraceReplaySource(t, 5, true), 5))).toEqual([5, 7, 6, 5, 7]);
  });

  it('a clone continues with the identical stream; the hot-set knob resizes the hot set', () => {
    const s = parseScenario({
      name: 'w',
      guest: { memoryMiB: 16 },
      host: { memcgLimitMiB: 8, swapMiB: 16 },
      workload: { type: 'hotcold', hotMiB: 4, hotShare: 0.8 },
    });
    const a = buildReferenceSource(s, 42);
    draw(a, 5000); // inside the boot phase (8192 references for 4096 pages)
    const b = a.clone();
    expect(Array.from(draw(a, 10_000))).toEqual(Array.from(draw(b, 10_000)));
    expect(a.setHotPages?.(256)).toBe(true);
    const after = draw(a, 50_000);
    expect(after.filter((g) => g < 256).length / after.length).toBeGreaterThan(0.75);
    const u: ReferenceSource = new UniformSource(0, 10, new Prng(9));
    expect(u.setHotPages).toBeUndefined();
  });

  it('a stream does not depend on how it is cut into fills (batched fills draw as slot by slot would)', () => {
    const s = parseScenario({
      name: 'w',
      guest: { memoryMiB: 16 },
      host: { memcgLimitMiB: 8, swapMiB: 16 },
      workload: {
        type: 'mix',
        parts: [
          { weight: 0.5, workload: { type: 'hotcold', hotMiB: 4, hotShare: 0.9 } },
          { weight: 0.3, workload: { type: 'uniform', offsetMiB: 8, sizeMiB: 4 } },
          { weight: 0.2, workload: { type: 'scan', offsetMiB: 2, sizeMiB: 1 } },
        ],
      },
    });
    const whole = draw(buildReferenceSource(s, 3), 20_000); // boot (8192) and after
    const bySlot = buildReferenceSource(s, 3);
    const one = new Uint32Array(1);
    const slots = new Uint32Array(20_000);
    for (let i = 0; i < slots.length; i++) {
      bySlot.fill(one, 0, 1);
      slots[i] = one[0];
    }
    expect(Array.from(slots)).toEqual(Array.from(whole));
  });

  it('uniform and hot/cold draw exactly as Prng.below defines them', () => {
    const rng = new Prng(11);
    const u = draw(new UniformSource(100, 1000, new Prng(11)), 5000);
    expect(Array.from(u)).toEqual(Array.from({ length: 5000 }, () => 100 + rng.below(1000)));
    const r2 = new Prng(12);
    const expected = Array.from({ length: 5000 }, () => {
      const x = r2.next();
      if (x < 0.7) return 50 + Math.floor((x / 0.7) * 200);
      let g = r2.below(800);
      if (g >= 50) g += 200;
      return g < 1000 ? g : 249;
    });
    expect(Array.from(draw(new HotColdSource(0, 1000, 50, 200, 0.7, new Prng(12)), 5000))).toEqual(
      expected,
    );
  });
});
