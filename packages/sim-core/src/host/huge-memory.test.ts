import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario.ts';
import { Simulation } from '../simulation.ts';
import { collapseHugePage, khugepagedScanPmd, splitHugePage } from './huge-memory.ts';
import { LRU_ACTIVE_ANON, LRU_INACTIVE_ANON } from './lru.ts';
import { MEM_CGROUP_RECLAIM_RETRIES, memCgroupTryCharge } from './memcontrol.ts';
import { PG_HEAD, PG_TAIL, PMD_HUGE, PMD_TABLE, PTE_SWAP, PTE_YOUNG } from './page-flags.ts';
import { pageReferenced } from './rmap.ts';
import { shrinkActiveList, shrinkInactiveList } from './vmscan.ts';

function thpGuest(
  policy: string,
  limitMiB = 16,
  swapMiB = 16,
  kernel: 'natural' | '2.6.33' | '2.6.34' = 'natural',
) {
  const s = parseScenario({
    name: 'thp-unit',
    guest: { memoryMiB: 8 },
    host: { memcgLimitMiB: limitMiB, swapMiB, kernel },
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
    // largepages is kvm->stat.lpages: kvm_unmap_rmapp never decrements it (v2.6.38 mmu.c)
    expect([c.thp_split_page, c.largepages, c.sim_large_sptes]).toEqual([1, 1, 0]);
    // one flush for the range, from the vCPU's own thread: no IPI with one vCPU
    expect([c.sim_tlb_flush_calls, c.remote_tlb_flush]).toEqual([1, 0]);
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
    expect(khugepagedScanPmd(h, 2, false)).toBe(true);
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
    expect(khugepagedScanPmd(h, 2, false)).toBe(false);
    h.cfg.khugepaged.maxPtesNone = 511;
    expect(khugepagedScanPmd(h, 2, false)).toBe(true);
    touch(1025);
    h.pte[1025] = PTE_SWAP;
    expect(khugepagedScanPmd(h, 2, false)).toBe(false);
  });

  it('needs a reference: without a young pte, PG_referenced or test_young (EPT: always 0) it leaves the range', () => {
    const { h, touch } = thpGuest('unmap-emulation', 16, 16, '2.6.33');
    h.cfg.thp = false;
    touch(1024);
    pageReferenced(h, 1024); // 2.6.33: clears the young pte and PG_referenced
    expect(khugepagedScanPmd(h, 2, false)).toBe(false);
  });

  it('asks test_young about the base address only; collapse re-checks after dropping the sptes (v2.6.38)', () => {
    const { sim, h, touch } = thpGuest('ept-ad-bits', 16, 16, '2.6.33');
    h.cfg.thp = false;
    touch(1024, 1025, 1026);
    for (const g of [1024, 1025, 1026]) pageReferenced(h, g); // host ptes old, no PG_referenced, A bits clear
    touch(1025); // the guest uses 1025 through EPT: its spte's A bit is set, nothing else
    expect(sim.kvm.testYoung(1025)).toBe(1);
    // khugepaged_scan_pmd passes `address` (the range base, 1024) to mmu_notifier_test_young
    expect(khugepagedScanPmd(h, 2, false)).toBe(false);
    touch(1024); // now the base's A bit is set too: the pre-check passes
    expect(khugepagedScanPmd(h, 2, false)).toBe(true);
    // pmdp_clear_flush_notify drops every spte first; KVM's test_young then has nothing to see,
    // but rmap_remove carried each young spte's A bit to its page (kvm_set_pfn_accessed →
    // mark_page_accessed: PG_referenced), which __collapse_huge_page_isolate accepts
    expect(collapseHugePage(h, 2)).toBe(true);
    const c = sim.counterRecord();
    expect(c.sim_ept_unmap_invalidate).toBe(3);
    expect(c.thp_collapse_alloc).toBe(1);
    expect(sim.checkInvariants()).toEqual([]);
  });

  it('without accessed bits the re-check after the invalidation finds nothing KVM knows (unmap-emulation)', () => {
    const { sim, h, touch } = thpGuest('unmap-emulation', 16, 16, '2.6.33');
    h.cfg.thp = false;
    touch(1024, 1025);
    for (const g of [1024, 1025]) pageReferenced(h, g); // old ptes; the sptes were unmapped by aging
    touch(1024, 1025); // EPT refaults: gup-fast, no young pte, no PG_referenced
    expect(khugepagedScanPmd(h, 2, false)).toBe(false);
    expect(collapseHugePage(h, 2)).toBe(false);
    expect(h.usage).toBe(2); // the huge charge was released
    expect(h.pmd[2]).toBe(PMD_TABLE);
    expect(sim.kvm.isMapped(1024)).toBe(false); // the failed attempt still dropped the sptes
    expect(sim.checkInvariants()).toEqual([]);
  });
});

describe('huge-page charges (mem_cgroup_charge_common with oom = false, v2.6.38)', () => {
  it('a THP fault at the limit reclaims once, then falls back to a 4K page', () => {
    // limit 1 MiB = 256 pages < 512: no huge charge can ever fit
    const { sim, h, touch } = thpGuest('always-old', 1, 16);
    touch(700);
    const c = sim.counterRecord();
    expect(c.sim_charge_reclaims).toBeGreaterThanOrEqual(1);
    expect(c.thp_fault_alloc).toBe(0);
    expect(c.thp_fault_fallback).toBe(1);
    expect(h.pmd[1]).toBe(PMD_TABLE);
    expect(h.usage).toBe(1);
    expect(sim.checkInvariants()).toEqual([]);
  });

  it('exactly one reclaim round for the huge charge, no retries, no OOM', () => {
    const { sim, h, touch } = thpGuest('always-old', 2, 16); // 512 pages
    touch(0); // one THP fills the group
    const before = sim.counterRecord();
    touch(700); // second frame: usage + 512 > limit → one reclaim, then fallback
    const c = sim.counterRecord();
    expect(c.thp_fault_fallback - before.thp_fault_fallback).toBe(1);
    expect(c.sim_memcg_oom).toBe(0);
    expect(h.usage + h.stock).toBeLessThanOrEqual(h.limit);
  });

  it('collapse_huge_page gives up when the huge charge fails, charging nothing', () => {
    const { sim, h, touch } = thpGuest('ept-ad-bits', 1, 16);
    h.cfg.thp = false;
    touch(1024, 1025);
    expect(collapseHugePage(h, 2)).toBe(false);
    expect(h.usage).toBe(2);
    expect(sim.counterRecord().thp_collapse_alloc).toBe(0);
  });
});

describe('__mem_cgroup_try_charge (v2.6.33)', () => {
  it('reclaims to make room, and gives up after the retries when nothing can be freed', () => {
    const { sim, h, touch } = thpGuest('always-old', 4, 0); // no swap: nothing is reclaimable
    h.cfg.thp = false;
    touch(...Array.from({ length: 1024 }, (_, i) => i));
    expect(h.usage).toBe(1024);
    expect(h.stock).toBe(0); // 32 batches of CHARGE_SIZE filled the group exactly
    const before = sim.counterRecord().failcnt;
    expect(memCgroupTryCharge(h)).toBe(false);
    const c = sim.counterRecord();
    expect(c.sim_memcg_oom).toBe(1);
    // reclaim rounds: the first plus one per retry; failcnt: the 32-page attempt, then one
    // single-page attempt before each round (res_counter_charge_locked)
    expect(c.sim_charge_reclaims).toBe(MEM_CGROUP_RECLAIM_RETRIES + 1);
    expect(c.failcnt - before).toBe(1 + MEM_CGROUP_RECLAIM_RETRIES + 1);
  });
});
