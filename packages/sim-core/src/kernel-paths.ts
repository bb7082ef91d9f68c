import { EV, SITE, type EventKind } from '@agelab/ept-model';

/**
 * The kernel call path behind each event record, named as a reader of arch/x86/kvm/mmu.c and
 * mm/vmscan.c would find it. An event carries its kind, its arg and the SITE the host was in when
 * it was raised; those three pick one path. Paths are a dense table (`KERNEL_PATHS`) so the wire
 * sends a small id and the welcome message carries the strings once.
 */

/** The entry of each site: what the kernel was doing when the event happened. */
const SITE_PREFIX: Record<number, string> = {
  [SITE.GUEST]: 'handle_ept_violation → tdp_page_fault',
  [SITE.SHRINK_ACTIVE]: 'shrink_active_list → page_referenced → page_referenced_one',
  [SITE.SHRINK_PAGE_LIST]: 'shrink_page_list → page_referenced → page_referenced_one',
  [SITE.TRY_TO_UNMAP]: 'shrink_page_list → try_to_unmap → try_to_unmap_one',
  [SITE.PAGEOUT]: 'shrink_page_list',
  [SITE.KHUGEPAGED]: 'khugepaged_scan_mm_slot → khugepaged_scan_pmd',
  [SITE.RESIZE_LIMIT]: 'mem_cgroup_resize_limit',
  [SITE.KSWAPD]: 'kswapd → balance_pgdat → shrink_zone',
};

/** The tail of the path for each kind (and arg, where the arg picks the branch). */
function tail(kind: EventKind, arg: number, site: number): string {
  const aging = site === SITE.SHRINK_ACTIVE || site === SITE.SHRINK_PAGE_LIST;
  switch (kind) {
    case EV.REF:
      return arg ? 'guest access through a 2M spte' : 'guest access through a 4K spte';
    case EV.EPT_VIOLATION:
      return 'kvm_mmu_page_fault (EPT violation)';
    case EV.EPT_UNMAP:
      return 'ptep_clear_flush_young_notify → kvm_age_rmapp → kvm_unmap_rmapp: young';
    case EV.MAJOR_FAULT:
      return 'gfn_to_pfn → hva_to_pfn → handle_mm_fault → do_swap_page → swapin_readahead (major)';
    case EV.MINOR_FAULT:
      return arg === 1
        ? 'gfn_to_pfn → hva_to_pfn → handle_mm_fault → do_swap_page (swap cache hit, minor) → mem_cgroup_try_charge_swapin'
        : 'gfn_to_pfn → hva_to_pfn → handle_mm_fault → do_anonymous_page (minor)';
    case EV.SWAP_OUT:
      return 'pageout → swap_writepage';
    case EV.SWAP_IN:
      return 'do_swap_page → reuse_swap_page → swap_free';
    case EV.LRU_ACTIVATE:
      if (site === SITE.GUEST) return 'kvm_set_pfn_accessed → mark_page_accessed → activate_page';
      if (site === SITE.TRY_TO_UNMAP) return 'SWAP_FAIL (young again) → activate_locked';
      if (site === SITE.PAGEOUT) return 'add_to_swap failed (swap full) → activate_locked';
      return 'referenced and mapped → activate_locked';
    case EV.LRU_DEACTIVATE:
      return 'list_add (inactive anon)';
    case EV.THP_SPLIT:
      return 'add_to_swap → split_huge_page';
    case EV.THP_COLLAPSE:
      return 'collapse_huge_page';
    case EV.TLB_FLUSH:
      if (arg === 0) return 'kvm_mmu_notifier_clear_flush_young → kvm_flush_remote_tlbs';
      if (site === SITE.GUEST)
        return '__direct_map → mmu_set_spte (2M over a 4K table) → kvm_flush_remote_tlbs';
      if (site === SITE.KHUGEPAGED || site === SITE.PAGEOUT)
        return 'kvm_mmu_notifier_invalidate_range_start → kvm_flush_remote_tlbs';
      return 'kvm_mmu_notifier_invalidate_page → kvm_flush_remote_tlbs';
    case EV.RMAP_ADD:
      return '__direct_map → mmu_set_spte → rmap_add';
    case EV.RMAP_REMOVE:
      if (aging) return 'kvm_age_rmapp → kvm_unmap_rmapp → rmap_remove';
      if (site === SITE.GUEST) return '__direct_map → mmu_set_spte (2M over 4K) → rmap_remove';
      return 'mmu_notifier_invalidate_page → kvm_unmap_hva → kvm_unmap_rmapp → rmap_remove';
    case EV.RMAP_DESC_ALLOC:
      return 'rmap_add → mmu_alloc_rmap_desc';
    case EV.RMAP_DESC_FREE:
      return 'rmap_remove → rmap_desc_remove_entry → mmu_free_rmap_desc';
    case EV.AGE:
      return arg
        ? 'ptep_clear_flush_young_notify → kvm_age_rmapp: young'
        : 'ptep_clear_flush_young_notify → kvm_age_rmapp: old';
    case EV.RECLAIM:
      return arg
        ? 'mem_cgroup_try_charge → try_to_free_mem_cgroup_pages (start)'
        : 'try_to_free_mem_cgroup_pages (end)';
    case EV.FALSE_VERDICT:
      return arg === 0
        ? 'page_referenced answered 0 while the guest had touched it (false old)'
        : 'page_referenced answered young while the guest had not touched it (false young)';
    case EV.PAGE_FREE:
      if (site === SITE.KSWAPD)
        return 'shrink_page_list → __remove_mapping → __delete_from_swap_cache → free (uncharged swap cache)';
      return '__remove_mapping → __delete_from_swap_cache → free';
    case EV.SWAP_READAHEAD:
      return 'do_swap_page → swapin_readahead → read_swap_cache_async (neighbour, uncharged)';
    case EV.RECLAIM_CLEAN_KEEP:
      return 'page_check_references: PAGEREF_RECLAIM_CLEAN → add_to_swap, try_to_unmap, keep_locked (dirty, not written)';
    case EV.VERDICT:
      return 'page_referenced answered: the page’s verdict changed (ground truth)';
  }
  return `event ${kind}`;
}

/** Number of arg variants a kind's path distinguishes (0 and 1; other args share variant 0). */
const VARIANTS = 2;
const KINDS = Object.keys(EV).length;
const SITES = Object.keys(SITE).length;

/** The path id of an event: dense in site × kind × variant. */
export function kernelPathId(kind: number, arg: number, site: number): number {
  return (site * KINDS + kind) * VARIANTS + (arg === 1 ? 1 : 0);
}

/** Every path, by id (an entry for every site × kind × variant, so any id decodes). */
export const KERNEL_PATHS: readonly string[] = (() => {
  const out: string[] = [];
  for (let site = 0; site < SITES; site++)
    for (let kind = 0; kind < KINDS; kind++)
      for (let v = 0; v < VARIANTS; v++) {
        const t = tail(kind as EventKind, v, site);
        out.push(site === SITE.GUEST && kind === EV.REF ? t : `${SITE_PREFIX[site]} → ${t}`);
      }
  return out;
})();
