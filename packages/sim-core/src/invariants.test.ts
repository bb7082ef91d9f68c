import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Comparison } from './comparison.ts';
import { ALL_COUNTERS } from './counters.ts';
import { POLICY_NAMES } from './scenario.ts';
import { parseScenario, type ScenarioInput } from './scenario.ts';

/** The counter vector with its gauges brought up to date. */
function vec(sim: Comparison['sims'][number]): number[] {
  sim.host.syncGauges();
  return Array.from(sim.counters);
}

/** Small random scenarios: every kernel path (reclaim, swap, THP, aliases) in a few thousand pages. */
const scenarioArb = fc
  .record({
    memoryMiB: fc.integer({ min: 4, max: 24 }),
    limitFrac: fc.double({ min: 0.2, max: 1.2, noNaN: true }),
    thp: fc.boolean(),
    aliases: fc.integer({ min: 0, max: 3 }),
    workload: fc.constantFrom('uniform', 'hotcold', 'zipf', 'scan', 'mix'),
    boot: fc.boolean(),
    pageCluster: fc.integer({ min: 0, max: 3 }),
  })
  .map((r): ScenarioInput => {
    const size = r.memoryMiB;
    const wl =
      r.workload === 'hotcold'
        ? { type: 'hotcold' as const, hotMiB: Math.max(1, size / 4), hotShare: 0.9 }
        : r.workload === 'zipf'
          ? { type: 'zipf' as const, exponent: 1.1 }
          : r.workload === 'mix'
            ? {
                type: 'mix' as const,
                parts: [
                  { weight: 1, workload: { type: 'scan' as const } },
                  { weight: 3, workload: { type: 'uniform' as const, sizeMiB: size / 2 } },
                ],
              }
            : { type: r.workload };
    return {
      name: 'random',
      guest: { memoryMiB: size, aliases: { count: r.aliases, sizeMiB: Math.min(2, size) } },
      host: {
        memcgLimitMiB: Math.max(1, Math.round(size * r.limitFrac)),
        swapMiB: size * 2,
        pageCluster: r.pageCluster,
      },
      thp: { enabled: r.thp, khugepaged: { scanSleepMs: 50, pagesToScan: 2048 } },
      rate: 10_000,
      boot: r.boot,
      workload: wl,
    };
  });

describe('invariants over random scenarios (domain.md 7.9)', () => {
  it('every page is in exactly one place, usage fits the limit, rmap entries match sptes, counters add up', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 1000 }), (input, seed) => {
        const s = parseScenario(input);
        const cmp = new Comparison(s, POLICY_NAMES, seed);
        for (let step = 0; step < 4; step++) {
          cmp.step(4000);
          for (const sim of cmp.sims) {
            expect(sim.checkInvariants(), `${sim.policy.name} at ${cmp.refIndex}`).toEqual([]);
            const c = sim.counterRecord();
            if (c.sim_memcg_oom === 0) expect(sim.host.usage).toBeLessThanOrEqual(sim.host.limit);
            // every EPT violation is fixed or retried; every host fault is minor or major
            expect(c.exits).toBe(c.pf_fixed + c.sim_mmu_notifier_retry);
            expect(
              c.sim_ept_fault_gup_fast + c.sim_ept_fault_host_minor + c.sim_ept_fault_host_major,
            ).toBe(c.exits);
            expect(c.sim_ept_fault_host_major).toBe(c.pgmajfault);
            // a freed page was either written to swap or read back clean from it
            expect(c.pgsteal).toBeLessThanOrEqual(c.pswpout + c.pswpin);
          }
        }
      }),
      { seed: 20101, numRuns: 40 },
    );
  });

  it('is deterministic: the same inputs give identical counters, and every run of a comparison sees the identical stream', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 1000 }), (input, seed) => {
        const s = parseScenario(input);
        const a = new Comparison(s, POLICY_NAMES, seed);
        const b = new Comparison(s, POLICY_NAMES, seed);
        a.step(12_000);
        b.step(12_000);
        a.sims.forEach((sim, i) => expect(vec(sim)).toEqual(vec(b.sims[i])));
        // a policy run alone equals the same policy inside the comparison
        const alone = new Comparison(s, [POLICY_NAMES[1]], seed);
        alone.step(12_000);
        expect(vec(alone.sims[0])).toEqual(vec(a.sims[1]));
        // identical stream: the ground truth of last touches agrees across policies
        expect(Array.from(a.sims[0].host.lastTouch)).toEqual(Array.from(a.sims[2].host.lastTouch));
      }),
      { seed: 7, numRuns: 25 },
    );
  });
});

