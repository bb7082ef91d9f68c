import { describe, expect, it } from 'vitest';
import { randomLcg, randomNormal } from 'd3';
import {
  decimate,
  extentInWindow,
  formatSeconds,
  formatValue,
  lastAtOrBefore,
  nearestIndex,
  withUnit,
} from './plot';

const at = Float64Array.from([0, 0.1, 0.2, 0.3, 0.4]);

describe('nearest-point lookup for hover', () => {
  it('finds the last point at or before a time', () => {
    expect(lastAtOrBefore(at, -1)).toBe(-1);
    expect(lastAtOrBefore(at, 0)).toBe(0);
    expect(lastAtOrBefore(at, 0.25)).toBe(2);
    expect(lastAtOrBefore(at, 9)).toBe(4);
    expect(lastAtOrBefore(at, 0.25, 2)).toBe(1);
  });

  it('finds the nearest point, the earlier on a tie, none beyond maxDistance', () => {
    expect(nearestIndex(at, 0.14)).toBe(1);
    expect(nearestIndex(at, 0.16)).toBe(2);
    expect(nearestIndex(Float64Array.from([0, 1]), 0.5)).toBe(0);
    expect(nearestIndex(at, -5)).toBe(0);
    expect(nearestIndex(at, 5)).toBe(4);
    expect(nearestIndex(at, 5, at.length, 0.5)).toBe(-1);
    expect(nearestIndex(at, 0.1, 0)).toBe(-1);
    expect(nearestIndex(at, NaN)).toBe(-1);
  });

  it('skips gap points (NaN times)', () => {
    const gappy = Float64Array.from([0, 0.1, NaN, NaN, 0.4, 0.5]);
    expect(lastAtOrBefore(gappy, 0.3)).toBe(1);
    expect(nearestIndex(gappy, 0.3)).toBe(4);
    expect(nearestIndex(gappy, 0.2)).toBe(1);
    expect(lastAtOrBefore(gappy, 0.45)).toBe(4);
  });

  it('agrees with a linear scan on random sorted data', () => {
    const rnd = randomLcg(42);
    const n = 500;
    const ts = new Float64Array(n);
    let t = 0;
    for (let i = 0; i < n; i++) ts[i] = t += rnd() * 0.2;
    for (let k = 0; k < 200; k++) {
      const q = rnd() * (t + 2) - 1;
      let best = 0;
      for (let i = 1; i < n; i++) if (Math.abs(ts[i] - q) < Math.abs(ts[best] - q)) best = i;
      expect(nearestIndex(ts, q)).toBe(best);
    }
  });
});

describe('per-pixel decimation', () => {
  it('keeps every point when there are few', () => {
    const v = Float64Array.from([1, 2, 3, 4, 5]);
    expect(decimate(at, v, 5, 0, 0.4, 100)).toEqual([0, 1, 2, 3, 4]);
    expect(decimate(at, v, 5, 0.15, 0.25, 100)).toEqual([1, 2, 3]);
    expect(decimate(at, v, 0, 0, 1, 100)).toEqual([]);
  });

  it('keeps first, min, max and last of each pixel column of a 1,000,000-point series', () => {
    const n = 1_000_000;
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    const noise = randomNormal.source(randomLcg(42))(0, 1);
    for (let i = 0; i < n; i++) {
      ts[i] = i / 1000;
      vs[i] = Math.sin(i / 20000) * 100 + noise();
    }
    vs[654_321] = 1e6; // one spike must survive
    const ids = decimate(ts, vs, n, 0, 1000, 800);
    expect(ids.length).toBeLessThanOrEqual(800 * 4 + 2);
    expect(ids.length).toBeGreaterThan(800 * 2);
    expect(ids).toContain(654_321);
    for (let k = 1; k < ids.length; k++) expect(ids[k]).toBeGreaterThan(ids[k - 1]);
    expect(ids[0]).toBe(0);
    expect(ids[ids.length - 1]).toBe(n - 1);
  });

  it('keeps gap points so the line breaks there', () => {
    const n = 10_000;
    const ts = Float64Array.from({ length: n }, (_, i) => i);
    const vs = Float64Array.from({ length: n }, (_, i) => (i === 5000 ? NaN : i));
    expect(decimate(ts, vs, n, 0, n, 100)).toContain(5000);
  });
});

describe('extent in a window', () => {
  it('spans the finite values drawn in the window, with one neighbour either side', () => {
    const v = Float64Array.from([5, -1, NaN, 7, 2]);
    expect(extentInWindow(at, v, 5, 0, 0.4)).toEqual([-1, 7]);
    expect(extentInWindow(at, v, 5, 0.3, 0.4)).toEqual([2, 7]);
    expect(extentInWindow(at, v, 5, 0, 0.05)).toEqual([-1, 5]);
    // Between two points: the neighbours either side (one is a gap).
    expect(extentInWindow(at, v, 5, 0.21, 0.22)).toEqual([7, 7]);
    expect(extentInWindow(at, v, 0, 0, 1)).toBeNull();
  });
});

describe('formatting', () => {
  it('formats simulated time as the slider and tooltips say it', () => {
    expect(formatSeconds(12.4)).toBe('12.4 s');
    expect(formatSeconds(0)).toBe('0.0 s');
    expect(formatSeconds(123.45)).toBe('123 s');
    expect(formatSeconds(NaN)).toBe('–');
  });
  it('formats values compactly, with their unit', () => {
    expect(formatValue(12345)).toBe('12,345');
    expect(formatValue(2_500_000)).toBe('2.5M');
    expect(formatValue(0.01234)).toBe('0.0123');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(NaN)).toBe('–');
    expect(withUnit(1234, '/s')).toBe('1,234/s');
    expect(withUnit(20, 'pages')).toBe('20 pages');
  });
});
