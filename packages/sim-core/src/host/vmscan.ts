import { EV, SITE } from '@agelab/ept-model';
import { C } from '../counters.ts';
import { splitHugePage } from './huge-memory.ts';
import type { HostMm } from './host-mm.ts';
import { LRU_ACTIVE_ANON, LRU_INACTIVE_ANON } from './lru.ts';
import { memCgroupUncharge } from './memcontrol.ts';
import {
  PG_ACTIVE,
  PG_DIRTY,
  PG_HEAD,
  PG_LRU,
  PG_REFERENCED,
  PG_SWAPCACHE,
  PTE_PRESENT,
  PTE_SWAP,
} from './page-flags.ts';
import { SWAP_FAIL, pageMappingInuse, pageReferenced, tryToUnmap } from './rmap.ts';

/** include/linux/swap.h and mmzone.h, v2.6.33. */
export const SWAP_CLUSTER_MAX = 32;
export const DEF_PRIORITY = 12;

/**
 * try_to_free_mem_cgroup_pages() → do_try_to_free_pages(), mm/vmscan.c v2.6.33: priority 12
 * down to 0, one zone, until SWAP_CLUSTER_MAX pages are reclaimed. After a priority below
 * DEF_PRIORITY − 2 that scanned pages without reaching the target it sleeps in
 * congestion_wait(BLK_RW_ASYNC, HZ/10) (a full 100 ms in 2.6.33 unless a device leaves
 * congestion): counted as sim_congestion_wait, and as sim_congestion_wait_vcpu when the sleeper is
 * a vCPU thread. For memcg reclaim it returns 0 unless the target was reached (`ret` is set on the
 * short path only for global reclaim). This is the only place the host ages guest pages through
 * the memcg: there is no periodic scanner in 2.6.33.
 */
export function tryToFreeMemCgroupPages(mm: HostMm): number {
  mm.c[C.sim_reclaim_passes]++;
  if (mm.events.on) mm.events.emit(EV.RECLAIM, 0, 1);
  const reclaimed = doTryToFreePages(mm);
  if (mm.events.on) mm.events.emit(EV.RECLAIM, 0, 0);
  return reclaimed >= SWAP_CLUSTER_MAX ? reclaimed : 0;
}

/** The priority loop of do_try_to_free_pages(), mm/vmscan.c v2.6.33; returns pages reclaimed. */
export function doTryToFreePages(mm: HostMm): number {
  let reclaimed = 0;
  mm.passWrites = 0;
  for (let priority = DEF_PRIORITY; priority >= 0; priority--) {
    mm.scNrScanned = 0;
    reclaimed += shrinkZone(mm, priority, reclaimed);
    if (reclaimed >= SWAP_CLUSTER_MAX) break;
    if (mm.scNrScanned && priority < DEF_PRIORITY - 2) congestionWait(mm);
  }
  return reclaimed;
}

/**
 * congestion_wait(BLK_RW_ASYNC, HZ/10), mm/backing-dev.c v2.6.33: the reclaiming thread sleeps
 * until an async request completes below the congestion threshold (__freed_request →
 * blk_clear_queue_congested → clear_bdi_congested wakes the queue), or for the whole 100 ms. With
 * this pass's swap writes in flight the first completion wakes it (counted in
 * sim_congestion_wait_vcpu_io); otherwise nothing does.
 */
function congestionWait(mm: HostMm): void {
  mm.c[C.sim_congestion_wait]++;
  if (!mm.kvm.inVcpuThread) return;
  mm.c[C.sim_congestion_wait_vcpu]++;
  if (mm.passWrites > 0) mm.c[C.sim_congestion_wait_vcpu_io]++;
}

/**
 * shrink_zone(), mm/vmscan.c v2.6.33, anon lists only (guest RAM is anonymous memory). Returns
 * pages reclaimed in this call; `already` is what earlier priorities of this pass reclaimed.
 */
