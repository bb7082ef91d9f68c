import { KVM_COUNTERS, defineCounters } from '@agelab/ept-model';

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
] as const);

export type HostCounterName = (typeof HOST_COUNTERS.names)[number];

/** The counter vector of a run: host counters, then KVM's. */
export const ALL_COUNTERS = defineCounters([...HOST_COUNTERS.names, ...KVM_COUNTERS.names]);
export type CounterName = (typeof ALL_COUNTERS.names)[number];
export const KVM_OFFSET = HOST_COUNTERS.names.length;

/** Counters that are levels, not event counts: a viewer shows them as they are, not as rates. */
export const GAUGES: ReadonlySet<string> = new Set<string>([...HOST_GAUGES, 'largepages']);

/** Host counter indices, for the hot paths. */
export const C = HOST_COUNTERS.index;
