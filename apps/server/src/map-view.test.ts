import fc from 'fast-check';
import { CELLS_SHARES, CELLS_SINGLE } from '@agelab/protocol';
import { Comparison, classOf, getPreset } from '@agelab/sim-core';
import { describe, expect, it } from 'vitest';
import { CellView, RunMap, clampViewport, quantise } from './map-view.ts';

describe('quantise', () => {
  it('gives shares of 255 that sum to 255, at least 1 to every class with a page, none to an empty one', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 100_000 }), { minLength: 1, maxLength: 5 }), (counts) => {
        const total = counts.reduce((a, c) => a + c, 0);
        fc.pre(total > 255);
        const out = new Uint8Array(counts.length);
        quantise(counts, counts.length, total, out);
        expect(out.reduce((a, c) => a + c, 0)).toBe(255);
        counts.forEach((c, j) => expect(out[j] > 0).toBe(c > 0));
        // no share is further than one class's minimum plus one from its exact value
        counts.forEach((c, j) =>
          expect(Math.abs(out[j] - (c * 255) / total)).toBeLessThan(counts.length + 1),
        );
      }),
    );
  });
});

describe('cell views kept by difference', () => {
  it('equal a fresh recount after every publish, for single, exact and shared cells of every lens', () => {
    const cmp = new Comparison(getPreset('classic-thp'), ['always-old'], 4);
    cmp.runFor(3);
    const sim = cmp.sims[0];
    sim.events.setMode('sampled', { capacity: 16, kinds: [] });
    const dirty = sim.events.trackDirty(sim.guestPages);
    const map = new RunMap(sim.guestPages, 1000);
    let now = 0;
    map.update(sim, dirty, now);
    expect(map.full).toBe(true); // the first update, and a fresh dirty set, recompute it all
    const specs = [
      { from: 0, to: 65536, cells: 65536, lens: 0 }, // one page a cell
      { from: 1000, to: 61000, cells: 1000, lens: 4 }, // 60 pages a cell: counts
      { from: 0, to: 65536, cells: 77, lens: 2 }, // uneven cells of ~851 pages: shares
      { from: 513, to: 40_000, cells: 333, lens: 3 },
    ];
    const views = specs.map((s) => new CellView(s));
    for (const v of views) v.computeAll(map);
    expect(views[0].flags).toBe(CELLS_SINGLE);
    expect(views[1].flags).toBe(0);
    expect(views[2].flags).toBe(CELLS_SHARES);
    for (let step = 0; step < 12; step++) {
      cmp.runFor(0.25);
      now += 100; // a tenth of the refresh period: the sweep covers a tenth of the guest
      map.update(sim, dirty, now);
      for (const v of views) {
        const before = v.values.slice();
        const changed = v.update(map);
        const fresh = new CellView(v.spec);
        fresh.computeAll(map);
        expect(v.values).toEqual(fresh.values);
        // exactly the cells that differ are reported, ascending
        const per = v.per;
        const differ: number[] = [];
        for (let i = 0; i < v.spec.cells; i++)
          if (before.subarray(i * per, (i + 1) * per).some((x, j) => x !== v.values[i * per + j]))
            differ.push(i);
        expect([...changed]).toEqual(differ);
      }
    }
    // counts sum to the pages of each cell
    const v = views[1];
    for (let i = 0; i < v.spec.cells; i++)
      expect(v.values.subarray(i * 5, i * 5 + 5).reduce((a, c) => a + c, 0)).toBe(
        v.cellStart(i + 1) - v.cellStart(i),
      );
    // and single cells are the words' classes
    expect(views[0].values).toEqual(Uint8Array.from(map.words, (w) => classOf(w, 0)));
  });

  it('maps every gfn of a viewport to the cell that covers it', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 5000 }),
        (from, len, cells) => {
          const v = new CellView(
            clampViewport({ from, to: from + len, cells, lens: 1 }, 1 << 20, 1 << 20),
          );
          for (const g of [from, from + len - 1, from + Math.floor(len / 3)]) {
            const i = v.cellOf(g);
            expect(v.cellStart(i) <= g && g < v.cellStart(i + 1)).toBe(true);
          }
        },
      ),
    );
  });
});
