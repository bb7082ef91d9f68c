import { EV, HOST_FAULT_MAJOR, HOST_FAULT_MINOR, type HostFault } from '@agelab/ept-model';
import { C } from '../counters.ts';
import type { HostMm } from './host-mm.ts';
import { kswapd, wakeupKswapd } from './kswapd.ts';
import { LRU_ACTIVE_ANON, LRU_INACTIVE_ANON, LRU_UNCHARGED } from './lru.ts';
import { memCgroupChargeOrOverrun, memCgroupTryChargeHuge } from './memcontrol.ts';
import {
  HPAGE_PMD_NR,
  HPAGE_SHIFT,
  PG_ACTIVE,
  PG_DIRTY,
  PG_HEAD,
  PG_LRU,
  PG_PRESENT,
  PG_REFERENCED,
  PG_SWAPCACHE,
  PG_TAIL,
  PMD_HUGE,
  PMD_NONE,
  PMD_TABLE,
  PTE_PMD,
  PTE_PRESENT,
  PTE_SWAP,
  PTE_YOUNG,
} from './page-flags.ts';

/**
 * hva_to_pfn(), virt/kvm/kvm_main.c v2.6.33, slow path: get_user_pages(write=1) →
 * handle_mm_fault(), then follow_page(FOLL_TOUCH) → mark_page_accessed(). (The fast path,
 * get_user_pages_fast on a present pte, is HostMm.gfnToPfn and touches neither bit.)
 */
export function hvaToPfn(mm: HostMm, g: number): HostFault {
  const ret = handleMmFault(mm, g);
  // follow_trans_huge_pmd(FOLL_TOUCH), v2.6.38: pmd_mkyoung, no mark_page_accessed; a 4K page
  // goes through follow_page → mark_page_accessed.
  if (mm.flags[g] & (PG_HEAD | PG_TAIL)) mm.pte[mm.compoundHead(g)] |= PTE_YOUNG;
  else markPageAccessed(mm, g);
  // kswapd was woken by an allocation of this fault; it runs on another CPU (here: now)
  if (mm.kswapdPending) kswapd(mm);
  return ret;
}

/** handle_mm_fault(), mm/memory.c v2.6.33 (+ __handle_mm_fault's THP branch, v2.6.38). */
export function handleMmFault(mm: HostMm, g: number): HostFault {
  mm.c[C.pgfault]++;
  if (mm.pte[g] & PTE_SWAP) return doSwapPage(mm, g);
  const f = g >>> HPAGE_SHIFT;
  if (mm.cfg.thp && mm.pmd[f] === PMD_NONE && (f + 1) * HPAGE_PMD_NR <= mm.n) {
    if (doHugePmdAnonymousPage(mm, f)) return HOST_FAULT_MINOR;
    mm.c[C.thp_fault_fallback]++;
  }
  doAnonymousPage(mm, g);
  return HOST_FAULT_MINOR;
}

/**
 * do_anonymous_page(), mm/memory.c v2.6.33, write fault: a zeroed page, charged to the memcg,
 * mapped young and dirty, put on the ACTIVE anon list by page_add_new_anon_rmap().
 */
export function doAnonymousPage(mm: HostMm, g: number): void {
  memCgroupChargeOrOverrun(mm, 1);
  wakeupKswapd(mm);
  mm.pcUsed[g] = 1;
  mm.flags[g] = PG_PRESENT | PG_DIRTY | PG_LRU | PG_ACTIVE;
  mm.pte[g] = PTE_PRESENT | PTE_YOUNG;
  mm.pmd[g >>> HPAGE_SHIFT] = PMD_TABLE;
  mm.lru.addHead(LRU_ACTIVE_ANON, g);
  // ____pagevec_lru_add → update_page_reclaim_stat(rotated = active), mm/swap.c v2.6.33
  mm.recentScanned++;
  mm.recentRotated++;
  if (mm.events.on) mm.events.emit(EV.MINOR_FAULT, g, 0);
}

/**
 * do_huge_pmd_anonymous_page(), mm/huge_memory.c v2.6.38: a whole 2M frame becomes one THP,
 * charged 512 pages, on the ACTIVE list, mapped by a young pmd. Fails (→ fallback to 4K) if the
 * memcg cannot take the charge.
 */
export function doHugePmdAnonymousPage(mm: HostMm, f: number): boolean {
  if (!memCgroupTryChargeHuge(mm)) return false;
  wakeupKswapd(mm);
  const base = f << HPAGE_SHIFT;
  for (let g = base; g < base + HPAGE_PMD_NR; g++) {
    mm.flags[g] = PG_PRESENT | PG_DIRTY | PG_TAIL;
    mm.pte[g] = PTE_PRESENT | PTE_PMD;
    mm.pcUsed[g] = 1;
  }
  mm.recentScanned += HPAGE_PMD_NR;
  mm.recentRotated += HPAGE_PMD_NR;
  mm.flags[base] = PG_PRESENT | PG_DIRTY | PG_HEAD | PG_LRU | PG_ACTIVE;
  mm.pte[base] |= PTE_YOUNG;
  mm.pmd[f] = PMD_HUGE;
  mm.nrThp++;
  mm.lru.addHead(LRU_ACTIVE_ANON, base);
  mm.c[C.thp_fault_alloc]++;
  if (mm.events.on) mm.events.emit(EV.MINOR_FAULT, base, 0);
  return true;
}

