import { describe, expect, it } from 'vitest';
import { HalvingSeries } from './halving-series.ts';

describe('a halving series', () => {
  it('keeps points at multiples of its interval, halves when full, and says so in its epoch', () => {
    const s = new HalvingSeries(10, 4, 2, new Float64Array(8));
    for (let ref = 0; ref <= 30; ref += 10) s.add(ref)?.set([ref, -ref]);
    expect(s.add(25)).toBeNull(); // not on the interval
    expect(s.add(30)).toBeNull(); // not after the last point
    expect(s.length).toBe(4);
    const epoch = s.epoch;
    s.add(40)?.set([40, -40]); // full: every other point goes, the interval doubles
    expect(s.every).toBe(20);
    expect(s.epoch).toBe(epoch + 1);
    expect(Array.from({ length: s.length }, (_, i) => s.refAt(i))).toEqual([0, 20, 40]);
    expect(Array.from(s.row(1))).toEqual([20, -20]);
    expect(s.add(50)).toBeNull();
    s.truncateAfter(20);
    expect(s.length).toBe(2);
    expect(s.epoch).toBe(epoch + 2);
    const copy = new HalvingSeries(10, 4, 2, new Float64Array(8));
    copy.copyUpTo(s, 0);
    expect(copy.every).toBe(20);
    expect(copy.length).toBe(1);
    copy.atLeast(80);
    expect(copy.every).toBe(80);
  });
});
