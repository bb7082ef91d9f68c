import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RMAP_EXT, RmapTable } from './rmap.ts';

describe('RmapTable (rmap_add / rmap_remove, arch/x86/kvm/mmu.c v2.6.33)', () => {
  it('stores a single spte in the head word without allocating a descriptor', () => {
    const r = new RmapTable(4);
    expect(r.add(2, 7)).toBe(0);
    expect(r.first(2)).toBe(7);
    expect(r.liveDescs).toBe(0);
    expect(r.remove(2, 7)).toBe(0);
    expect(r.first(2)).toBe(-1);
  });

  it('allocates one descriptor on the 1→2 transition and another per RMAP_EXT more sptes', () => {
    const r = new RmapTable(1);
    const allocs = [];
    for (let s = 0; s < 2 + RMAP_EXT; s++) allocs.push(r.add(0, s));
    // 0→1 none; 1→2 one; 3rd and 4th fill desc 1; 5th chains desc 2; 6th fills it
    expect(allocs).toEqual([0, 1, 0, 0, 1, 0]);
    expect(r.liveDescs).toBe(2);
    expect(r.count(0)).toBe(6);
  });

  it('keeps a descriptor holding one spte: the head does not collapse back to a single pointer', () => {
    const r = new RmapTable(1);
    r.add(0, 1);
    r.add(0, 2);
    expect(r.remove(0, 1)).toBe(0);
    expect(r.liveDescs).toBe(1);
    expect(r.head[0]).toBeLessThan(0);
    expect(r.first(0)).toBe(2);
    expect(r.remove(0, 2)).toBe(1);
    expect(r.head[0]).toBe(0);
    expect(r.liveDescs).toBe(0);
  });

  it('refuses to remove an spte that is not there, as the kernel BUG()s', () => {
    const r = new RmapTable(2);
    expect(() => r.remove(0, 1)).toThrow(/empty rmap/);
    r.add(1, 3);
    expect(() => r.remove(1, 4)).toThrow(/holds spte 3/);
  });

  it('matches a set model under any sequence of adds and removes, and frees every descriptor it allocates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 11 })), { maxLength: 200 }),
        (ops) => {
          const r = new RmapTable(1, 1);
          const model = new Set<number>();
          let allocs = 0;
          let frees = 0;
          for (const [add, spte] of ops) {
            if (add && !model.has(spte)) {
              allocs += r.add(0, spte);
              model.add(spte);
            } else if (!add && model.has(spte)) {
              frees += r.remove(0, spte);
              model.delete(spte);
            }
            expect(new Set(r.sptes(0))).toEqual(model);
            expect(allocs - frees).toBe(r.liveDescs);
          }
          for (const s of [...model]) frees += r.remove(0, s);
          expect(allocs).toBe(frees);
          expect(r.head[0]).toBe(0);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
