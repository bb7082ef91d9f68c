import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario.ts';
import { Simulation } from '../simulation.ts';
import { LRU_INACTIVE_ANON } from './lru.ts';
import { PG_PRESENT, PG_SWAPCACHE, PTE_SWAP } from './page-flags.ts';
import { pageReferenced } from './rmap.ts';
import { shrinkActiveList, shrinkInactiveList } from './vmscan.ts';

describe('do_swap_page and swapin_readahead (v2.6.33)', () => {
  function swappedOut(n: number) {
    const s = parseScenario({
      name: 'ra',
      guest: { memoryMiB: 4 },
      host: { memcgLimitMiB: 8, swapMiB: 8 },
      boot: false,
      workload: { type: 'uniform' },
    });
    const sim = new Simulation(s, 'always-old');
    const h = sim.host;
    let at = 0;
    const touch = (...g: number[]) => {
      sim.consume(Uint32Array.from(g), g.length, at);
      at += g.length;
    };
    touch(...Array.from({ length: n }, (_, i) => i));
    shrinkActiveList(h, 32);
    for (let g = 0; g < n; g++) pageReferenced(h, g);
    shrinkInactiveList(h, 32); // written
    shrinkInactiveList(h, 32); // freed
    return { sim, h, touch };
  }

  it('a major fault reads the aligned window of 8 slots; a neighbour is then a swap-cache hit', () => {
    const { sim, h, touch } = swappedOut(16);
    expect(h.usage).toBe(0);
    expect(h.pte[3]).toBe(PTE_SWAP);
    touch(3);
    let c = sim.counterRecord();
    expect([c.pgmajfault, c.pswpin]).toEqual([1, 8]);
    // the faulting page left the swap cache and freed its slot (write fault, reuse_swap_page)
    expect(h.swapSlot[3]).toBe(-1);
    const inCache = Array.from({ length: 16 }, (_, g) => g).filter(
      (g) => h.flags[g] & PG_SWAPCACHE,
    );
    expect(inCache.length).toBe(7);
    expect(h.lru.toArray(LRU_INACTIVE_ANON)).toContain(inCache[0]);
    touch(inCache[0]);
    c = sim.counterRecord();
    expect([c.pgmajfault, c.sim_swapcache_hit]).toEqual([1, 1]);
    expect(sim.checkInvariants()).toEqual([]);
  });

  it('frees the slot of a swapped-in page, and readahead pages are clean: freed again without a write', () => {
    const { sim, h, touch } = swappedOut(8);
    const used = h.swap.used;
    touch(0);
    expect(h.swap.used).toBe(used - 1);
    const before = sim.counterRecord().pswpout;
    shrinkInactiveList(h, 32);
    const c = sim.counterRecord();
    expect(c.pswpout).toBe(before);
    expect(h.flags[5] & PG_PRESENT).toBe(0);
  });
});
