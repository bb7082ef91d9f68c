import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario.ts';
import { Simulation } from '../simulation.ts';
import { collapseHugePage, khugepagedScanPmd, splitHugePage } from './huge-memory.ts';
import { LRU_ACTIVE_ANON, LRU_INACTIVE_ANON } from './lru.ts';
import { MEM_CGROUP_RECLAIM_RETRIES, memCgroupTryCharge } from './memcontrol.ts';
import { PG_HEAD, PG_TAIL, PMD_HUGE, PMD_TABLE, PTE_SWAP, PTE_YOUNG } from './page-flags.ts';
import { pageReferenced } from './rmap.ts';
import { shrinkActiveList, shrinkInactiveList } from './vmscan.ts';

function thpGuest(policy: string, limitMiB = 16, swapMiB = 16) {
  const s = parseScenario({
    name: 'thp-unit',
    guest: { memoryMiB: 8 },
    host: { memcgLimitMiB: limitMiB, swapMiB },
    thp: { enabled: true },
    boot: false,
    workload: { type: 'uniform' },
  });
  const sim = new Simulation(s, policy);
  let at = 0;
  const touch = (...gfns: number[]) => {
    sim.consume(Uint32Array.from(gfns), gfns.length, at);
    at += gfns.length;
  };
  return { sim, h: sim.host, touch };
}

describe('do_huge_pmd_anonymous_page (v2.6.38)', () => {
  it('a first touch in an empty 2M frame allocates one THP, charged 512, mapped by one 2M spte', () => {
    const { sim, h, touch } = thpGuest('unmap-emulation');
    touch(700);
    expect(h.pmd[1]).toBe(PMD_HUGE);
    expect(h.flags[512] & PG_HEAD).toBe(PG_HEAD);
    expect(h.flags[700] & PG_TAIL).toBe(PG_TAIL);
    expect(h.usage).toBe(512);
    expect(h.lru.toArray(LRU_ACTIVE_ANON)).toEqual([512]);
    expect(h.lru.nrPages[LRU_ACTIVE_ANON]).toBe(512);
    touch(513, 1000); // same frame: no more faults
    const c = sim.counterRecord();
    expect([c.thp_fault_alloc, c.pgfault, c.pf_fixed, c.largepages]).toEqual([1, 1, 1, 1]);
    expect(sim.checkInvariants()).toEqual([]);
  });
});

describe('split_huge_page (v2.6.38)', () => {
  it('drops the 2M spte through the notifier and puts 511 tails on the head’s list', () => {
    const { sim, h, touch } = thpGuest('unmap-emulation');
    touch(512);
    h.lru.del(LRU_ACTIVE_ANON, 512); // isolated, as in add_to_swap
    h.flags[512] &= ~2;
    splitHugePage(h, 512);
    expect(sim.kvm.isMapped(600)).toBe(false);
    expect(h.pmd[1]).toBe(PMD_TABLE);
    expect(h.lru.toArray(LRU_ACTIVE_ANON).length).toBe(511);
    expect(h.pte[600] & PTE_YOUNG).toBe(PTE_YOUNG); // the pmd was young
    const c = sim.counterRecord();
    expect([c.thp_split_page, c.largepages, c.remote_tlb_flush]).toEqual([1, 0, 1]);
  });

  it('reclaim splits an old THP in add_to_swap and swaps its head as a 4K page', () => {
    const { sim, h, touch } = thpGuest('always-old');
    touch(0);
    shrinkActiveList(h, 32);
    pageReferenced(h, 0); // spend the fault-time young pmd
    shrinkInactiveList(h, 1);
    const c = sim.counterRecord();
    expect(c.thp_split_page).toBe(1);
    expect(c.pswpout).toBe(1);
    expect(h.pte[0]).toBe(PTE_SWAP);
    expect(h.lru.nrPages[LRU_INACTIVE_ANON] + h.lru.nrPages[LRU_ACTIVE_ANON]).toBe(512);
    expect(sim.checkInvariants()).toEqual([]);
  });
});

describe('khugepaged (v2.6.38)', () => {
  it('collapses a range of referenced 4K pages into one THP on the active list', () => {
    const { sim, h, touch } = thpGuest('ept-ad-bits');
    h.cfg.thp = false; // fault 4K pages first
    touch(1024, 1025, 1030);
    h.cfg.thp = true;
    expect(khugepagedScanPmd(h, 2)).toBe(true);
    expect(collapseHugePage(h, 2)).toBe(true);
    expect(h.pmd[2]).toBe(PMD_HUGE);
    expect(h.usage).toBe(512);
    expect(sim.kvm.isMapped(1025)).toBe(false); // the 4K sptes went with the invalidation
    touch(1100);
    expect(sim.kvm.spte2m[2] & 1).toBe(1);
    expect(sim.checkInvariants()).toEqual([]);
  });

  it('refuses a range with a swapped page, or more empty ptes than max_ptes_none', () => {
    const { h, touch } = thpGuest('always-old');
    h.cfg.thp = false;
    touch(1024);
    h.cfg.khugepaged.maxPtesNone = 510;
    expect(khugepagedScanPmd(h, 2)).toBe(false);
    h.cfg.khugepaged.maxPtesNone = 511;
    expect(khugepagedScanPmd(h, 2)).toBe(true);
    touch(1025);
    h.pte[1025] = PTE_SWAP;
    expect(khugepagedScanPmd(h, 2)).toBe(false);
  });

  it('needs a reference: without a young pte, PG_referenced or test_young (EPT: always 0) it leaves the range', () => {
    const { h, touch } = thpGuest('unmap-emulation');
    h.cfg.thp = false;
    touch(1024);
    pageReferenced(h, 1024);
    expect(khugepagedScanPmd(h, 2)).toBe(false);
  });
});

describe('__mem_cgroup_try_charge (v2.6.33)', () => {
  it('reclaims to make room, and gives up after the retries when nothing can be freed', () => {
    const { sim, h, touch } = thpGuest('always-old', 4, 0); // no swap: nothing is reclaimable
    h.cfg.thp = false;
    touch(...Array.from({ length: 1024 }, (_, i) => i));
    expect(h.usage).toBe(1024);
    expect(memCgroupTryCharge(h, 1)).toBe(false);
    const c = sim.counterRecord();
    expect(c.sim_memcg_oom).toBe(1);
    expect(c.failcnt).toBe(MEM_CGROUP_RECLAIM_RETRIES + 1);
  });
});