export function shrinkZone(mm: HostMm, priority: number, already: number): number {
  const noswap = mm.swap.full();
  const percent = noswap ? 0 : getScanRatio(mm);
  const nr = [0, 0];
  for (const l of [LRU_INACTIVE_ANON, LRU_ACTIVE_ANON]) {
    let scan = mm.lru.nrPages[l];
    // scan >>= priority as the kernel writes it (a list holds < 2^32 pages); 2 ** priority is a
    // pow() call
    if (priority || noswap) scan = Math.floor(((scan >>> priority) * percent) / 100);
    nr[l] = nrScanTryBatch(mm, scan, l);
  }
  let reclaimed = 0;
  // The loop condition leaves ACTIVE_ANON out: active anon is scanned only alongside inactive.
  while (nr[LRU_INACTIVE_ANON]) {
    for (const l of [LRU_INACTIVE_ANON, LRU_ACTIVE_ANON]) {
      if (!nr[l]) continue;
      const n = Math.min(nr[l], SWAP_CLUSTER_MAX);
      nr[l] -= n;
      reclaimed += shrinkList(mm, l, n);
    }
    if (already + reclaimed >= SWAP_CLUSTER_MAX && priority < DEF_PRIORITY) break;
  }
  if (inactiveAnonIsLow(mm) && !noswap) shrinkActiveList(mm, SWAP_CLUSTER_MAX);
  return reclaimed;
}

/**
 * get_scan_ratio(), mm/vmscan.c v2.6.33: the percentage of anon to scan, from swappiness and how
 * much of what was scanned recently turned out referenced (recent_rotated). The memcg has no
 * file pages, so the file side is (200 − swappiness + 1)·1/1.
 */
export function getScanRatio(mm: HostMm): number {
  const anon = mm.lru.nrPages[0] + mm.lru.nrPages[1];
  if (mm.recentScanned > anon / 4) {
    mm.recentScanned = Math.floor(mm.recentScanned / 2);
    mm.recentRotated = Math.floor(mm.recentRotated / 2);
  }
  const anonPrio = mm.cfg.swappiness;
  const filePrio = 200 - anonPrio;
  const ap = Math.floor(((anonPrio + 1) * (mm.recentScanned + 1)) / (mm.recentRotated + 1));
  const fp = filePrio + 1;
  return Math.floor((100 * ap) / (ap + fp + 1));
}

/** nr_scan_try_batch(), mm/vmscan.c v2.6.33: small scan targets accumulate until 32. */
function nrScanTryBatch(mm: HostMm, nr: number, l: number): number {
  mm.nrSavedScan[l] += nr;
  const saved = mm.nrSavedScan[l];
  if (saved >= SWAP_CLUSTER_MAX) {
    mm.nrSavedScan[l] = 0;
    return saved;
  }
  return 0;
}

/** shrink_list(), mm/vmscan.c v2.6.33. */
function shrinkList(mm: HostMm, l: number, n: number): number {
  if (l === LRU_ACTIVE_ANON) {
    if (inactiveAnonIsLow(mm)) shrinkActiveList(mm, n);
    return 0;
  }
  return shrinkInactiveList(mm, n);
}

/**
 * mem_cgroup_inactive_anon_is_low() with calc_inactive_ratio(), mm/memcontrol.c v2.6.33:
 * ratio int_sqrt(10·GB) of the group's anon, 1 below 1 GB.
 */
export function inactiveAnonIsLow(mm: HostMm): boolean {
  const inactive = mm.lru.nrPages[LRU_INACTIVE_ANON];
  const active = mm.lru.nrPages[LRU_ACTIVE_ANON];
  const gb = Math.floor((inactive + active) / 262144);
  const ratio = gb ? Math.floor(Math.sqrt(10 * gb)) : 1;
  return inactive * ratio < active;
}

/** isolate_lru_pages() from the tail of one list into mm.isolated. Returns entries taken. */
function isolate(mm: HostMm, l: number, max: number): number {
  let k = 0;
  while (k < max) {
    const g = mm.lru.tail(l);
    if (g < 0) break;
    mm.lru.del(l, g);
    mm.flags[g] &= ~PG_LRU;
    mm.isolated[k++] = g;
  }
  return k;
}

/**
 * shrink_active_list(), mm/vmscan.c v2.6.33: every anon page scanned goes to the inactive list,
 * referenced or not; page_referenced() is still called — and its side effect is the aging (young
 * bits cleared, and with the EPT patch the sptes unmapped). Referenced pages only feed
 * recent_rotated.
 */