/**
 * do_swap_page(), mm/memory.c v2.6.33. A swap-cache hit is a minor fault; otherwise
 * swapin_readahead() reads the run of used slots around the target and the fault is major
 * (PGMAJFAULT). Only now is the page charged (mem_cgroup_try_charge_swapin, which may reclaim)
 * and put on the memcg's LRU (mem_cgroup_lru_add_after_commit_swapcache). KVM faults are write
 * faults, so reuse_swap_page() takes the page out of the swap cache and frees its slot, and the
 * pte is young (x86 vm_page_prot has _PAGE_ACCESSED).
 */
export function doSwapPage(mm: HostMm, g: number): HostFault {
  const slot = mm.swapSlot[g];
  let ret: HostFault = HOST_FAULT_MINOR;
  if (mm.flags[g] & PG_PRESENT) {
    mm.c[C.sim_swapcache_hit]++;
    if (mm.events.on) mm.events.emit(EV.MINOR_FAULT, g, 1);
  } else {
    mm.c[C.pgmajfault]++;
    const read = swapinReadahead(mm, g, slot);
    if (mm.events.on) mm.events.emit(EV.MAJOR_FAULT, g, read);
    ret = HOST_FAULT_MAJOR;
  }
  if (!mm.pcUsed[g]) memCgroupChargeSwapin(mm, g);
  mm.pte[g] = PTE_PRESENT | PTE_YOUNG;
  // reuse_swap_page() → delete_from_swap_cache(); swap_free()
  mm.swap.free(slot);
  mm.swapSlot[g] = -1;
  mm.flags[g] = (mm.flags[g] & ~PG_SWAPCACHE) | PG_DIRTY;
  mm.nrSwapcache--;
  if (mm.events.on) mm.events.emit(EV.SWAP_IN, g, ret);
  return ret;
}

/**
 * mem_cgroup_try_charge_swapin() + mem_cgroup_commit_charge_swapin(), mm/memcontrol.c v2.6.33: a
 * swap-cache page read without a charge is charged when it is mapped, and moves from the zone-only
 * list to the memcg's inactive list (at its head, mem_cgroup_add_lru_list).
 */
function memCgroupChargeSwapin(mm: HostMm, g: number): void {
  memCgroupChargeOrOverrun(mm, 1);
  mm.lru.del(LRU_UNCHARGED, g);
  mm.nrUncharged--;
  mm.pcUsed[g] = 1;
  mm.lru.addHead(LRU_INACTIVE_ANON, g);
}

/**
 * swapin_readahead() → valid_swaphandles(), mm/swap_state.c and mm/swapfile.c v2.6.33: inside the
 * aligned window of 1 << page_cluster slots (never slot 0, the swap header), the contiguous run of
 * used slots around the target, stopping at the first free slot each way; read_swap_cache_async()
 * on each in slot order (a page already in the swap cache is not read again). Each page read is in
 * the swap cache, clean, on the zone's inactive list (lru_cache_add_anon) and NOT charged to the
 * memcg. Returns pages read.
 */
function swapinReadahead(mm: HostMm, g: number, slot: number): number {
  const window = 1 << mm.cfg.pageCluster;
  let lo = slot;
  let hi = slot;
  if (window > 1) {
    const base = Math.max(1, slot & ~(window - 1));
    const end = Math.min((slot & ~(window - 1)) + window, mm.swap.slots);
    while (hi + 1 < end && mm.swap.inUse(hi + 1)) hi++;
    while (lo - 1 >= base && mm.swap.inUse(lo - 1)) lo--;
  }
  let read = 0;
  for (let s = lo; s <= hi; s++) {
    const owner = mm.swap.owner[s];
    if (mm.flags[owner] & PG_PRESENT) continue; // found in the swap cache
    readSwapPage(mm, owner);
    if (owner !== g && mm.events.on) mm.events.emit(EV.SWAP_READAHEAD, owner, 0);
    read++;
  }
  return read;
}

/** read_swap_cache_async() + swap_readpage(), v2.6.33: pswpin per page read; no memcg charge. */
function readSwapPage(mm: HostMm, g: number): void {
  mm.flags[g] = PG_PRESENT | PG_SWAPCACHE | PG_LRU;
  mm.pcUsed[g] = 0;
  mm.nrSwapcache++;
  mm.nrUncharged++;
  mm.lru.addHead(LRU_UNCHARGED, g);
  mm.c[C.pswpin]++;
  mm.c[C.pgpgin] += 4;
  wakeupKswapd(mm);
}

/**
 * mark_page_accessed(), mm/swap.c v2.6.33: an inactive, referenced page on the LRU is activated;
 * otherwise the page is marked referenced.
 */
export function markPageAccessed(mm: HostMm, g: number): void {
  const fl = mm.flags[g];
  if (!(fl & PG_ACTIVE) && fl & PG_REFERENCED && fl & PG_LRU) {
    activatePage(mm, g);
    mm.flags[g] &= ~PG_REFERENCED;
  } else if (!(fl & PG_REFERENCED)) {
    mm.flags[g] = fl | PG_REFERENCED;
  }
}

/** activate_page(), mm/swap.c v2.6.33. */
export function activatePage(mm: HostMm, g: number): void {
  mm.lru.del(LRU_INACTIVE_ANON, g);
  mm.flags[g] |= PG_ACTIVE;
  mm.lru.addHead(LRU_ACTIVE_ANON, g);
  mm.c[C.pgactivate] += mm.nrPages(g);
  // update_page_reclaim_stat(zone, page, file, 1): scanned and rotated, mm/swap.c v2.6.33
  mm.recentScanned += mm.nrPages(g);
  mm.recentRotated += mm.nrPages(g);
  if (mm.events.on) mm.events.emit(EV.LRU_ACTIVATE, g, 0);
}
