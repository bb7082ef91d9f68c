/**
 * One small, hand-checkable case per finding of the kernel review (issue 12) that the other host
 * tests do not already cover; each names the kernel function it holds the model to.
 */
import { describe, expect, it } from 'vitest';
import { getPolicy } from '@agelab/ept-model';
import { Comparison } from '../comparison.ts';
import { hostKernelOf, hostRamMiB, parseScenario, type ScenarioInput } from '../scenario.ts';
import { Simulation } from '../simulation.ts';
import { summarize } from '../summary.ts';
import { LRU_ACTIVE_ANON, LRU_INACTIVE_ANON } from './lru.ts';
import { CHARGE_SIZE, memCgroupResizeLimit, memCgroupTryCharge } from './memcontrol.ts';
import {
  PG_ACTIVE,
  PG_REFERENCED,
  PG_SWAPCACHE,
  PTE_SWAP,
  VERDICT_AGREED_YOUNG,
  VERDICT_FALSE_OLD,
  VERDICT_FALSE_YOUNG,
  VERDICT_NONE,
} from './page-flags.ts';
import { pageReferenced } from './rmap.ts';
import {
  doTryToFreePages,
  shrinkActiveList,
  shrinkInactiveList,
  tryToFreeMemCgroupPages,
} from './vmscan.ts';
import { markPageAccessed } from './fault.ts';

function small(
  policy: string,
  host: Partial<ScenarioInput['host']> = {},
  extra: Partial<ScenarioInput> = {},
) {
  const s = parseScenario({
    name: 'unit',
    guest: { memoryMiB: 4 },
    host: { memcgLimitMiB: 8, swapMiB: 8, ...host },
    boot: false,
    workload: { type: 'uniform' },
    ...extra,
  });
  const sim = new Simulation(s, policy);
  const touch = (...gfns: number[]) =>
    sim.consume(Uint32Array.from(gfns), gfns.length, sim.host.now + 1);
  return { sim, h: sim.host, touch };
}

describe('scenario fields for the host (scenario.ts)', () => {
  it('defaults: 1 vCPU, host RAM twice the guest, each policy on its natural kernel, steady state from 10 s', () => {
    const s = parseScenario({
      name: 'd',
      guest: { memoryMiB: 256 },
      host: { memcgLimitMiB: 128, swapMiB: 512 },
      workload: { type: 'uniform' },
    });
    expect(s.guest.vcpus).toBe(1);
    expect(hostRamMiB(s)).toBe(512);
    expect(s.host.kernel).toBe('natural');
    expect(s.steadyFromSeconds).toBe(10);
    expect(hostKernelOf(s, getPolicy('always-old'))).toBe('2.6.33');
    expect(hostKernelOf(s, getPolicy('unmap-emulation'))).toBe('2.6.34');
    const fixed = parseScenario({ ...s, host: { ...s.host, kernel: '2.6.33' } });
    expect(hostKernelOf(fixed, getPolicy('unmap-emulation'))).toBe('2.6.33');
  });
});

describe('per-cpu charge stock (consume_stock / refill_stock, mm/memcontrol.c v2.6.33; F8)', () => {
  it('the first charge takes CHARGE_SIZE pages from the res_counter and keeps the rest as stock', () => {
    const { sim, h } = small('always-old');
    expect(memCgroupTryCharge(h)).toBe(true);
    expect([h.usage, h.stock]).toEqual([1, CHARGE_SIZE - 1]);
    for (let i = 0; i < CHARGE_SIZE - 1; i++) memCgroupTryCharge(h);
    expect([h.usage, h.stock]).toEqual([CHARGE_SIZE, 0]);
    const c = sim.counterRecord();
    expect(c.usage_in_bytes).toBe(CHARGE_SIZE * 4096);
    expect(c.failcnt).toBe(0);
  });

  it('near the limit each reclaim costs at least two failed attempts: the batch, then the page', () => {
    // limit 64 pages; 64 touches fill it exactly (two batches)
    const { sim, touch } = small('always-old', { memcgLimitMiB: 0.25, swapMiB: 8 });
    touch(...Array.from({ length: 64 }, (_, g) => g));
    const before = sim.counterRecord();
    touch(100); // a 65th page: batch fails, single page fails, reclaim
    const c = sim.counterRecord();
    expect(c.sim_charge_reclaims - before.sim_charge_reclaims).toBeGreaterThanOrEqual(1);
    expect(c.failcnt - before.failcnt).toBeGreaterThanOrEqual(
      2 * (c.sim_charge_reclaims - before.sim_charge_reclaims),
    );
  });
});

