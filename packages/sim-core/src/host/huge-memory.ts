import { EV, SITE } from '@agelab/ept-model';
import { C } from '../counters.ts';
import type { HostMm } from './host-mm.ts';
import { LRU_ACTIVE_ANON, LRU_INACTIVE_ANON } from './lru.ts';
import { kswapd, wakeupKswapd } from './kswapd.ts';
import { memCgroupTryChargeHuge, memCgroupUncharge } from './memcontrol.ts';
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
  PMD_TABLE,
  PTE_PMD,
  PTE_PRESENT,
  PTE_SWAP,
  PTE_YOUNG,
  THP_COLLAPSED,
  THP_SPLIT_ONCE,
} from './page-flags.ts';

/**
 * split_huge_page(), mm/huge_memory.c v2.6.38, of an isolated THP head (called from add_to_swap):
 * pmdp_splitting_flush_notify() invalidates the 2M range in KVM (dropping the 2M spte), the pmd
 * becomes a table of 512 ptes that are young iff the pmd was, and each tail page joins the head's
 * LRU list — at the list's head, since the head itself is isolated (lru_add_page_tail) — dirty,
 * with the head's PG_referenced.
 */
export function splitHugePage(mm: HostMm, head: number): void {
  const f = head >>> HPAGE_SHIFT;
  const base = f << HPAGE_SHIFT;
  mm.kvm.invalidateRangeStart(base, base + HPAGE_PMD_NR);
  mm.kvm.invalidateRangeEnd();
  const hf = mm.flags[head];
  const active = (hf & PG_ACTIVE) !== 0;
  const young = mm.pte[head] & PTE_YOUNG;
  mm.flags[head] = hf & ~PG_HEAD;
  mm.pmd[f] = PMD_TABLE;
  mm.thpHistory[f] = THP_SPLIT_ONCE;
  mm.nrThp--;
  const lru = active ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON;
  for (let g = base; g < base + HPAGE_PMD_NR; g++) {
    mm.pte[g] = PTE_PRESENT | young;
    if (g === head) continue;
    mm.flags[g] = PG_PRESENT | PG_LRU | PG_DIRTY | (hf & PG_REFERENCED) | (active ? PG_ACTIVE : 0);
    mm.lru.addHead(lru, g);
    mm.recentScanned++;
    if (active) mm.recentRotated++;
  }
  mm.c[C.thp_split_page]++;
  if (mm.events.on) mm.events.emit(EV.THP_SPLIT, base, 0);
}

/**
 * One wake of khugepaged (khugepaged_do_scan → khugepaged_scan_mm_slot, mm/huge_memory.c v2.6.38):
 * scan `pages_to_scan` ptes from the cursor, trying to collapse each 2M range mapped by 4K ptes.
 */
export function khugepagedScan(mm: HostMm): void {
  const k = mm.cfg.khugepaged;
  const fullFrames = Math.floor(mm.n / HPAGE_PMD_NR);
  if (fullFrames === 0) return;
  const site = mm.events.site;
  const inVcpu = mm.kvm.inVcpuThread;
  mm.events.site = SITE.KHUGEPAGED;
  mm.kvm.inVcpuThread = false; // khugepaged is its own kernel thread
  for (let progress = 0; progress < k.pagesToScan; progress += HPAGE_PMD_NR) {
    const f = mm.khugepagedCursor;
    mm.khugepagedCursor = f + 1 === fullFrames ? 0 : f + 1;
    if (mm.khugepagedCursor === 0) mm.c[C.sim_khugepaged_full_scans]++;
    if (mm.pmd[f] === PMD_TABLE && khugepagedScanPmd(mm, f, false)) collapseHugePage(mm, f);
  }
  if (mm.kswapdPending) kswapd(mm);
  mm.kvm.inVcpuThread = inVcpu;
  mm.events.site = site;
}

/**
 * khugepaged_scan_pmd() (isolate = false) and __collapse_huge_page_isolate() (isolate = true),
 * mm/huge_memory.c v2.6.38: at most max_ptes_none empty ptes, no swap pte, every page on the LRU
 * and not shared with the swap cache, and at least one referenced: a young pte, PG_referenced, or
 * mmu_notifier_test_young — which khugepaged_scan_pmd asks about the range's base address only
 * (it passes `address`, not `_address`), and __collapse_huge_page_isolate asks per pte but after
 * the range's sptes were dropped.
 */
export function khugepagedScanPmd(mm: HostMm, f: number, isolate: boolean): boolean {
  const base = f << HPAGE_SHIFT;
  let none = 0;
  let referenced = false;
  for (let g = base; g < base + HPAGE_PMD_NR; g++) {
    const pte = mm.pte[g];
    if (!(pte & (PTE_PRESENT | PTE_SWAP))) {
      if (++none > mm.cfg.khugepaged.maxPtesNone) return false;
      continue;
    }
    if (pte & PTE_SWAP) return false;
    const fl = mm.flags[g];
    if (!(fl & PG_LRU) || fl & PG_SWAPCACHE) return false;
    if (
      !referenced &&
      (pte & PTE_YOUNG || fl & PG_REFERENCED || mm.kvm.testYoung(isolate ? g : base))
    )
      referenced = true;
  }
  return referenced;
}

/**
 * collapse_huge_page(), mm/huge_memory.c v2.6.38: charge a new huge page (once, no retry: F4 of
 * the review), pmdp_clear_flush_notify() — which invalidates the whole range in KVM — and only
 * then __collapse_huge_page_isolate(); if that fails the old pmd is put back (the sptes stay
 * dropped) and the charge released. On success the small pages are freed and the copy mapped
 * with a young pmd; the new THP goes on the ACTIVE list.
 */
export function collapseHugePage(mm: HostMm, f: number): boolean {
  if (!memCgroupTryChargeHuge(mm)) return false;
  const base = f << HPAGE_SHIFT;
  mm.kvm.invalidateRangeStart(base, base + HPAGE_PMD_NR);
  mm.kvm.invalidateRangeEnd();
  if (mm.pmd[f] !== PMD_TABLE || !khugepagedScanPmd(mm, f, true)) {
    memCgroupUncharge(mm, HPAGE_PMD_NR);
    return false;
  }
  wakeupKswapd(mm);
  for (let g = base; g < base + HPAGE_PMD_NR; g++) {
    const fl = mm.flags[g];
    if (fl & PG_PRESENT) {
      mm.lru.del(fl & PG_ACTIVE ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON, g);
      memCgroupUncharge(mm, 1);
    }
    mm.flags[g] = PG_PRESENT | PG_DIRTY | PG_TAIL;
    mm.pte[g] = PTE_PRESENT | PTE_PMD;
    mm.pcUsed[g] = 1;
  }
  mm.flags[base] = PG_PRESENT | PG_DIRTY | PG_HEAD | PG_LRU | PG_ACTIVE;
  mm.pte[base] |= PTE_YOUNG;
  mm.pmd[f] = PMD_HUGE;
  mm.thpHistory[f] = THP_COLLAPSED;
  mm.nrThp++;
  mm.lru.addHead(LRU_ACTIVE_ANON, base);
  // lru_cache_add_lru(LRU_ACTIVE_ANON) → update_page_reclaim_stat(rotated), mm/swap.c
  mm.recentScanned += HPAGE_PMD_NR;
  mm.recentRotated += HPAGE_PMD_NR;
  mm.c[C.thp_collapse_alloc]++;
  if (mm.events.on) mm.events.emit(EV.THP_COLLAPSE, base, 0);
  return true;
}
