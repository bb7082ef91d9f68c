import { EV, SITE } from '@agelab/ept-model';
import { C } from '../counters.ts';
import type { HostMm } from './host-mm.ts';
import { LRU_UNCHARGED } from './lru.ts';
import { DEF_PRIORITY, SWAP_CLUSTER_MAX, shrinkZone } from './vmscan.ts';

/**
 * wakeup_kswapd(), mm/vmscan.c v2.6.33, from the page allocator when a zone falls below its low
 * watermark. kswapd runs on another CPU; here it runs when the allocating path is done (hvaToPfn,
 * khugepaged), see kswapd().
 */
export function wakeupKswapd(mm: HostMm): void {
  if (mm.freePages() < mm.wmark.low) mm.kswapdPending = true;
}

/**
 * kswapd → balance_pgdat(), mm/vmscan.c v2.6.33, on the host's one zone: reclaim until free
 * memory is back above the high watermark. The zone's inactive anon list holds the uncharged swap
 * cache that readahead brought in (read_swap_cache_async) next to the guest's charged pages; the
 * model takes the uncharged pages first, oldest first — clean, unmapped and in the swap cache,
 * shrink_page_list frees each at once (__remove_mapping) — and only then the guest's own lists,
 * with the memcg's rules (pgscan_kswapd, kswapd_steal). It runs in its own thread, off every vCPU:
 * its TLB flushes IPI every vCPU and its sleeps stall no guest.
 */
export function kswapd(mm: HostMm): void {
  mm.kswapdPending = false;
  if (mm.freePages() >= mm.wmark.high) return;
  mm.c[C.pageoutrun]++;
  const site = mm.events.site;
  const inVcpu = mm.kvm.inVcpuThread;
  mm.events.site = SITE.KSWAPD;
  mm.kvm.inVcpuThread = false;
  while (mm.freePages() < mm.wmark.high) {
    const g = mm.lru.tail(LRU_UNCHARGED);
    if (g >= 0) {
      freeUnchargedSwapCache(mm, g);
      continue;
    }
    // nothing uncharged left: shrink the guest's lists, priority 12 down to 0, as global reclaim
    mm.globalReclaim = true;
    let reclaimed = 0;
    for (let priority = DEF_PRIORITY; priority >= 0 && reclaimed < SWAP_CLUSTER_MAX; priority--)
      reclaimed += shrinkZone(mm, priority, reclaimed);
    mm.globalReclaim = false;
    if (reclaimed === 0) break; // nothing reclaimable: kswapd gives up until woken again
  }
  mm.kvm.inVcpuThread = inVcpu;
  mm.events.site = site;
}

/** shrink_page_list() → __remove_mapping() on an uncharged, clean, unmapped swap-cache page (v2.6.33). */
function freeUnchargedSwapCache(mm: HostMm, g: number): void {
  mm.lru.del(LRU_UNCHARGED, g);
  mm.flags[g] = 0;
  mm.nrUncharged--;
  mm.nrSwapcache--;
  mm.c[C.pgscan_kswapd]++;
  mm.c[C.pgsteal]++;
  mm.c[C.kswapd_steal]++;
  if (mm.events.on) mm.events.emit(EV.PAGE_FREE, g, 0);
}
