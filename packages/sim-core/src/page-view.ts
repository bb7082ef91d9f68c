import { SPTE_PRESENT } from '@agelab/ept-model';
import {
  HPAGE_SHIFT,
  PG_ACTIVE,
  PG_HEAD,
  PG_PRESENT,
  PG_REFERENCED,
  PG_SWAPCACHE,
  PG_TAIL,
  PTE_YOUNG,
} from './host/page-flags.ts';
import type { Simulation } from './simulation.ts';

/**
 * One byte per guest page for the per-page views: what the host believes and what is true.
 * bits 0-1 residency (PV_UNTOUCHED, PV_RESIDENT, PV_SWAPCACHE, PV_SWAPPED)
 */
export const PV_UNTOUCHED = 0;
export const PV_RESIDENT = 1;
export const PV_SWAPCACHE = 2;
export const PV_SWAPPED = 3;
export const PV_RESIDENCY_MASK = 3;
/** on the active anon list */
export const PV_ACTIVE = 4;
/** guest can reach it without an exit (a present spte, 4K or 2M) */
export const PV_EPT_MAPPED = 8;
/** mapped by a 2M spte */
export const PV_EPT_2M = 16;
/** ground truth: touched within the hot window */
export const PV_HOT = 32;
/** the host would call it referenced now (PG_referenced or a young pte) */
export const PV_HOST_YOUNG = 64;
/** backed by a transparent hugepage */
export const PV_THP = 128;

/**
 * Fill `out` (length ≥ guest pages) with the view byte of every page. One pass over the typed
 * arrays with everything hoisted: a 1M-page guest is a few milliseconds, and the server does this
 * for every publish.
 */
export function pageView(sim: Simulation, out: Uint8Array): void {
  const h = sim.host;
  const n = h.n;
  const flags = h.flags;
  const pte = h.pte;
  const slot = h.swapSlot;
  const touch = h.lastTouch;
  const spte4k = sim.kvm.spte4k;
  const spte2m = sim.kvm.spte2m;
  // lastTouch holds reference index + 1 − touchEpoch; hot means within the window
  const hotFrom = h.now + 1 - h.cfg.hotWindowRefs - h.touchEpoch;
  for (let g = 0; g < n; g++) {
    const fl = flags[g];
    let v: number;
    if (fl & PG_PRESENT) v = fl & PG_SWAPCACHE ? PV_SWAPCACHE : PV_RESIDENT;
    else v = slot[g] >= 0 ? PV_SWAPPED : PV_UNTOUCHED;
    let hf = fl;
    let young = pte[g] & PTE_YOUNG;
    if (fl & PG_TAIL) {
      const head = (g >>> HPAGE_SHIFT) << HPAGE_SHIFT;
      hf = flags[head];
      young = pte[head] & PTE_YOUNG;
    }
    if (hf & PG_ACTIVE) v |= PV_ACTIVE;
    if (spte2m[g >>> HPAGE_SHIFT] & SPTE_PRESENT) v |= PV_EPT_MAPPED | PV_EPT_2M;
    else if (spte4k[g] & SPTE_PRESENT) v |= PV_EPT_MAPPED;
    const t = touch[g];
    if (t !== 0 && t > hotFrom) v |= PV_HOT;
    if (hf & PG_REFERENCED || young) v |= PV_HOST_YOUNG;
    if (fl & (PG_HEAD | PG_TAIL)) v |= PV_THP;
    out[g] = v;
  }
}