export function shrinkActiveList(mm: HostMm, nrPages: number): void {
  const k = isolate(mm, LRU_ACTIVE_ANON, Math.min(nrPages, SWAP_CLUSTER_MAX));
  let taken = 0;
  let rotated = 0;
  const site = mm.events.site;
  mm.events.site = SITE.SHRINK_ACTIVE;
  for (let i = 0; i < k; i++) {
    const g = mm.isolated[i];
    const pages = mm.nrPages(g);
    taken += pages;
    // 2.6.34 (31c0569c3b0 "vmscan: drop page_mapping_inuse()"): page_referenced() alone
    const inuse = mm.cfg.kernel === '2.6.33' ? pageMappingInuse(mm, g) : true;
    if (inuse && pageReferenced(mm, g)) rotated += pages;
  }
  mm.c[C.pgrefill] += k;
  mm.recentScanned += taken;
  mm.recentRotated += rotated;
  for (let i = 0; i < k; i++) {
    const g = mm.isolated[i];
    if (mm.isHot(g)) mm.c[C.sim_hot_pages_deactivated]++;
    mm.flags[g] = (mm.flags[g] & ~PG_ACTIVE) | PG_LRU;
    mm.lru.addHead(LRU_INACTIVE_ANON, g);
    mm.c[C.pgdeactivate] += mm.nrPages(g);
    if (mm.events.on) mm.events.emit(EV.LRU_DEACTIVATE, g, 0);
  }
  mm.events.site = site;
}

/**
 * shrink_inactive_list(), mm/vmscan.c v2.6.33: isolate up to 32 from the inactive tail,
 * shrink_page_list() them, put back the survivors. Swap writeback completes at once: written
 * pages are rotated to the inactive tail (rotate_reclaimable_page, pgrotated) and freed by a
 * later scan, as in the kernel.
 */
export function shrinkInactiveList(mm: HostMm, maxScan: number): number {
  let scanned = 0;
  let reclaimed = 0;
  do {
    const k = isolate(mm, LRU_INACTIVE_ANON, SWAP_CLUSTER_MAX);
    if (k === 0) break;
    let taken = 0;
    for (let i = 0; i < k; i++) taken += mm.nrPages(mm.isolated[i]);
    // pgscan_kswapd for global reclaim only; memcg reclaim bumps no pgscan_* (v2.6.33)
    mm.c[mm.globalReclaim ? C.pgscan_kswapd : C.sim_pgscan_memcg] += k;
    mm.recentScanned += taken;
    mm.nrWritten = 0;
    const freed = shrinkPageList(mm, k);
    reclaimed += freed;
    mm.c[C.pgsteal] += freed;
    if (mm.globalReclaim) mm.c[C.kswapd_steal] += freed;
    for (let i = 0; i < k; i++) {
      const g = mm.isolated[i];
      if (g < 0) continue; // freed
      mm.flags[g] |= PG_LRU;
      if (mm.flags[g] & PG_ACTIVE) {
        mm.lru.addHead(LRU_ACTIVE_ANON, g);
        mm.recentRotated += mm.nrPages(g);
      } else {
        mm.lru.addHead(LRU_INACTIVE_ANON, g);
      }
    }
    for (let i = 0; i < mm.nrWritten; i++) {
      const g = mm.written[i];
      if (mm.flags[g] & PG_LRU && !(mm.flags[g] & PG_ACTIVE)) {
        mm.lru.del(LRU_INACTIVE_ANON, g);
        mm.lru.addTail(LRU_INACTIVE_ANON, g);
        mm.c[C.pgrotated]++;
      }
    }
    scanned += k;
  } while (scanned < maxScan);
  return reclaimed;
}

/**
 * shrink_page_list(), mm/vmscan.c v2.6.33, over mm.isolated[0..k). Freed entries are set to -1.
 * Order of checks as in the kernel: page_referenced → activate; add_to_swap (splitting a THP);
 * try_to_unmap (SWAP_FAIL → activate); dirty: referenced → keep, else pageout → keep;
 * clean → __remove_mapping → free. On a 2.6.34 host the first check is page_check_references()
 * (v2.6.34-rc1, dfc8d636cdb): young ptes → activate; only PG_referenced → PAGEREF_RECLAIM_CLEAN
 * (swap slot, unmapped, but a dirty page is kept instead of written); neither → reclaim.
 */
