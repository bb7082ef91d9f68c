import { KVM_COUNTERS, defineCounters } from '@agelab/ept-model';

export {
  VERDICT_AGREED_OLD,
  VERDICT_AGREED_YOUNG,
  VERDICT_FALSE_OLD,
  VERDICT_FALSE_YOUNG,
  VERDICT_NONE,
} from './host/page-flags.ts';

/** Host counters that are levels, not event counts (vmstat gauges, memcg usage and limit). */
const HOST_GAUGES = [
  'nr_active_anon',
  'nr_inactive_anon',
  'nr_anon_pages',
  'nr_swapcache',
  'nr_anon_transparent_hugepages',
  'usage_in_bytes',
  'limit_in_bytes',
  'sim_swap_used',
  'nr_free_pages',
  'sim_swapcache_uncharged',
] as const;

/**
 * Host counters. Names are /proc/vmstat's (v2.6.33, single zone so no `_normal` suffix; THP
 * events under their modern names, first present in v2.6.39), memcg's (`failcnt`,
 * `usage_in_bytes`) and, prefixed `sim_`, what only a simulator can count.
 */
export const HOST_COUNTERS = defineCounters([
  'pgfault',
  'pgmajfault',
  'pswpin',
  'pswpout',
  'pgpgin',
  'pgpgout',
  'pgactivate',
  'pgdeactivate',
  'pgrefill',
  'pgsteal',
  'pgrotated',
  'thp_fault_alloc',
  'thp_fault_fallback',
  'thp_collapse_alloc',
  'thp_split_page',
  'failcnt',
  'pgscan_kswapd',
  'kswapd_steal',
  'pageoutrun',
  ...HOST_GAUGES,
  // simulator-only
  'sim_guest_refs',
  'sim_guest_refs_2m',
  'sim_pgscan_memcg',
  'sim_swapcache_hit',
  'sim_page_referenced',
  'sim_host_pte_young',
  'sim_false_old',
  'sim_false_young',
  'sim_hot_pages_swapped_out',
  'sim_reclaim_passes',
  'sim_memcg_oom',
  'sim_swap_full',
  'sim_khugepaged_full_scans',
  'sim_try_to_unmap_fail',
  'sim_hot_pages_deactivated',
  // congestion_wait(BLK_RW_ASYNC, HZ/10) sleeps in do_try_to_free_pages (F6)
  'sim_congestion_wait',
  'sim_congestion_wait_vcpu',
  'sim_congestion_wait_vcpu_io',
  // verdicts on THPs as the kernel sees them (one per struct page, "touched if any")
  'sim_thp_false_old',
  'sim_thp_false_young',
  // 2.6.34 page_check_references: PAGEREF_RECLAIM_CLEAN pages kept in the swap cache unmapped
  'sim_pageref_reclaim_clean',
  // memcg reclaim rounds started by a charge (failcnt counts failed res_counter attempts)
  'sim_charge_reclaims',
] as const);

export type HostCounterName = (typeof HOST_COUNTERS.names)[number];

/** The counter vector of a run: host counters, then KVM's. */
export const ALL_COUNTERS = defineCounters([...HOST_COUNTERS.names, ...KVM_COUNTERS.names]);
export type CounterName = (typeof ALL_COUNTERS.names)[number];
export const KVM_OFFSET = HOST_COUNTERS.names.length;

/** Counters that are levels, not event counts: a viewer shows them as they are, not as rates. */
export const GAUGES: ReadonlySet<string> = new Set<string>([...HOST_GAUGES, 'sim_large_sptes']);

/** Host counter indices, for the hot paths. */
export const C = HOST_COUNTERS.index;
