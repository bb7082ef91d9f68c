import { describe, expect, it } from 'vitest';
import { Comparison } from './comparison.ts';
import { PG_ACTIVE, PG_HEAD, PG_PRESENT, PG_SWAPCACHE, PG_TAIL } from './host/page-flags.ts';
import {
  BELIEF_FALSE_OLD,
  BELIEF_HOT_SWAPPED,
  HISTORY_CLASS_COUNT,
  HUGE_SPLIT,
  HUGE_THP_2M,
  RES_EPT_MAPPED,
  RES_SWAPPED,
  RES_UNTOUCHED,
  classOf,
  historyCounts,
  pageClasses,
} from './page-classes.ts';
import { getPreset } from './presets.ts';
import { parseScenario } from './scenario.ts';

const RESIDENCY = 0;
const LRU = 1;
const BELIEF = 2;
const HEAT = 3;
const HUGE = 4;

const count = (words: Uint16Array, lens: number, cls: number): number => {
  let n = 0;
  for (const w of words) if (classOf(w, lens) === cls) n++;
  return n;
};

/** The plain definition of residency and LRU, page by page, to hold the packed words to. */
function plainResidency(sim: Comparison['sims'][number], g: number): [number, number] {
  const h = sim.host;
  const fl = h.flags[g];
  const head = h.compoundHead(g);
  let res: number;
  if (fl & PG_PRESENT) {
    if (fl & PG_SWAPCACHE) res = 3;
    else res = sim.kvm.isMapped(g) ? RES_EPT_MAPPED : 2;
  } else res = h.swapSlot[g] >= 0 ? RES_SWAPPED : RES_UNTOUCHED;
  const lru = fl & PG_PRESENT ? (h.flags[head] & PG_ACTIVE ? 0 : 1) : 2;
  return [res, lru];
}

