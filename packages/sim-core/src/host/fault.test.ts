import { describe, expect, it } from 'vitest';
import { parseScenario, type ScenarioInput } from '../scenario.ts';
import { Simulation } from '../simulation.ts';
import { LRU_INACTIVE_ANON, LRU_UNCHARGED } from './lru.ts';
import { PG_PRESENT, PG_SWAPCACHE, PTE_SWAP } from './page-flags.ts';
import { pageReferenced } from './rmap.ts';
import { shrinkActiveList, shrinkInactiveList } from './vmscan.ts';

function guest(host: Partial<ScenarioInput['host']> = {}, memoryMiB = 4) {
  const s = parseScenario({
    name: 'ra',
    guest: { memoryMiB },
    host: { memcgLimitMiB: 8, swapMiB: 8, ...host },
    boot: false,
    workload: { type: 'uniform' },
  });
  const sim = new Simulation(s, 'always-old');
  let at = 0;
  const touch = (...g: number[]) => {
    sim.consume(Uint32Array.from(g), g.length, at);
    at += g.length;
  };
  return { sim, h: sim.host, touch };
}

/** Touch gfns 0..n-1, then age and write them out in order: gfn g ends in swap slot g + 1. */
function swappedOut(n: number) {
  const r = guest();
  r.touch(...Array.from({ length: n }, (_, i) => i));
  shrinkActiveList(r.h, 32);
  for (let g = 0; g < n; g++) pageReferenced(r.h, g);
  shrinkInactiveList(r.h, 32); // written
  shrinkInactiveList(r.h, 32); // freed
  return r;
}

describe('swap slots (mm/swapfile.c v2.6.33)', () => {
  it('never hands out slot 0, the swap header', () => {
    const { h } = swappedOut(16);
    expect(h.swap.owner[0]).toBe(-1);
    for (let g = 0; g < 16; g++) expect(h.swapSlot[g]).toBe(g + 1);
    expect(h.swap.capacity).toBe(h.swap.slots - 1);
  });
});

describe('swapin_readahead → valid_swaphandles (mm/swap_state.c, mm/swapfile.c v2.6.33)', () => {
  it('reads the run of used slots around the target inside the aligned window, never slot 0', () => {
    const { sim, h, touch } = swappedOut(16);
    expect(h.usage).toBe(0);
    expect(h.pte[3]).toBe(PTE_SWAP);
    touch(3); // slot 4, window [0, 8): slot 0 is the header, so slots 1..7 = gfns 0..6
    const c = sim.counterRecord();
    expect([c.pgmajfault, c.pswpin]).toEqual([1, 7]);
    expect(h.swapSlot[3]).toBe(-1); // write fault: reuse_swap_page freed the slot
    expect(sim.checkInvariants()).toEqual([]);
  });

  it('stops at the first free slot each way', () => {
    const { sim, h, touch } = swappedOut(16);
    h.cfg.pageCluster = 0; // a fault that reads only its own page frees slot 10 (gfn 9)
    touch(9);
    h.cfg.pageCluster = 3;
    const before = sim.counterRecord().pswpin;
    touch(11); // slot 12, window [8, 16): up 13, 14, 15; down 11, then slot 10 is free
    expect(sim.counterRecord().pswpin - before).toBe(5); // slots 11..15 = gfns 10..14
    expect(h.flags[7] & PG_PRESENT).toBe(0); // slot 8, beyond the hole: not read
    expect(h.flags[14] & PG_SWAPCACHE).toBe(PG_SWAPCACHE);
  });
});

describe('swap-cache charging (do_swap_page, mem_cgroup_try_charge_swapin, v2.6.33)', () => {
  it('charges only the faulting page; a neighbour is charged when the guest maps it', () => {
    const { sim, h, touch } = swappedOut(16);
    touch(3);
    // 7 pages read, 1 charged: the 6 neighbours are outside the memcg, on the zone list only
    expect(h.usage).toBe(1);
    expect(h.nrUncharged).toBe(6);
    expect(h.lru.toArray(LRU_UNCHARGED).sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6]);
    touch(5); // a swap-cache hit: minor fault, now charged and on the memcg's inactive list
    const c = sim.counterRecord();
    expect([c.pgmajfault, c.sim_swapcache_hit]).toEqual([1, 1]);
    expect(h.usage).toBe(2);
    expect(h.nrUncharged).toBe(5);
    expect(h.lru.toArray(LRU_INACTIVE_ANON)).toContain(5);
    expect(c.sim_swapcache_uncharged).toBe(5);
    expect(sim.checkInvariants()).toEqual([]);
  });

  it('memcg reclaim cannot see uncharged pages; kswapd frees them, clean, without a write', () => {
    // host RAM 3 MiB = 768 pages: min_free_kbytes = int_sqrt(3072·16) = 221 → min 55, low 68, high 82
    const { sim, h, touch } = guest({ memcgLimitMiB: 1, ramMiB: 3, swapMiB: 16 }, 4);
    expect(h.wmark).toEqual({ min: 55, low: 68, high: 82 });
    touch(...Array.from({ length: 1024 }, (_, i) => i)); // 768 pages end in swap
    // every 8th page: each major fault reads up to 7 neighbours the guest does not touch
    for (let round = 0; round < 8; round++)
      touch(...Array.from({ length: 128 }, (_, i) => i * 8 + ((round * 3) % 8)));
    const c = sim.counterRecord();
    expect(c.pageoutrun).toBeGreaterThan(0);
    expect(c.kswapd_steal).toBeGreaterThan(0);
    expect(c.pgscan_kswapd).toBeGreaterThanOrEqual(c.kswapd_steal);
    // every page kswapd freed was clean swap cache: nothing written beyond memcg reclaim's pageouts
    expect(c.pswpout).toBeLessThanOrEqual(c.pgsteal - c.kswapd_steal + h.nrSwapcache);
    expect(h.freePages()).toBeGreaterThanOrEqual(h.wmark.high);
    expect(h.usage + h.stock).toBeLessThanOrEqual(h.limit);
    expect(sim.checkInvariants()).toEqual([]);
  });
});
