import { EV } from '@agelab/ept-model';
import { C } from '../counters.ts';
import type { HostMm } from './host-mm.ts';
import {
  HPAGE_PMD_NR,
  PG_HEAD,
  PG_REFERENCED,
  PG_SWAPCACHE,
  PTE_PRESENT,
  PTE_SWAP,
  PTE_YOUNG,
  VERDICT_AGREED_OLD,
  VERDICT_AGREED_YOUNG,
  VERDICT_FALSE_OLD,
  VERDICT_FALSE_YOUNG,
} from './page-flags.ts';

/**
 * ptep_clear_flush_young_notify(), include/linux/mmu_notifier.h v2.6.33: test-and-clear the host
 * pte's young bit (flushing the host TLB if it was set), then ALWAYS ask the secondary MMU (KVM)
 * through clear_flush_young and OR its answer. For a THP the pmd's bit lives on the head.
 */
export function ptepClearFlushYoungNotify(mm: HostMm, g: number): number {
  let young = 0;
  if (mm.pte[g] & PTE_YOUNG) {
    mm.pte[g] &= ~PTE_YOUNG;
    mm.c[C.sim_host_pte_young]++;
    young = 1;
  }
  return young | mm.kvm.clearFlushYoung(g);
}

/** page_mapping_inuse(), mm/vmscan.c v2.6.33, for anon pages: mapped, or in the swap cache. */
export function pageMappingInuse(mm: HostMm, g: number): boolean {
  return (mm.pte[g] & PTE_PRESENT) !== 0 || (mm.flags[g] & PG_SWAPCACHE) !== 0;
}

/**
 * page_referenced() → page_referenced_anon() → page_referenced_one(), mm/rmap.c v2.6.33: one
 * for PG_referenced (test-and-clear), one for a young mapping. From 2.6.34 (dfc8d636cdb)
 * page_referenced() no longer touches PG_referenced; page_check_references() tests it apart.
 * The QEMU process maps each guest page once, so the anon_vma walk visits one pte. Each answer
 * is a verdict for the ground truth.
 */
export function pageReferenced(mm: HostMm, g: number): number {
  mm.c[C.sim_page_referenced]++;
  let ref = 0;
  if (mm.cfg.kernel === '2.6.33' && mm.flags[g] & PG_REFERENCED) {
    mm.flags[g] &= ~PG_REFERENCED;
    ref++;
  }
  if (mm.pte[g] & PTE_PRESENT) ref += ptepClearFlushYoungNotify(mm, g);
  recordVerdict(mm, g, ref > 0);
  return ref;
}

/**
 * Ground truth (no kernel has it): was this verdict wrong? Counted per 4K page, as domain.md §7
 * defines it: false-old when the answer is "not referenced" although the guest touched the page
 * since the previous verdict on it, false-young the other way round. A THP verdict is one answer
 * for its 512 pages, so it is counted for each of them (a 2M mapping answering young for one
 * touched subpage is 511 false-young); the kernel's own view, one verdict per struct page
 * ("touched if any"), is sim_thp_false_old / sim_thp_false_young. Each page keeps its last
 * verdict in mm.verdict; a change raises EV.VERDICT on the page (the head for a THP).
 */
export function recordVerdict(mm: HostMm, g: number, referenced: boolean): void {
  const at = mm.now + 1 - mm.touchEpoch; // relative, as lastTouch and verdictAt are
  const end = mm.flags[g] & PG_HEAD ? g + HPAGE_PMD_NR : g + 1;
  let falseOld = 0;
  let falseYoung = 0;
  let changed = false;
  for (let i = g; i < end; i++) {
    const touched = mm.lastTouch[i] > mm.verdictAt[i];
    mm.verdictAt[i] = at;
    let v: number;
    if (referenced) {
      v = touched ? VERDICT_AGREED_YOUNG : VERDICT_FALSE_YOUNG;
      if (!touched) falseYoung++;
    } else {
      v = touched ? VERDICT_FALSE_OLD : VERDICT_AGREED_OLD;
      if (touched) falseOld++;
    }
    if (mm.verdict[i] !== v) {
      mm.verdict[i] = v;
      changed = true;
    }
  }
  mm.c[C.sim_false_old] += falseOld;
  mm.c[C.sim_false_young] += falseYoung;
  if (end - g > 1) {
    if (!referenced && falseOld) mm.c[C.sim_thp_false_old]++;
    if (referenced && falseYoung === HPAGE_PMD_NR) mm.c[C.sim_thp_false_young]++;
  }
  if (mm.events.on) {
    if (falseOld) mm.events.emit(EV.FALSE_VERDICT, g, 0);
    if (falseYoung) mm.events.emit(EV.FALSE_VERDICT, g, 1);
    if (changed) mm.events.emit(EV.VERDICT, g, mm.verdict[g]);
  }
}

export const SWAP_SUCCESS = 0;
export const SWAP_FAIL = 2;

/**
 * try_to_unmap() → try_to_unmap_one(), mm/rmap.c v2.6.33, for a page in the swap cache: a mapping
 * that became young since page_referenced() fails the unmap (the page is activated); otherwise
 * ptep_clear_flush_notify() zaps the pte, KVM's invalidate_page drops the sptes, and a swap entry
 * takes the pte's place.
 */
export function tryToUnmap(mm: HostMm, g: number): number {
  if (ptepClearFlushYoungNotify(mm, g)) {
    mm.c[C.sim_try_to_unmap_fail]++;
    return SWAP_FAIL;
  }
  mm.pte[g] = PTE_SWAP;
  mm.kvm.invalidatePage(g);
  return SWAP_SUCCESS;
}