describe('page classes', () => {
  it('agree with the plain definition of residency and LRU on every page of classic and classic-thp', () => {
    for (const preset of ['classic', 'classic-thp']) {
      const cmp = new Comparison(getPreset(preset), ['always-old', 'unmap-emulation'], 3);
      cmp.runFor(6);
      for (const sim of cmp.sims) {
        const words = pageClasses(sim);
        let bad = -1;
        for (let g = 0; g < words.length && bad < 0; g++) {
          const [res, lru] = plainResidency(sim, g);
          if (classOf(words[g], RESIDENCY) !== res || classOf(words[g], LRU) !== lru) bad = g;
        }
        expect(bad, `${preset} ${sim.policy.name}: first page that differs`).toBe(-1);
      }
    }
  });

  it('show the bug: hot pages swapped out and false-old verdicts under always-old, none swapped under unmap-emulation', () => {
    const cmp = new Comparison(getPreset('classic'), ['always-old', 'unmap-emulation'], 1);
    // A hot page swapped out is faulted back soon: look at many moments, not one.
    const hotSwapped = [0, 0];
    const falseOld = [0, 0];
    for (let t = 6; t <= 20; t += 0.5) {
      cmp.runFor(0.5);
      cmp.sims.forEach((s, r) => {
        const w = pageClasses(s);
        hotSwapped[r] = Math.max(hotSwapped[r], count(w, BELIEF, BELIEF_HOT_SWAPPED));
        falseOld[r] = Math.max(falseOld[r], count(w, BELIEF, BELIEF_FALSE_OLD));
      });
    }
    expect(hotSwapped[0]).toBeGreaterThan(0);
    expect(falseOld[0]).toBeGreaterThan(0);
    expect(hotSwapped[1]).toBe(0);
    const [old, patched] = cmp.sims.map((s) => pageClasses(s));
    // every page is in exactly one class of each lens
    for (let lens = 0; lens < 5; lens++) {
      let total = 0;
      for (let c = 0; c < 5; c++) total += count(old, lens, c);
      expect(total).toBe(old.length);
    }
    // the heat lens finds the hot set: recently touched pages are many, and not the whole guest
    const recent = count(patched, HEAT, 0) + count(patched, HEAT, 1);
    expect(recent).toBeGreaterThan(4000);
    expect(recent).toBeLessThan(patched.length / 2);
  });

  it('mark THP frames mapped at 2M, and split frames once reclaim breaks them up', () => {
    const s = parseScenario({
      name: 'p',
      guest: { memoryMiB: 8 },
      host: { memcgLimitMiB: 16, swapMiB: 8 },
      thp: { enabled: true },
      boot: false,
      workload: { type: 'scan', sizeMiB: 2 },
    });
    const cmp = new Comparison(s, ['unmap-emulation'], 1);
    const before = pageClasses(cmp.sims[0]);
    expect(count(before, RESIDENCY, RES_UNTOUCHED)).toBe(2048);
    cmp.step(10);
    const after = pageClasses(cmp.sims[0]);
    expect(classOf(after[0], HUGE)).toBe(HUGE_THP_2M);
    expect(classOf(after[511], HUGE)).toBe(HUGE_THP_2M);
    expect(classOf(after[512], HUGE)).toBe(0);

    const thp = new Comparison(getPreset('classic-thp'), ['always-old'], 1);
    thp.runFor(15);
    const words = pageClasses(thp.sims[0]);
    const h = thp.sims[0].host;
    const split = count(words, HUGE, HUGE_SPLIT);
    expect(split).toBeGreaterThan(0);
    // a split frame holds no THP any more
    for (let g = 0; g < words.length; g++)
      if (classOf(words[g], HUGE) === HUGE_SPLIT)
        expect(h.flags[g] & (PG_HEAD | PG_TAIL), `gfn ${g}`).toBe(0);
  });

  it('history counts are the class counts of each address bucket', () => {
    const cmp = new Comparison(getPreset('classic'), ['always-old'], 2);
    cmp.runFor(12);
    const sim = cmp.sims[0];
    const buckets = 64;
    const counts = new Uint32Array(HISTORY_CLASS_COUNT * buckets);
    historyCounts(sim, buckets, counts);
    const words = pageClasses(sim);
    const per = Math.ceil(words.length / buckets);
    for (const b of [0, 17, 63]) {
      const slice = words.subarray(b * per, (b + 1) * per);
      expect(counts[b]).toBe(count(slice, RESIDENCY, RES_SWAPPED));
      expect(counts[buckets + b]).toBe(count(slice, BELIEF, BELIEF_HOT_SWAPPED));
      expect(counts[2 * buckets + b]).toBe(count(slice, RESIDENCY, 2));
    }
    expect(counts.subarray(0, buckets).reduce((a, c) => a + c, 0)).toBe(
      count(words, RESIDENCY, RES_SWAPPED),
    );
  });

  it('every page whose residency, LRU or hugepage class changes is one the event log marked dirty', () => {
    for (const preset of ['classic', 'classic-thp']) {
      const cmp = new Comparison(getPreset(preset), ['always-old', 'unmap-emulation'], 5);
      cmp.runFor(4);
      cmp.setEventMode('sampled', { capacity: 16, kinds: [] });
      for (const sim of cmp.sims) sim.events.trackDirty(sim.guestPages).take();
      // Short steps, as between two publishes: the dirty list stays within its bound.
      const changed = [0, 0];
      for (let step = 0; step < 8; step++) {
        const before = cmp.sims.map((s) => pageClasses(s));
        cmp.runFor(0.1);
        cmp.sims.forEach((sim, r) => {
          const after = pageClasses(sim);
          const taken = sim.events.dirty!.take();
          expect(taken.all).toBe(false);
          const dirty = new Set(taken.pages.subarray(0, taken.count));
          let missed = -1;
          for (let g = 0; g < after.length && missed < 0; g++) {
            const stateless = (w: number) => w & ~(0o77 << 6); // drop belief (bits 6-8) and heat (9-11)
            if (stateless(before[r][g]) === stateless(after[g])) continue;
            changed[r]++;
            if (!dirty.has(g)) missed = g;
          }
          expect(missed, `${preset} ${sim.policy.name}: a changed page not marked dirty`).toBe(-1);
        });
      }
      expect(changed[0]).toBeGreaterThan(0);
      expect(changed[1]).toBeGreaterThan(0);
    }
  });
});
