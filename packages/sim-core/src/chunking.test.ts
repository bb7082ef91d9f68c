import { describe, expect, it } from 'vitest';
import { Comparison } from './comparison.ts';
import { parseScenario } from './scenario.ts';
import { summarize } from './summary.ts';

const scenario = parseScenario({
  name: 'chunks',
  guest: { memoryMiB: 8 },
  host: { memcgLimitMiB: 4, swapMiB: 16 },
  rate: 20_000,
  workload: { type: 'hotcold', hotMiB: 2, hotShare: 0.9 },
  seconds: 3,
  steadyFromSeconds: 1.3, // not on the 5-s checkpoint grid: a chunk runs across it
});

describe('a run does not depend on how its reference stream is chunked', () => {
  it('the steady-state window starts at steadyFromSeconds whatever the steps, with or without checkpoints', () => {
    const whole = new Comparison(scenario, ['unmap-emulation', 'ept-ad-bits'], 5);
    whole.runFor(3);
    const odd = new Comparison(scenario, ['unmap-emulation', 'ept-ad-bits'], 5, {
      checkpoints: false,
    });
    while (odd.refIndex < 60_000) odd.step(Math.min(777, 60_000 - odd.refIndex));
    const a = summarize(whole);
    const b = summarize(odd);
    expect(a[0].steady?.fromSeconds).toBe(1.3);
    expect(b.map((r) => r.steady)).toEqual(a.map((r) => r.steady));
    expect(b.map((r) => r.counters)).toEqual(a.map((r) => r.counters));
    expect(a[0].counters.sim_reclaim_passes).toBeGreaterThan(0); // under pressure: a real test
  });

  it('a comparison built without checkpoints refuses to seek rather than replaying from nothing', () => {
    const c = new Comparison(scenario, ['always-old'], 1, { checkpoints: false });
    c.runFor(0.5);
    expect(() => c.seek(0)).toThrow(/checkpoints: false/);
    expect(() => c.reset()).toThrow(/checkpoints: false/);
  });
});
