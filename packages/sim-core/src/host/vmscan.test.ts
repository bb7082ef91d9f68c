import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario.ts';
import { Simulation } from '../simulation.ts';
import { markPageAccessed } from './fault.ts';
import { LRU_ACTIVE_ANON, LRU_INACTIVE_ANON } from './lru.ts';
import { PG_ACTIVE, PG_REFERENCED, PTE_SWAP } from './page-flags.ts';
import { SWAP_FAIL, SWAP_SUCCESS, pageReferenced, tryToUnmap } from './rmap.ts';
import { getScanRatio, inactiveAnonIsLow, shrinkActiveList, shrinkInactiveList } from './vmscan.ts';

/** A 4 MiB guest (1024 pages) with room for everything, each gfn touched once. */
function small(policy: string, limitMiB = 8) {
  const s = parseScenario({
    name: 'unit',
    guest: { memoryMiB: 4 },
    host: { memcgLimitMiB: limitMiB, swapMiB: 8 },
    boot: false,
    workload: { type: 'uniform' },
  });
  const sim = new Simulation(s, policy);
  const touch = (...gfns: number[]) =>
    sim.consume(Uint32Array.from(gfns), gfns.length, sim.host.now + 1);
  return { sim, h: sim.host, touch };
}

describe('do_anonymous_page and mark_page_accessed (v2.6.33)', () => {
  it('a first touch lands on the active list, young and referenced, and is one host minor fault', () => {
    const { sim, h, touch } = small('always-old');
    touch(5);
    expect(h.lru.toArray(LRU_ACTIVE_ANON)).toEqual([5]);
    expect(h.flags[5] & PG_REFERENCED).toBeTruthy();
    const c = sim.counterRecord();
    expect([c.pgfault, c.pf_fixed, c.pgmajfault]).toEqual([1, 1, 0]);
  });

  it('mark_page_accessed activates an inactive referenced page, and only marks an unreferenced one', () => {
    const { h, touch } = small('always-old');
    touch(1);
    shrinkActiveList(h, 32); // now inactive, PG_referenced cleared by page_referenced
    expect(h.lru.toArray(LRU_INACTIVE_ANON)).toEqual([1]);
    markPageAccessed(h, 1);
    expect(h.flags[1] & PG_ACTIVE).toBe(0);
    markPageAccessed(h, 1);
    expect(h.lru.toArray(LRU_ACTIVE_ANON)).toEqual([1]);
  });
});

describe('shrink_active_list (v2.6.33), domain.md 7.5', () => {
  it('moves a referenced anon page on the active tail to the inactive list anyway, counting it as rotated', () => {
    const { sim, h, touch } = small('ept-ad-bits');
    touch(1, 2, 3);
    const rotatedBefore = h.recentRotated;
    shrinkActiveList(h, 1); // the tail is gfn 1, young and referenced
    expect(h.lru.toArray(LRU_INACTIVE_ANON)).toEqual([1]);
    expect(h.recentRotated).toBe(rotatedBefore + 1);
    const c = sim.counterRecord();
    expect([c.pgrefill, c.pgdeactivate, c.pgactivate]).toEqual([1, 1, 0]);
  });

  it('is called only while the inactive list is low (inactive_ratio 1 below 1 GB)', () => {
    const { h, touch } = small('ept-ad-bits');
    touch(1, 2, 3, 4);
    expect(inactiveAnonIsLow(h)).toBe(true);
    shrinkActiveList(h, 2);
    expect(inactiveAnonIsLow(h)).toBe(false);
  });

  it('get_scan_ratio scans less anon when much of what it scanned was referenced', () => {
    const { h, touch } = small('ept-ad-bits');
    touch(...Array.from({ length: 400 }, (_, i) => i));
    h.recentScanned = 100;
    h.recentRotated = 0;
    const cold = getScanRatio(h);
    h.recentRotated = 90;
    expect(getScanRatio(h)).toBeLessThan(cold);
  });
});

describe('shrink_page_list (v2.6.33)', () => {
  it('swaps an old page in two passes: written and rotated to the tail, freed by the next scan', () => {
    const { sim, h, touch } = small('always-old');
    touch(7);
    shrinkActiveList(h, 32);
    pageReferenced(h, 7); // spend the fault-time young bit, as earlier aging would have
    shrinkInactiveList(h, 1);
    let c = sim.counterRecord();
    expect([c.pswpout, c.pgrotated, c.pgsteal]).toEqual([1, 1, 0]);
    expect(h.pte[7]).toBe(PTE_SWAP);
    expect(sim.kvm.isMapped(7)).toBe(false);
    shrinkInactiveList(h, 1);
    c = sim.counterRecord();
    expect(c.pgsteal).toBe(1);
    expect(h.usage).toBe(0);
    expect(sim.checkInvariants()).toEqual([]);
  });

  it('a touch of a page in the swap cache is a minor fault; after it is freed, a major one', () => {
    const { sim, h, touch } = small('always-old');
    touch(7, 8);
    shrinkActiveList(h, 32);
    pageReferenced(h, 7);
    pageReferenced(h, 8);
    shrinkInactiveList(h, 2);
    touch(7); // still in the swap cache
    shrinkInactiveList(h, 2); // frees 8
    touch(8);
    const c = sim.counterRecord();
    expect(c.sim_swapcache_hit).toBe(1);
    expect(c.pgmajfault).toBe(1);
    expect(sim.checkInvariants()).toEqual([]);
  });
});

describe('the second-chance window (domain.md 7.6)', () => {
  // page_referenced said old; the guest touches the page before try_to_unmap.
  function race(policy: string): number {
    const { sim, h, touch } = small(policy);
    touch(9);
    pageReferenced(h, 9); // fault-time young bit
    expect(pageReferenced(h, 9)).toBe(0); // step 1 of shrink_page_list: old
    touch(9); // the guest touches it (with the patch, this re-maps it)
    expect(sim.kvm.isMapped(9)).toBe(true);
    return tryToUnmap(h, 9);
  }

  it('with unmap emulation the re-created spte makes try_to_unmap fail, so the page is activated', () => {
    expect(race('unmap-emulation')).toBe(SWAP_FAIL);
  });

  it('with always-old the same interleaving unmaps and swaps the page', () => {
    expect(race('always-old')).toBe(SWAP_SUCCESS);
  });
});
