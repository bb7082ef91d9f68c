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
} as const;

export type EventKind = (typeof EV)[keyof typeof EV];

export const EVENT_NAMES: readonly string[] = Object.entries(EV)
  .sort((a, b) => a[1] - b[1])
  .map(([name]) => name.toLowerCase());

/** Where events go. `on` is checked before building an event so that a run without viewers pays nothing. */
export interface EventSink {
  on: boolean;
  emit(kind: EventKind, gfn: number, arg: number): void;
}

export const NO_EVENTS: EventSink = { on: false, emit() {} };
