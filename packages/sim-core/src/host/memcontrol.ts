import { SITE } from '@agelab/ept-model';
import { C } from '../counters.ts';
import type { HostMm } from './host-mm.ts';
import { HPAGE_PMD_NR } from './page-flags.ts';
import { tryToFreeMemCgroupPages } from './vmscan.ts';

/** MEM_CGROUP_RECLAIM_RETRIES, mm/memcontrol.c v2.6.33. */
export const MEM_CGROUP_RECLAIM_RETRIES = 5;
/** CHARGE_SIZE, mm/memcontrol.c v2.6.33: a charge first tries 32 pages and keeps the rest as per-cpu stock. */
export const CHARGE_SIZE = 32;

/** res_counter_charge() of `nr` pages against the limit (usage includes the stock); failcnt on failure. */
function resCounterCharge(mm: HostMm, nr: number): boolean {
  if (mm.usage + mm.stock + nr <= mm.limit) return true;
  mm.c[C.failcnt]++; // res_counter_charge_locked(), kernel/res_counter.c v2.6.33
  return false;
}

/** res_counter_check_under_limit(), v2.6.33: usage < limit. */
function underLimit(mm: HostMm): boolean {
  return mm.usage + mm.stock < mm.limit;
}

/**
 * mem_cgroup_hierarchical_reclaim(), mm/memcontrol.c v2.6.33, for a group without children:
 * drain_all_stock_async() (loop ≥ 1), one try_to_free_mem_cgroup_pages(); returns 1 + reclaimed
 * if the group is then under its limit, else what was reclaimed (0 unless a full batch).
 */
export function memCgroupHierarchicalReclaim(mm: HostMm): number {
  mm.stock = 0;
  const ret = tryToFreeMemCgroupPages(mm);
  return underLimit(mm) ? 1 + ret : ret;
}

/**
 * __mem_cgroup_try_charge(), mm/memcontrol.c v2.6.33, for one page: consume_stock(); else charge
 * CHARGE_SIZE and refill_stock() with the rest; on failure fall back to one page, then reclaim. A
 * reclaim round that returns non-zero costs no retry; after MEM_CGROUP_RECLAIM_RETRIES more the
 * kernel would OOM-kill — we count `sim_memcg_oom` and return false.
 */
export function memCgroupTryCharge(mm: HostMm): boolean {
  if (mm.stock > 0) {
    mm.stock--; // consume_stock()
    mm.usage++;
    return true;
  }
  let csize = CHARGE_SIZE;
  let retries = MEM_CGROUP_RECLAIM_RETRIES;
  for (;;) {
    if (resCounterCharge(mm, csize)) break;
    if (csize > 1) {
      csize = 1;
      continue;
    }
    mm.c[C.sim_charge_reclaims]++;
    if (memCgroupHierarchicalReclaim(mm)) continue;
    if (underLimit(mm)) continue;
    if (retries-- === 0) {
      mm.c[C.sim_memcg_oom]++;
      return false;
    }
  }
  mm.usage++;
  mm.stock += csize - 1; // refill_stock()
  return true;
}

/**
 * A huge-page charge, __mem_cgroup_try_charge() with oom = false (mem_cgroup_charge_common,
 * mm/memcontrol.c v2.6.38): no stock, and __mem_cgroup_do_charge() reclaims once and fails unless
 * 2 MB then fit — the caller falls back to 4K pages or gives up the collapse.
 */
export function memCgroupTryChargeHuge(mm: HostMm): boolean {
  if (!resCounterCharge(mm, HPAGE_PMD_NR)) {
    mm.c[C.sim_charge_reclaims]++;
    memCgroupHierarchicalReclaim(mm);
    if (!resCounterCharge(mm, HPAGE_PMD_NR)) return false;
  }
  mm.usage += HPAGE_PMD_NR;
  return true;
}

/**
 * Charge a page the guest cannot do without. Where the kernel would OOM-kill the VM we let the
 * charge exceed the limit and count `sim_memcg_oom`, so a run never stops half way.
 */
export function memCgroupChargeOrOverrun(mm: HostMm, nr: number): void {
  for (let i = 0; i < nr; i++) if (!memCgroupTryCharge(mm)) mm.usage++;
}

/**
 * mem_cgroup_resize_limit(), mm/memcontrol.c v2.6.33: res_counter_set_limit() succeeds only once
 * usage fits under the new limit; until then reclaim, and count a retry whenever usage did not
 * drop. After MEM_CGROUP_RECLAIM_RETRIES such rounds the write fails (-EBUSY) and the old limit
 * stays. Runs in the writer's thread, not a vCPU's. Returns whether the limit was set.
 */
export function memCgroupResizeLimit(mm: HostMm, pages: number): boolean {
  let retries = MEM_CGROUP_RECLAIM_RETRIES;
  const site = mm.events.site;
  const inVcpu = mm.kvm.inVcpuThread;
  mm.events.site = SITE.RESIZE_LIMIT;
  mm.kvm.inVcpuThread = false;
  let old = mm.usage + mm.stock;
  let set = false;
  while (retries > 0) {
    if (mm.usage + mm.stock <= pages) {
      mm.limit = pages;
      set = true;
      break;
    }
    memCgroupHierarchicalReclaim(mm);
    const cur = mm.usage + mm.stock;
    if (cur >= old) retries--;
    else old = cur;
  }
  mm.kvm.inVcpuThread = inVcpu;
  mm.events.site = site;
  return set;
}

/** mem_cgroup_uncharge_page(), v2.6.33. */
export function memCgroupUncharge(mm: HostMm, nr: number): void {
  mm.usage -= nr;
}
