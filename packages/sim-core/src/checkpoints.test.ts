import { describe, expect, it } from 'vitest';
import { Comparison } from './comparison.ts';
import { parseScenario } from './scenario.ts';

const s = parseScenario({
  name: 't',
  guest: { memoryMiB: 16 },
  host: { memcgLimitMiB: 8, swapMiB: 32 },
  rate: 10_000,
  workload: { type: 'hotcold', hotMiB: 4, hotShare: 0.9 },
});

const counters = (c: Comparison) =>
  c.sims.map((sim) => {
    sim.host.syncGauges();
    return Array.from(sim.counters);
  });

describe('checkpoints by replay cost', () => {
  // A clock on which the first 100,000 references cost ten times what the rest do (a boot).
  const HEAVY = 100_000;
  const END = 400_000;
  function timed(maxCheckpoints: number) {
    let t = 0;
    let cmp: Comparison | null = null;
    const now = () => (t += cmp && cmp.refIndex < HEAVY ? 10 : 1);
    const probe = new Comparison(s, ['always-old', 'unmap-emulation'], 2);
    const bytes = probe.sims.reduce((a, x) => a + x.heapBytes(), 0);
    cmp = new Comparison(s, ['always-old', 'unmap-emulation'], 2, {
      checkpointEveryRefs: Number.MAX_SAFE_INTEGER,
      checkpointWorkMs: 4,
      maxCheckpointBytes: bytes * (maxCheckpoints + 0.5),
      now,
    });
    return cmp;
  }

  it('are kept where replay is expensive, not evenly by references', () => {
    const cmp = timed(8);
    cmp.step(END);
    const cps = cmp.checkpointRefs();
    expect(cps[0]).toBe(0);
    expect(cps.length).toBeLessThanOrEqual(9);
    expect(cps.length).toBeGreaterThanOrEqual(6);
    // the heavy quarter of the references holds most of the replay cost, so most checkpoints
    const interior = cps.slice(1, -1);
    const heavy = interior.filter((r) => r < HEAVY).length;
    expect(heavy).toBeGreaterThan(interior.length / 2);
  });

  it('change how far a seek replays, never what it lands on', () => {
    const cmp = timed(4);
    cmp.step(150_000);
    const direct = new Comparison(s, ['always-old', 'unmap-emulation'], 2);
    for (const target of [13_333, 64_097, 111_111, 150_000]) {
      cmp.seek(target);
      direct.step(target - direct.refIndex);
      expect(counters(cmp)).toEqual(counters(direct));
    }
  });
});