describe('page_check_references vs 2.6.33 (mm/vmscan.c v2.6.34-rc1 dfc8d636cdb; F9)', () => {
  /** One page on the inactive list with an old pte and no spte, but PG_referenced set. */
  function referencedOnly(kernel: '2.6.33' | '2.6.34') {
    const r = small('always-old', { kernel });
    r.touch(5);
    shrinkActiveList(r.h, 32); // deactivated; its young pte is cleared
    r.h.flags[5] |= PG_REFERENCED;
    return r;
  }

  it('2.6.33: page_referenced counts PG_referenced, and a referenced page is activated', () => {
    const { sim, h } = referencedOnly('2.6.33');
    shrinkInactiveList(h, 1);
    expect(h.lru.toArray(LRU_ACTIVE_ANON)).toEqual([5]);
    expect(h.flags[5] & PG_SWAPCACHE).toBe(0);
    expect(sim.counterRecord().pgactivate).toBe(1);
  });

  it('2.6.34: PAGEREF_RECLAIM_CLEAN — swap slot and unmapped, but kept dirty; written on the next look', () => {
    const { sim, h } = referencedOnly('2.6.34');
    shrinkInactiveList(h, 1);
    expect(h.pte[5]).toBe(PTE_SWAP);
    expect(h.flags[5] & PG_SWAPCACHE).toBe(PG_SWAPCACHE);
    expect(h.flags[5] & PG_REFERENCED).toBe(0); // TestClearPageReferenced
    expect(h.lru.toArray(LRU_INACTIVE_ANON)).toEqual([5]);
    let c = sim.counterRecord();
    expect([c.pswpout, c.pgactivate, c.sim_pageref_reclaim_clean]).toEqual([0, 0, 1]);
    shrinkInactiveList(h, 1); // neither reference now: PAGEREF_RECLAIM → pageout
    c = sim.counterRecord();
    expect(c.pswpout).toBe(1);
  });

  it('2.6.34: shrink_active_list leaves PG_referenced alone', () => {
    const { h, touch } = small('always-old', { kernel: '2.6.34' });
    touch(5); // the fault's mark_page_accessed sets PG_referenced
    shrinkActiveList(h, 32);
    expect(h.flags[5] & PG_REFERENCED).toBe(PG_REFERENCED);
    expect(h.flags[5] & PG_ACTIVE).toBe(0);
  });
});

describe('verdicts per 4K page (domain.md §7; F10)', () => {
  function thp(policy: string) {
    return small(
      policy,
      { kernel: '2.6.33', memcgLimitMiB: 16, swapMiB: 16 },
      {
        guest: { memoryMiB: 8 },
        thp: { enabled: true },
      },
    );
  }

  it('a 2M mapping aged young after one of its 512 pages was touched: 511 false-young', () => {
    const { sim, h, touch } = thp('unmap-emulation');
    touch(512); // one THP for frame 1, mapped by a 2M spte; only gfn 512 touched
    expect(h.verdict[600]).toBe(VERDICT_NONE);
    pageReferenced(h, 512); // young pmd and a 2M spte: referenced
    const c = sim.counterRecord();
    expect(c.sim_false_young).toBe(511);
    expect(c.sim_thp_false_young).toBe(0); // as the kernel sees it: one struct page, touched
    expect(h.verdict[512]).toBe(VERDICT_AGREED_YOUNG);
    expect(h.verdict[513]).toBe(VERDICT_FALSE_YOUNG);
    expect(h.verdict[1023]).toBe(VERDICT_FALSE_YOUNG);
  });

  it('always-old on a THP whose guest touched 2 pages: 2 false-old, one per-THP false-old', () => {
    const { sim, h, touch } = thp('always-old');
    touch(512);
    pageReferenced(h, 512); // spends the fault's young pmd (a correct young verdict for 512)
    touch(600, 700); // through the 2M spte: no fault, nothing the host can see
    const before = sim.counterRecord();
    pageReferenced(h, 512); // old
    const c = sim.counterRecord();
    expect(c.sim_false_old - before.sim_false_old).toBe(2);
    expect(c.sim_thp_false_old - before.sim_thp_false_old).toBe(1);
    expect(h.verdict[600]).toBe(VERDICT_FALSE_OLD);
    const copy = sim.clone();
    expect(copy.host.verdict[700]).toBe(VERDICT_FALSE_OLD); // cloneWith copies the verdicts
    copy.host.verdict[700] = 0;
    expect(h.verdict[700]).toBe(VERDICT_FALSE_OLD);
  });
});

describe('memcg reclaim results (do_try_to_free_pages, mem_cgroup_resize_limit, v2.6.33; F11)', () => {
  it('a pass that reclaims fewer than SWAP_CLUSTER_MAX pages returns 0 to the memcg', () => {
    const { sim, h, touch } = small('always-old');
    touch(...Array.from({ length: 10 }, (_, g) => g));
    shrinkActiveList(h, 32);
    for (let g = 0; g < 10; g++) pageReferenced(h, g);
    shrinkInactiveList(h, 32); // all 10 written: clean, unmapped swap cache at the tail
    expect(tryToFreeMemCgroupPages(h)).toBe(0); // freed 10 < 32: `ret` stays 0 for memcg reclaim
    expect(sim.counterRecord().pgsteal).toBe(10);
  });

  it('a limit below what can be reclaimed is refused and the old limit stays', () => {
    const { h, touch } = small('always-old', { memcgLimitMiB: 8, swapMiB: 0 }); // no swap
    touch(...Array.from({ length: 100 }, (_, g) => g));
    expect(memCgroupResizeLimit(h, 50)).toBe(false); // -EBUSY after the retries
    expect(h.limit).toBe(2048);
    expect(memCgroupResizeLimit(h, 200)).toBe(true); // usage 100 + stock fits
    expect(h.limit).toBe(200);
  });
});

