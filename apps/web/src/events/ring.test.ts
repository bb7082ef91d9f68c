import { describe, expect, it } from 'vitest';
import { EventRing, type EventColumns } from './ring.ts';

const cols = (ats: number[], gfnBase = 0): EventColumns => ({
  kind: Uint8Array.from(ats.map((_, i) => i % 3)),
  gfn: Uint32Array.from(ats.map((_, i) => gfnBase + i)),
  arg: Int32Array.from(ats.map((_, i) => -i)),
  at: Float64Array.from(ats),
  path: Uint16Array.from(ats.map((_, i) => i * 7)),
});

const rowsAt = (r: EventRing): number[] =>
  Array.from({ length: r.size }, (_, i) => r.at[r.slot(i)]);

describe('the event ring', () => {
  it('keeps rows oldest first with every column and its run', () => {
    const r = new EventRing(8);
    r.push(1, cols([10, 11, 12], 100));
    r.push(0, cols([13], 200));
    expect(r.size).toBe(4);
    expect(rowsAt(r)).toEqual([10, 11, 12, 13]);
    const s = r.slot(2);
    expect([r.kind[s], r.run[s], r.gfn[s], r.arg[s], r.path[s]]).toEqual([2, 1, 102, -2, 14]);
    expect(r.run[r.slot(3)]).toBe(0);
  });

  it('overwrites the oldest rows when full and counts them', () => {
    const r = new EventRing(5);
    r.push(0, cols([1, 2, 3, 4]));
    r.push(0, cols([5, 6, 7]));
    expect(r.size).toBe(5);
    expect(r.overwritten).toBe(2);
    expect(rowsAt(r)).toEqual([3, 4, 5, 6, 7]);
    r.push(0, cols(Array.from({ length: 12 }, (_, i) => 100 + i)));
    expect(rowsAt(r)).toEqual([107, 108, 109, 110, 111]);
    expect(r.overwritten).toBe(14);
  });

  it('drops the rows at or after a reference, across the wrap, keeping the order', () => {
    const r = new EventRing(6);
    r.push(0, cols([1, 2, 3, 4, 5]));
    r.push(1, cols([3.5, 6, 7])); // wraps: physical order no longer matches row order
    expect(rowsAt(r)).toEqual([3, 4, 5, 3.5, 6, 7]);
    expect(r.dropFrom(4)).toBe(4);
    expect(rowsAt(r)).toEqual([3, 3.5]);
    expect(Array.from({ length: r.size }, (_, i) => r.run[r.slot(i)])).toEqual([0, 1]);
    r.push(0, cols([4, 5]));
    expect(rowsAt(r)).toEqual([3, 3.5, 4, 5]);
  });

  it('filters 100,000 rows into row numbers', () => {
    const r = new EventRing(100_000);
    r.push(0, cols(Array.from({ length: 150_000 }, (_, i) => i)));
    const { rows, n } = r.filter((s) => r.kind[s] === 1);
    expect(n).toBe(33_333);
    expect(r.kind[r.slot(rows[0])]).toBe(1);
    expect(r.at[r.slot(rows[n - 1])]).toBe(149_998);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new EventRing(0)).toThrow(/capacity: 0 is not a positive integer/);
  });
});
