import { EV, HOST_FAULT_MAJOR, HOST_FAULT_MINOR, type HostFault } from '@agelab/ept-model';
import { C } from '../counters.ts';
import type { HostMm } from './host-mm.ts';
import { LRU_ACTIVE_ANON, LRU_INACTIVE_ANON } from './lru.ts';
import { memCgroupChargeOrOverrun, memCgroupTryCharge } from './memcontrol.ts';
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
  // follow_trans_huge_pmd() (v2.6.38) does not mark a THP accessed; a 4K page is.
  if (!(mm.flags[g] & (PG_HEAD | PG_TAIL))) markPageAccessed(mm, g);
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
  mm.flags[g] = PG_PRESENT | PG_DIRTY | PG_LRU | PG_ACTIVE;
  mm.pte[g] = PTE_PRESENT | PTE_YOUNG;
  mm.pmd[g >>> HPAGE_SHIFT] = PMD_TABLE;
  mm.lru.addHead(LRU_ACTIVE_ANON, g);
  if (mm.events.on) mm.events.emit(EV.MINOR_FAULT, g, 0);
}

/**
 * do_huge_pmd_anonymous_page(), mm/huge_memory.c v2.6.38: a whole 2M frame becomes one THP,
 * charged 512 pages, on the ACTIVE list, mapped by a young pmd. Fails (→ fallback to 4K) if the
 * memcg cannot take the charge.
 */
export function doHugePmdAnonymousPage(mm: HostMm, f: number): boolean {
  if (!memCgroupTryCharge(mm, HPAGE_PMD_NR)) return false;
  const base = f << HPAGE_SHIFT;
  for (let g = base; g < base + HPAGE_PMD_NR; g++) {
    mm.flags[g] = PG_PRESENT | PG_DIRTY | PG_TAIL;
    mm.pte[g] = PTE_PRESENT | PTE_PMD;
  }
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
 * swapin_readahead() reads the aligned window of 1 << page_cluster slots and the fault is major
 * (PGMAJFAULT). KVM faults are write faults, so reuse_swap_page() takes the page out of the swap
 * cache and frees its slot, and the pte is young (x86 vm_page_prot has _PAGE_ACCESSED).
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
 * swapin_readahead() → read_swap_cache_async(), mm/swap_state.c v2.6.33: the neighbours in the
 * aligned window first, the target last; each read page is charged, in the swap cache, clean,
 * on the INACTIVE list (lru_cache_add_anon). Returns pages read.
 */
function swapinReadahead(mm: HostMm, g: number, slot: number): number {
  const window = 1 << mm.cfg.pageCluster;
  const start = slot & ~(window - 1);
  const end = Math.min(start + window, mm.swap.slots);
  let read = 0;
  for (let s = start; s < end; s++) {
    const owner = mm.swap.owner[s];
    if (s === slot || owner < 0 || mm.flags[owner] & PG_PRESENT) continue;
    readSwapPage(mm, owner);
    if (mm.events.on) mm.events.emit(EV.SWAP_READAHEAD, owner, 0);
    read++;
  }
  readSwapPage(mm, g);
  return read + 1;
}

/** read_swap_cache_async() + swap_readpage(), v2.6.33: pswpin per page read. */
function readSwapPage(mm: HostMm, g: number): void {
  memCgroupChargeOrOverrun(mm, 1);
  mm.flags[g] = PG_PRESENT | PG_SWAPCACHE | PG_LRU;
  mm.nrSwapcache++;
  mm.lru.addHead(LRU_INACTIVE_ANON, g);
  mm.c[C.pswpin]++;
  mm.c[C.pgpgin] += 4;
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
  mm.recentRotated += mm.nrPages(g);
  if (mm.events.on) mm.events.emit(EV.LRU_ACTIVATE, g, 0);
}
