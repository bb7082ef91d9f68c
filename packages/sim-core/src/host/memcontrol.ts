import { SITE } from '@agelab/ept-model';
import { C } from '../counters.ts';
import type { HostMm } from './host-mm.ts';
import { tryToFreeMemCgroupPages } from './vmscan.ts';

/** MEM_CGROUP_RECLAIM_RETRIES, mm/memcontrol.c v2.6.33. */
export const MEM_CGROUP_RECLAIM_RETRIES = 5;

/**
 * __mem_cgroup_try_charge(), mm/memcontrol.c v2.6.33: charge `nr` pages, reclaiming from the
 * group while it is over its limit. A reclaim round that frees something costs no retry; after
 * the retries run out the kernel would OOM-kill — we count `sim_memcg_oom` and return false.
 * Simplified: no per-cpu stock (CHARGE_SIZE batching), see docs/model.md.
 */
export function memCgroupTryCharge(mm: HostMm, nr: number): boolean {
  let retries = MEM_CGROUP_RECLAIM_RETRIES;
  while (mm.usage + nr > mm.limit) {
    mm.c[C.failcnt]++;
    const freed = tryToFreeMemCgroupPages(mm);
    if (freed > 0) continue;
    if (mm.usage + nr <= mm.limit) continue;
    if (retries-- === 0) {
      mm.c[C.sim_memcg_oom]++;
      return false;
    }
  }
  mm.usage += nr;
  return true;
}

/**
 * Charge a page the guest cannot do without. Where the kernel would OOM-kill the VM we let the
 * charge exceed the limit and count `sim_memcg_oom`, so a run never stops half way.
 */
export function memCgroupChargeOrOverrun(mm: HostMm, nr: number): void {
  if (!memCgroupTryCharge(mm, nr)) mm.usage += nr;
}

/**
 * mem_cgroup_resize_limit(), mm/memcontrol.c v2.6.33: set the new limit and reclaim until usage
 * fits under it, giving up after the retries (where the kernel returns -EBUSY).
 */
export function memCgroupResizeLimit(mm: HostMm, pages: number): void {
  mm.limit = pages;
  let retries = MEM_CGROUP_RECLAIM_RETRIES;
  const site = mm.events.site;
  mm.events.site = SITE.RESIZE_LIMIT;
  while (mm.usage > mm.limit) {
    if (tryToFreeMemCgroupPages(mm) === 0 && --retries === 0) break;
  }
  mm.events.site = site;
}

/** mem_cgroup_uncharge_page(), v2.6.33. */
export function memCgroupUncharge(mm: HostMm, nr: number): void {
  mm.usage -= nr;
}
