/**
 * Event kinds shared by the KVM side and the host side. An event record is (kind, gfn, arg) plus
 * the reference index at which it happened; `arg` is kind-specific (documented per kind).
 */
export const EV = {
  /** guest touched a page; arg: 1 if it went through a 2M spte */
  REF: 0,
  /** EPT violation fixed by tdp_page_fault; arg: host fault kind (0 gup-fast, 1 minor, 2 major) */
  EPT_VIOLATION: 1,
  /** sptes of a gfn dropped by aging (unmap emulation); arg: level (1 = 4K, 2 = 2M) */
  EPT_UNMAP: 2,
  /** host major fault (swap read); arg: pages read including readahead */
  MAJOR_FAULT: 3,
  /** host minor fault; arg: 0 zero-fill, 1 swap-cache hit */
  MINOR_FAULT: 4,
  SWAP_OUT: 5,
  SWAP_IN: 6,
  LRU_ACTIVATE: 7,
  LRU_DEACTIVATE: 8,
  THP_SPLIT: 9,
  THP_COLLAPSE: 10,
  /** kvm_flush_remote_tlbs; arg: 0 from aging, 1 from invalidation */
  TLB_FLUSH: 11,
  /** arg: level */
  RMAP_ADD: 12,
  RMAP_REMOVE: 13,
  RMAP_DESC_ALLOC: 14,
  RMAP_DESC_FREE: 15,
  /** kvm_age_page tracepoint (v2.6.38): arg 1 YOUNG, 0 OLD */
  AGE: 16,
  /** arg: 1 at start, 0 at end of a memcg reclaim pass (try_to_free_mem_cgroup_pages) */
  RECLAIM: 17,
  /** a page_referenced verdict that was wrong; arg: 0 false-old, 1 false-young */
  FALSE_VERDICT: 18,
  /** host page freed after swap-out (pgsteal) */
  PAGE_FREE: 19,
  /** a neighbour read into the swap cache by swapin_readahead; arg: 0 */
  SWAP_READAHEAD: 20,
  /** the page's ground-truth verdict changed (host HostMm.verdict; for a THP, on its head); arg: the new VERDICT_* value */
  VERDICT: 21,
  /** 2.6.34 page_check_references → PAGEREF_RECLAIM_CLEAN: a swap slot, unmapped, kept dirty (not written); arg: 0 */
  RECLAIM_CLEAN_KEEP: 22,
} as const;

export type EventKind = (typeof EV)[keyof typeof EV];

export const EVENT_NAMES: readonly string[] = Object.entries(EV)
  .sort((a, b) => a[1] - b[1])
  .map(([name]) => name.toLowerCase());

/**
 * Where in the kernel an event is raised from: the host sets the site on entry to a reclaim or
 * scan path (and restores the previous one on the way out), so each event can name the call path
 * that produced it (sim-core's kernel-paths.ts) without a stack walk. Sites are slow paths only.
 */
export const SITE = {
  /** the guest's own access: tdp_page_fault and what it calls */
  GUEST: 0,
  /** shrink_active_list → page_referenced */
  SHRINK_ACTIVE: 1,
  /** shrink_inactive_list → shrink_page_list → page_referenced */
  SHRINK_PAGE_LIST: 2,
  /** shrink_page_list → try_to_unmap → mmu_notifier_invalidate_page */
  TRY_TO_UNMAP: 3,
  /** shrink_page_list → add_to_swap / pageout / __remove_mapping */
  PAGEOUT: 4,
  /** khugepaged_scan_mm_slot → khugepaged_scan_pmd / collapse_huge_page */
  KHUGEPAGED: 5,
  /** mem_cgroup_resize_limit → try_to_free_mem_cgroup_pages (the limit knob) */
  RESIZE_LIMIT: 6,
  /** kswapd → balance_pgdat (global reclaim) */
  KSWAPD: 7,
} as const;
export type EventSite = (typeof SITE)[keyof typeof SITE];

/** Where events go. `on` is checked before building an event so that a run without viewers pays nothing. */
export interface EventSink {
  on: boolean;
  /** The kernel path currently running (SITE); recorded with every event. */
  site: number;
  emit(kind: EventKind, gfn: number, arg: number): void;
}

export const NO_EVENTS: EventSink = { on: false, site: 0, emit() {} };
