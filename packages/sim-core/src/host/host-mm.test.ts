import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario.ts';
import { Simulation } from '../simulation.ts';
import { recordVerdict } from './rmap.ts';

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

  it('keeps "touched since the last verdict" exact when touches and verdicts fall behind the epoch', () => {
    const s = parseScenario({
      name: 'e',
      guest: { memoryMiB: 4 },
      host: { memcgLimitMiB: 8, swapMiB: 8 },
      boot: false,
      workload: { type: 'uniform' },
    });
    const sim = new Simulation(s, 'ept-ad-bits');
    const h = sim.host;
    // page 1: verdict, then a touch; page 2: a touch, then a verdict; page 3: a verdict only
    h.verdictAt[2] = h.verdictAt[3] = 0;
    h.now = 9;
    recordVerdict(h, 1, true);
    recordVerdict(h, 3, true);
    sim.consume(Uint32Array.from([1, 2]), 2, 20);
    h.now = 30;
    recordVerdict(h, 2, true);
    // two epoch moves, each far past every stored time
    sim.consume(Uint32Array.from([5]), 1, 2 ** 30 + 7);
    sim.consume(Uint32Array.from([5]), 1, 2 ** 31 + 7);
    expect(h.touchEpoch).toBeGreaterThan(2 ** 30);
    expect(h.lastTouch[1] > h.verdictAt[1]).toBe(true); // touched after its verdict
    expect(h.lastTouch[2] > h.verdictAt[2]).toBe(false); // verdict after its touch
    expect(h.lastTouch[3] > h.verdictAt[3]).toBe(false); // never touched
    expect(h.lastTouch[5] > h.verdictAt[5]).toBe(true); // touched, no verdict yet
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
