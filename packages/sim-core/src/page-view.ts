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

/** Residency by (present | swapcache << 1 | holds a swap slot << 2). */
const RESIDENCY = Uint8Array.from([
  PV_UNTOUCHED, // not present, no slot
  PV_RESIDENT,
  PV_UNTOUCHED, // (swapcache without present does not occur)
  PV_SWAPCACHE,
  PV_SWAPPED, // not present, slot: swapped out
  PV_RESIDENT, // present with a slot (after try_to_free_swap was skipped)
  PV_SWAPPED,
  PV_SWAPCACHE,
]);

/**
 * Fill `out` (length ≥ guest pages) with the view byte of every page. One pass over the typed
 * arrays, mostly branch-free (page states are mixed at random, so branches mispredict): the
 * server does this for every publish, and a 1M-page guest takes a few milliseconds.
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
  // lastTouch holds reference index + 1 − touchEpoch (0 = never): hot means within the window
  const hotFrom = Math.max(0, h.now + 1 - h.cfg.hotWindowRefs - h.touchEpoch);
  // Imported constants are module bindings; copied into locals they are plain constants to the
  // JIT (measured: a third faster).
  const TAIL = PG_TAIL;
  const PRESENT = PG_PRESENT;
  const SWAPCACHE = PG_SWAPCACHE;
  const ACTIVE = PG_ACTIVE;
  const REFERENCED = PG_REFERENCED;
  const COMPOUND = PG_HEAD | PG_TAIL;
  const TO_ACTIVE = PV_ACTIVE / PG_ACTIVE;
  const MAPPED = PV_EPT_MAPPED;
  const MAPPED_2M = PV_EPT_MAPPED | PV_EPT_2M;
  const HOT = PV_HOT;
  const HOST_YOUNG = PV_HOST_YOUNG;
  const THP = PV_THP;
  const YOUNG = PTE_YOUNG;
  const SPTE = SPTE_PRESENT;
  const SHIFT = HPAGE_SHIFT;
  const residency = RESIDENCY;
  for (let g = 0; g < n; g++) {
    const fl = flags[g];
    let hf = fl; // the struct page that is on the LRU: the head, for a THP tail
    let young = pte[g];
    if (fl & TAIL) {
      const head = (g >>> SHIFT) << SHIFT;
      hf = flags[head];
      young = pte[head];
    }
    const res = (fl & PRESENT) | ((fl & SWAPCACHE) >>> 3) | ((~slot[g] >>> 31) << 2);
    let v =
      residency[res] |
      ((hf & ACTIVE) * TO_ACTIVE) |
      ((spte2m[g >>> SHIFT] & SPTE) * MAPPED_2M) |
      ((spte4k[g] & SPTE) * MAPPED);
    if (touch[g] > hotFrom) v |= HOT;
    if ((hf & REFERENCED) | (young & YOUNG)) v |= HOST_YOUNG;
    if (fl & COMPOUND) v |= THP;
    out[g] = v;
  }
}
