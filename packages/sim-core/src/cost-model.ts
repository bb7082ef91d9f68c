import type { CounterName } from './counters.ts';

export type CostProfile = '2010' | '2025';
export type SwapDeviceKind = 'hdd' | 'ssd' | 'nvme';

/**
 * Cost of each event in µs, from docs/model.md (domain.md §6, with sources and confidence there).
 * Every figure is a default a user may question; none is a measurement of the patch itself.
 */
export interface CostTable {
  eptFaultResident: number;
  eptFaultSwapCache: number;
  eptFaultFirstTouch: number;
  swapIn: Record<SwapDeviceKind, number>;
  remoteTlbFlush: number;
  /** kvm_flush_remote_tlbs() that sends no IPI (every vCPU on this CPU or already asked). */
  localTlbFlush: number;
  perVcpuFlush: number;
  /**
   * One congestion_wait(BLK_RW_ASYNC, HZ/10) sleep of a vCPU thread in direct reclaim that no I/O
   * completion cuts short (the full timeout); one with swap writes in flight lasts one device I/O.
   */
  congestionWait: number;
  hostYoungFlush: number;
  pageReferenced: number;
  kvmAgeRmappOld: number;
  kvmUnmapRmapp: number;
  adBitAge: number;
  shrinkPageListPerPage: number;
  splitHugePage: number;
  collapseHugePage: number;
  /** Extra guest time when its memory is mapped with 4K instead of 2M pages (fraction). */
  smallPagePenalty: number;
}

export const COSTS: Record<CostProfile, CostTable> = {
  '2010': {
    eptFaultResident: 2.0,
    eptFaultSwapCache: 3.0,
    eptFaultFirstTouch: 3.5,
    swapIn: { hdd: 8000, ssd: 120, nvme: 80 },
    remoteTlbFlush: 3,
    localTlbFlush: 0.1,
    perVcpuFlush: 1.5,
    congestionWait: 100_000,
    hostYoungFlush: 3,
    pageReferenced: 0.3,
    kvmAgeRmappOld: 0.1,
    kvmUnmapRmapp: 0.3,
    adBitAge: 0.03,
    shrinkPageListPerPage: 3,
    splitHugePage: 40,
    collapseHugePage: 600,
    smallPagePenalty: 0.1,
  },
  '2025': {
    eptFaultResident: 2.0,
    eptFaultSwapCache: 2.7,
    eptFaultFirstTouch: 3.35,
    swapIn: { hdd: 8000, ssd: 120, nvme: 80 },
    remoteTlbFlush: 3,
    localTlbFlush: 0.1,
    perVcpuFlush: 1.0,
    // wait_iff_congested() (2.6.37+) sleeps only when a device really is congested
    congestionWait: 0,
    hostYoungFlush: 0,
    pageReferenced: 0.1,
    kvmAgeRmappOld: 0.1,
    kvmUnmapRmapp: 0.3,
    adBitAge: 0.03,
    shrinkPageListPerPage: 1.5,
    splitHugePage: 20,
    collapseHugePage: 350,
    smallPagePenalty: 0.05,
  },
};

export interface CostBreakdown {
  /** µs of guest stall per cause. */
  stallUs: Record<string, number>;
  totalStallUs: number;
  guestSeconds: number;
  /** (guest time + stall) / guest time: 1 means no slowdown. */
  slowdown: number;
}

/**
 * Turn exact counts into guest stall time. Memcg reclaim in 2.6.33 is direct reclaim in the
 * faulting vCPU thread, so reclaim work (aging included) and its congestion_wait sleeps stall the
 * guest too. The guest is one reference stream whatever its vCPU count; a flush IPI costs each
 * vCPU it reaches.
 */
export function guestCost(
  c: Readonly<Record<CounterName, number>>,
  opts: {
    profile: CostProfile;
    swapDevice: SwapDeviceKind;
    rate: number;
    thp: boolean;
    shadowAccessedMask: boolean;
  },
): CostBreakdown {
  const t = COSTS[opts.profile];
  const guestSeconds = c.sim_guest_refs / opts.rate;
  const swapCacheHits = c.sim_swapcache_hit;
  const firstTouches = c.sim_ept_fault_host_minor - c.sim_swapcache_hit;
  const ageCalls = c.sim_kvm_age_young + c.sim_kvm_age_old;
  const smallRefs = c.sim_guest_refs - c.sim_guest_refs_2m;
  const stallUs: Record<string, number> = {
    ept_violation_resident: c.sim_ept_fault_gup_fast * t.eptFaultResident,
    ept_violation_swapcache: swapCacheHits * t.eptFaultSwapCache,
    ept_violation_first_touch: firstTouches * t.eptFaultFirstTouch,
    major_fault_swapin: c.pgmajfault * (t.eptFaultResident + t.swapIn[opts.swapDevice]),
    // F3: an IPI'd flush costs the round trip and each vCPU it hit; a flush without IPI almost nothing
    remote_tlb_flush:
      c.remote_tlb_flush * t.remoteTlbFlush +
      c.sim_tlb_flush_ipi_vcpus * t.perVcpuFlush +
      (c.sim_tlb_flush_calls - c.remote_tlb_flush) * t.localTlbFlush,
    congestion_wait:
      (c.sim_congestion_wait_vcpu - c.sim_congestion_wait_vcpu_io) * t.congestionWait +
      c.sim_congestion_wait_vcpu_io * Math.min(t.congestionWait, t.swapIn[opts.swapDevice]),
    host_young_flush: c.sim_host_pte_young * t.hostYoungFlush,
    page_referenced: c.sim_page_referenced * t.pageReferenced,
    kvm_age: opts.shadowAccessedMask ? ageCalls * t.adBitAge : ageCalls * t.kvmAgeRmappOld,
    kvm_unmap_rmapp: c.sim_ept_unmap_aging * t.kvmUnmapRmapp,
    // kswapd reclaims on its own CPU: only the vCPU thread's reclaim stalls the guest
    shrink_page_list: (c.pgsteal - c.kswapd_steal) * t.shrinkPageListPerPage,
    split_huge_page: c.thp_split_page * t.splitHugePage,
    collapse_huge_page: c.thp_collapse_alloc * t.collapseHugePage,
    small_pages:
      opts.thp && c.sim_guest_refs > 0
        ? (smallRefs / c.sim_guest_refs) * guestSeconds * 1e6 * t.smallPagePenalty
        : 0,
  };
  const totalStallUs = Object.values(stallUs).reduce((a, b) => a + b, 0);
  const slowdown =
    guestSeconds > 0 ? (guestSeconds * 1e6 + totalStallUs) / (guestSeconds * 1e6) : 1;
  return { stallUs, totalStallUs, guestSeconds, slowdown };
}