function shrinkPageList(mm: HostMm, k: number): number {
  let freed = 0;
  const site = mm.events.site;
  const k34 = mm.cfg.kernel !== '2.6.33';
  mm.scNrScanned += k;
  for (let i = 0; i < k; i++) {
    const g = mm.isolated[i];
    mm.events.site = SITE.SHRINK_PAGE_LIST;
    const referenced = pageReferenced(mm, g);
    let reclaimClean = false;
    if (k34) {
      // page_check_references(): page_referenced() for the ptes, then TestClearPageReferenced
      const referencedPage = (mm.flags[g] & PG_REFERENCED) !== 0;
      mm.flags[g] &= ~PG_REFERENCED;
      if (referenced) {
        activateLocked(mm, g); // PAGEREF_ACTIVATE: PageAnon
        continue;
      }
      reclaimClean = referencedPage;
    } else if (referenced && pageMappingInuse(mm, g)) {
      activateLocked(mm, g);
      continue;
    }
    mm.events.site = SITE.PAGEOUT;
    if (!(mm.flags[g] & PG_SWAPCACHE) && !addToSwap(mm, g)) {
      activateLocked(mm, g);
      continue;
    }
    mm.events.site = SITE.TRY_TO_UNMAP;
    const unmapped = !(mm.pte[g] & PTE_PRESENT) || tryToUnmap(mm, g) !== SWAP_FAIL;
    mm.events.site = SITE.PAGEOUT;
    if (!unmapped) {
      activateLocked(mm, g);
      continue;
    }
    if (mm.flags[g] & PG_DIRTY) {
      if (reclaimClean) {
        mm.c[C.sim_pageref_reclaim_clean]++;
        if (mm.events.on) mm.events.emit(EV.RECLAIM_CLEAN_KEEP, g, 0);
        continue; // keep_locked
      }
      if (!k34 && referenced) continue; // keep
      pageout(mm, g);
      continue; // keep: under writeback until it completes
    }
    removeMapping(mm, g);
    mm.isolated[i] = -1;
    freed++;
  }
  mm.events.site = site;
  return freed;
}

/** The activate_locked label of shrink_page_list(), v2.6.33. */
function activateLocked(mm: HostMm, g: number): void {
  // try_to_free_swap(): only when no swap pte still refers to the slot
  if (mm.flags[g] & PG_SWAPCACHE && mm.swap.vmSwapFull() && !(mm.pte[g] & PTE_SWAP)) {
    mm.swap.free(mm.swapSlot[g]);
    mm.swapSlot[g] = -1;
    mm.flags[g] &= ~PG_SWAPCACHE;
    mm.nrSwapcache--;
  }
  mm.flags[g] |= PG_ACTIVE;
  mm.c[C.pgactivate] += mm.nrPages(g);
  if (mm.events.on) mm.events.emit(EV.LRU_ACTIVATE, g, 1);
}

/**
 * add_to_swap(), mm/swap_state.c v2.6.33 (+ the THP split of v2.6.38): a swap slot, the page in
 * the swap cache and dirty. A THP is split first — this is where "breaking up actively used
 * hugepages" happens when aging cannot see that the guest uses them.
 */
function addToSwap(mm: HostMm, g: number): boolean {
  const slot = mm.swap.alloc(g);
  if (slot < 0) {
    mm.c[C.sim_swap_full]++;
    return false;
  }
  if (mm.flags[g] & PG_HEAD) splitHugePage(mm, g);
  mm.swapSlot[g] = slot;
  mm.flags[g] |= PG_SWAPCACHE | PG_DIRTY;
  mm.nrSwapcache++;
  return true;
}

/** pageout() → swap_writepage(), mm/vmscan.c and mm/page_io.c v2.6.33. */
function pageout(mm: HostMm, g: number): void {
  mm.c[C.pswpout]++;
  mm.passWrites++;
  mm.c[C.pgpgout] += 4;
  if (mm.isHot(g)) mm.c[C.sim_hot_pages_swapped_out]++;
  mm.flags[g] &= ~PG_DIRTY;
  if (mm.nrWritten < mm.written.length) mm.written[mm.nrWritten++] = g;
  if (mm.events.on) mm.events.emit(EV.SWAP_OUT, g, 0);
}

/**
 * __remove_mapping() → __delete_from_swap_cache(), mm/vmscan.c v2.6.33: the clean, unmapped page
 * leaves the swap cache and is freed; its slot stays, held by the swap pte.
 */
function removeMapping(mm: HostMm, g: number): void {
  mm.flags[g] = 0;
  mm.pcUsed[g] = 0;
  mm.nrSwapcache--;
  memCgroupUncharge(mm, 1);
  if (mm.events.on) mm.events.emit(EV.PAGE_FREE, g, 0);
}