describe('checkpoints, seek and fork', () => {
  const s = parseScenario({
    name: 't',
    guest: { memoryMiB: 16 },
    host: { memcgLimitMiB: 8, swapMiB: 32 },
    thp: { enabled: true, khugepaged: { scanSleepMs: 100 } },
    rate: 10_000,
    workload: { type: 'hotcold', hotMiB: 4, hotShare: 0.9 },
  });
  const opts = { checkpointEveryRefs: 5000 };

  it('seeking backward and forward lands on exactly the state of a direct run, knob changes included', () => {
    const direct = new Comparison(s, ['always-old', 'unmap-emulation'], 3, opts);
    direct.step(12_000);
    direct.setKnob('limitMiB', 6);
    direct.step(9_000);
    direct.setKnob('hotMiB', 2);
    direct.step(10_000);
    const seeker = new Comparison(s, ['always-old', 'unmap-emulation'], 3, opts);
    seeker.step(12_000);
    seeker.setKnob('limitMiB', 6);
    seeker.step(9_000);
    seeker.setKnob('hotMiB', 2);
    seeker.step(10_000);
    seeker.seek(4_321);
    expect(seeker.refIndex).toBe(4_321);
    seeker.seek(31_000);
    seeker.sims.forEach((sim, i) => expect(vec(sim)).toEqual(vec(direct.sims[i])));
    seeker.seek(0);
    seeker.reset();
    expect(seeker.refIndex).toBe(0);
  });

  it('a run restored from a checkpoint taken during boot continues exactly like a direct run', () => {
    const direct = new Comparison(s, ['unmap-emulation'], 5, { checkpointEveryRefs: 1000 });
    direct.step(20_000);
    const again = new Comparison(s, ['unmap-emulation'], 5, { checkpointEveryRefs: 1000 });
    again.step(20_000);
    again.seek(2_500); // the boot phase lasts 8192 references here
    again.step(17_500);
    expect(vec(again.sims[0])).toEqual(vec(direct.sims[0]));
  });

  it('a knob turned after seeking back replaces the recorded future, checkpoints included', () => {
    const a = new Comparison(s, ['always-old'], 2, opts);
    a.step(30_000);
    a.seek(6_000);
    a.setKnob('limitMiB', 4);
    a.seek(28_000); // must not restore a checkpoint of the old future
    const direct = new Comparison(s, ['always-old'], 2, opts);
    direct.step(6_000);
    direct.setKnob('limitMiB', 4);
    direct.step(22_000);
    expect(vec(a.sims[0])).toEqual(vec(direct.sims[0]));
  });

  it('after a reset, playing on replays the recorded knob changes at their references', () => {
    const a = new Comparison(s, ['ept-ad-bits'], 4, opts);
    a.step(7_000);
    a.setKnob('limitMiB', 5);
    a.step(6_000);
    a.setKnob('thp', 0);
    a.step(4_000);
    const direct = vec(a.sims[0]);
    a.reset();
    expect(a.sims[0].host.limit).toBe(2048);
    a.step(17_000);
    expect(vec(a.sims[0])).toEqual(direct);
    expect(a.sims[0].host.cfg.thp).toBe(false);
    // a shared URL: the same log given to a fresh comparison
    const b = new Comparison(s, ['ept-ad-bits'], 4, opts);
    b.knobLog = a.knobLog;
    b.reset();
    b.step(17_000);
    expect(vec(b.sims[0])).toEqual(direct);
  });

  it('a fork continues exactly like the original, independently', () => {
    const a = new Comparison(s, ['unmap-emulation'], 9, opts);
    a.step(15_000);
    const f = a.fork();
    a.step(8_000);
    f.step(8_000);
    expect(vec(f.sims[0])).toEqual(vec(a.sims[0]));
    f.setKnob('limitMiB', 4);
    f.step(5_000);
    expect(a.sims[0].host.limit).toBe(2048);
    expect(f.sims[0].host.limit).toBe(1024);
    let delivered = 0;
    a.subscribe(() => delivered++);
    const g = a.fork();
    g.step(100);
    expect(delivered).toBe(0); // a fork does not deliver to the original's subscribers
  });

  it('keeps the gauges of the raw counter vectors current after every move', () => {
    const a = new Comparison(s, ['always-old'], 1, opts);
    const usage = () => a.sims[0].counters[ALL_COUNTERS.index.usage_in_bytes];
    a.step(9_000);
    expect(usage()).toBe((a.sims[0].host.usage + a.sims[0].host.stock) * 4096);
    a.seek(3_000);
    expect(usage()).toBe((a.sims[0].host.usage + a.sims[0].host.stock) * 4096);
    a.setKnob('limitMiB', 3);
    expect(usage()).toBe((a.sims[0].host.usage + a.sims[0].host.stock) * 4096);
  });

  it('lowering the cgroup limit reclaims down to it at once', () => {
    const a = new Comparison(s, ['ept-ad-bits'], 1, opts);
    a.step(20_000);
    a.setKnob('limitMiB', 3);
    expect(a.sims[0].host.usage).toBeLessThanOrEqual(768);
    expect(a.sims[0].checkInvariants()).toEqual([]);
  });
});
