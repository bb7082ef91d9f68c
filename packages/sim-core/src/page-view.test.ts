import { describe, expect, it } from 'vitest';
import { Comparison } from './comparison.ts';
import {
  PV_ACTIVE,
  PV_EPT_2M,
  PV_EPT_MAPPED,
  PV_HOST_YOUNG,
  PV_HOT,
  PV_SWAPCACHE,
  PV_RESIDENCY_MASK,
  PV_RESIDENT,
  PV_SWAPPED,
  PV_THP,
  PV_UNTOUCHED,
  pageView,
} from './page-view.ts';
import { getPreset } from './presets.ts';
import {
  PG_ACTIVE,
  PG_HEAD,
  PG_PRESENT,
  PG_REFERENCED,
  PG_SWAPCACHE,
  PG_TAIL,
  PTE_YOUNG,
} from './host/page-flags.ts';
import { parseScenario } from './scenario.ts';

describe('pageView', () => {
  it('tells resident, swapped and untouched pages apart, and marks the hot set', () => {
    const base = getPreset('classic');
    const cmp = new Comparison(base, ['ept-ad-bits'], 1);
    cmp.runFor(10);
    const v = new Uint8Array(cmp.sims[0].guestPages);
    pageView(cmp.sims[0], v);
    const hot = v.subarray(16384, 24576);
    expect(
      hot.every((b) => (b & PV_RESIDENCY_MASK) === PV_RESIDENT && (b & PV_EPT_MAPPED) !== 0),
    ).toBe(true);
    expect(hot.filter((b) => (b & PV_HOT) !== 0).length).toBeGreaterThan(8000);
    expect(v.filter((b) => (b & PV_RESIDENCY_MASK) === PV_SWAPPED).length).toBeGreaterThan(20_000);
    expect(v.some((b) => (b & PV_ACTIVE) !== 0)).toBe(true);
  });

  it('does not depend on the event mode', () => {
    const a = new Comparison(getPreset('classic'), ['unmap-emulation'], 1);
    const b = new Comparison(getPreset('classic'), ['unmap-emulation'], 1, { eventMode: 'all' });
    a.runFor(2);
    b.runFor(2);
    const va = new Uint8Array(a.sims[0].guestPages);
    const vb = new Uint8Array(b.sims[0].guestPages);
    pageView(a.sims[0], va);
    pageView(b.sims[0], vb);
    expect(va.every((v, i) => v === vb[i])).toBe(true);
  });

  it('marks THP-backed pages and 2M mappings; an untouched guest is all zero', () => {
    const s = parseScenario({
      name: 'p',
      guest: { memoryMiB: 8 },
      host: { memcgLimitMiB: 16, swapMiB: 8 },
      thp: { enabled: true },
      boot: false,
      workload: { type: 'scan', sizeMiB: 2 },
    });
    const cmp = new Comparison(s, ['unmap-emulation'], 1);
    const v = new Uint8Array(2048);
    pageView(cmp.sims[0], v);
    expect(v.every((b) => b === PV_UNTOUCHED)).toBe(true);
    cmp.step(10);
    pageView(cmp.sims[0], v);
    expect(v[0] & (PV_THP | PV_EPT_2M)).toBe(PV_THP | PV_EPT_2M);
    expect(v[511] & PV_THP).toBe(PV_THP);
    expect(v[512]).toBe(PV_UNTOUCHED);
  });
});

/** The plain definition of each bit, page by page, to hold the fast pageView to. */
function reference(sim: Comparison['sims'][number], g: number): number {
  const h = sim.host;
  const k = sim.kvm;
  const fl = h.flags[g];
  const head = h.compoundHead(g);
  let v: number;
  if (fl & PG_PRESENT) v = fl & PG_SWAPCACHE ? PV_SWAPCACHE : PV_RESIDENT;
  else v = h.swapSlot[g] >= 0 ? PV_SWAPPED : PV_UNTOUCHED;
  if (h.flags[head] & PG_ACTIVE) v |= PV_ACTIVE;
  if (k.spte2m[g >>> 9] & 1) v |= PV_EPT_MAPPED | PV_EPT_2M;
  else if (k.spte4k[g] & 1) v |= PV_EPT_MAPPED;
  const t = h.touchedAt(g);
  if (t !== 0 && h.now + 1 - t < h.cfg.hotWindowRefs) v |= PV_HOT;
  if (h.flags[head] & PG_REFERENCED || h.pte[head] & PTE_YOUNG) v |= PV_HOST_YOUNG;
  if (fl & (PG_HEAD | PG_TAIL)) v |= PV_THP;
  return v;
}

describe('pageView against the plain definition of its bits', () => {
  for (const preset of ['classic', 'classic-thp']) {
    it(`agrees on every page of ${preset}`, () => {
      const cmp = new Comparison(getPreset(preset), ['always-old', 'ept-ad-bits'], 3);
      cmp.runFor(6);
      for (const sim of cmp.sims) {
        const v = new Uint8Array(sim.guestPages);
        pageView(sim, v);
        let bad = -1;
        for (let g = 0; g < v.length && bad < 0; g++) if (v[g] !== reference(sim, g)) bad = g;
        expect(bad, `${sim.policy.name}: first page that differs`).toBe(-1);
      }
    });
  }
});