describe('update_page_reclaim_stat (mm/swap.c v2.6.33; F12)', () => {
  it('a new active page and an activation each count as scanned and rotated', () => {
    const { h, touch } = small('always-old');
    touch(5); // ____pagevec_lru_add of an active page
    expect([h.recentScanned, h.recentRotated]).toEqual([1, 1]);
    shrinkActiveList(h, 32); // isolates 1 (scanned), referenced (rotated)
    expect([h.recentScanned, h.recentRotated]).toEqual([2, 2]);
    markPageAccessed(h, 5); // inactive, unreferenced → referenced
    markPageAccessed(h, 5); // inactive and referenced → activate_page
    expect([h.recentScanned, h.recentRotated]).toEqual([3, 3]);
  });
});

describe('congestion_wait in do_try_to_free_pages (mm/vmscan.c v2.6.33; F6)', () => {
  it('a pass that meets its target at the first priority never sleeps', () => {
    const { sim, h, touch } = small('always-old');
    touch(...Array.from({ length: 64 }, (_, g) => g));
    shrinkActiveList(h, 32);
    shrinkActiveList(h, 32);
    for (let g = 0; g < 64; g++) pageReferenced(h, g);
    shrinkInactiveList(h, 64); // 64 written, waiting at the tail
    expect(doTryToFreePages(h)).toBeGreaterThanOrEqual(32);
    expect(sim.counterRecord().sim_congestion_wait).toBe(0);
  });

  it('a pass that cannot meet its target sleeps once per priority below 10 that scanned (at most 10)', () => {
    // swap of 2 slots: 1 usable (slot 0 is the header), so at most one page can ever be written
    const { sim, h, touch } = small('always-old', { swapMiB: 2 / 256 });
    touch(...Array.from({ length: 1024 }, (_, g) => g));
    expect(doTryToFreePages(h)).toBeLessThan(32);
    const c = sim.counterRecord();
    expect(c.sim_congestion_wait).toBeGreaterThanOrEqual(1); // priority 0 scans every list in full
    expect(c.sim_congestion_wait).toBeLessThanOrEqual(10); // priorities 9..0
    expect(c.sim_congestion_wait_vcpu).toBe(c.sim_congestion_wait); // the vCPU thread slept
  });
});

describe('vCPUs and where reclaim runs (kvm_flush_remote_tlbs, virt/kvm/kvm_main.c v2.6.33; F3)', () => {
  it('with 2 vCPUs every flush from direct reclaim IPIs the other one; with 1 none does', () => {
    const base = {
      name: 'v',
      guest: { memoryMiB: 16 },
      host: { memcgLimitMiB: 8, swapMiB: 32 },
      rate: 20_000,
      workload: { type: 'hotcold', hotMiB: 4, hotShare: 0.9 },
    } as const;
    for (const vcpus of [1, 2]) {
      const s = parseScenario({ ...base, guest: { ...base.guest, vcpus } });
      const cmp = new Comparison(s, ['unmap-emulation'], 3);
      cmp.runFor(2);
      const c = summarize(cmp)[0].counters;
      expect(c.sim_tlb_flush_calls).toBeGreaterThan(0);
      expect(c.remote_tlb_flush).toBe(vcpus === 1 ? 0 : c.sim_tlb_flush_calls);
      expect(c.sim_tlb_flush_ipi_vcpus).toBe((vcpus - 1) * c.sim_tlb_flush_calls);
    }
  });
});

describe('steady-state summary (summary.ts)', () => {
  it('is the difference between the end and the counters at steadyFromSeconds', () => {
    const s = parseScenario({
      name: 'st',
      guest: { memoryMiB: 16 },
      host: { memcgLimitMiB: 8, swapMiB: 32 },
      rate: 20_000,
      workload: { type: 'hotcold', hotMiB: 4, hotShare: 0.9 },
      steadyFromSeconds: 1,
    });
    const cmp = new Comparison(s, ['always-old'], 3);
    cmp.runFor(0.5);
    expect(summarize(cmp)[0].steady).toBeNull();
    cmp.runFor(0.5);
    const at1 = summarize(cmp)[0].counters;
    cmp.runFor(1);
    const [r] = summarize(cmp);
    expect(r.steady!.fromSeconds).toBe(1);
    expect(r.steady!.toSeconds).toBe(2);
    expect(r.steady!.counters.pgmajfault).toBe(r.counters.pgmajfault - at1.pgmajfault);
    expect(r.steady!.counters.sim_guest_refs).toBe(20_000);
    expect(r.steady!.counters.usage_in_bytes).toBe(r.counters.usage_in_bytes); // a gauge
    expect(r.hostKernel).toBe('2.6.33');
  });
});
