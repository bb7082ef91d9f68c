import { describe, expect, it } from 'vitest';
import { parseScenario } from './scenario.ts';
import { Simulation } from './simulation.ts';
import { IDLE } from './workload/source.ts';
import { ALL_COUNTERS } from './counters.ts';

/** A 4 MiB guest without pressure or THP, every page faulted in by an ordered scan. */
function faultedIn(): Simulation {
  const scenario = parseScenario({
    name: 'hot-loop',
    guest: { memoryMiB: 4 },
    host: { memcgLimitMiB: 4, swapMiB: 0 },
    boot: false,
    workload: { type: 'uniform' },
  });
  const sim = new Simulation(scenario, 'unmap-emulation');
  const n = sim.guestPages;
  const scan = Uint32Array.from({ length: n }, (_, g) => g);
  sim.consume(scan, n, 0);
  return sim;
}

const counter = (sim: Simulation, name: (typeof ALL_COUNTERS.names)[number]): number =>
  sim.counters[ALL_COUNTERS.names.indexOf(name)];

describe('the per-reference loop once every frame is 4K-mapped', () => {
  it('stores each reference’s time, and an idle slot in mid-chunk neither counts nor stops the stores after it', () => {
    const sim = faultedIn();
    expect(sim.kvm.framesNot4k).toBe(0);
    const base = sim.guestPages;
    const faults = counter(sim, 'pf_fixed');
    const refs = Uint32Array.from([5, 700, IDLE, 9, 1023, 5]);
    sim.consume(refs, refs.length, base);
    expect(counter(sim, 'pf_fixed')).toBe(faults); // nothing exits
    expect(counter(sim, 'sim_guest_refs')).toBe(base + 5); // the idle slot is not a reference
    expect(sim.host.touchedAt(700)).toBe(sim.host.touchedAt(5) - 4);
    expect(sim.host.touchedAt(9)).toBe(sim.host.touchedAt(700) + 2);
    expect(sim.host.touchedAt(1023)).toBe(sim.host.touchedAt(9) + 1);
    expect(sim.checkInvariants()).toEqual([]);
  });

  it('takes the exit again as soon as one spte is gone', () => {
    const sim = faultedIn();
    sim.kvm.invalidatePage(300);
    expect(sim.kvm.framesNot4k).toBe(1);
    const faults = counter(sim, 'pf_fixed');
    const refs = Uint32Array.from([1, 300, 2]);
    sim.consume(refs, refs.length, sim.guestPages);
    expect(counter(sim, 'pf_fixed')).toBe(faults + 1);
    expect(sim.kvm.framesNot4k).toBe(0); // the fault mapped it back: the frame is whole again
    expect(sim.checkInvariants()).toEqual([]);
  });
});
