import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario.ts';
import { Simulation } from '../simulation.ts';

describe('HostMm ground-truth clock', () => {
  it('moves the touch epoch before stored touches outgrow 2^30, keeping recent touches exact', () => {
    const s = parseScenario({
      name: 'e',
      guest: { memoryMiB: 4 },
      host: { memcgLimitMiB: 8, swapMiB: 8 },
      boot: false,
      workload: { type: 'uniform' },
    });
    const sim = new Simulation(s, 'ept-ad-bits');
    sim.consume(Uint32Array.from([1, 2]), 2, 0); // touches at reference 0 and 1
    const late = 2 ** 30 + 123;
    sim.consume(Uint32Array.from([3]), 1, late);
    expect(sim.host.touchEpoch).toBeGreaterThan(0);
    expect(sim.host.touchedAt(3)).toBe(late + 1); // exact
    expect(sim.host.touchedAt(1)).toBeGreaterThan(0); // long ago, still "touched"
    expect(sim.host.touchedAt(1)).toBeLessThan(late - 2 ** 28);
    expect(sim.host.touchedAt(4)).toBe(0); // never
    expect(sim.host.lastTouch.every((v) => v < 2 ** 30)).toBe(true);
  });
});

describe('layout', () => {
  it('holds a guest in typed arrays of under 64 bytes a page (a 64 GiB guest fits in 1 GiB)', () => {
    for (const memoryMiB of [256, 4096]) {
      const s = parseScenario({
        name: 'big',
        guest: { memoryMiB },
        host: { memcgLimitMiB: memoryMiB / 2, swapMiB: memoryMiB / 2 },
        workload: { type: 'uniform' },
      });
      const sim = new Simulation(s, 'unmap-emulation');
      expect(sim.heapBytes() / sim.guestPages).toBeLessThan(64);
    }
  });
});
