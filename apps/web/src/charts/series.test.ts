import { describe, expect, it } from 'vitest';
import {
  applyHistoryFrame,
  applySeriesFrame,
  createHistoryBuffer,
  createSeriesBuffer,
  historyView,
  placeFrame,
  seriesColumn,
  seriesIndex,
} from './series';

const RATE = 1000; // references per simulated second

/** A SERIES frame of width 2 whose points are at refs `refs`, values [10·i, −i] for point i. */
function frame(first: number, refs: number[], reset = false) {
  const values = new Float64Array(refs.length * 2);
  refs.forEach((_, k) => {
    values[2 * k] = 10 * (first + k);
    values[2 * k + 1] = -(first + k);
  });
  return { reset, first, step: 0.1, width: 2, at: Float64Array.from(refs), values };
}

describe('series accumulation from SERIES frames', () => {
  it('appends frames whose first is the next point, in simulated seconds', () => {
    const buf = createSeriesBuffer(2);
    applySeriesFrame(buf, frame(0, [0, 100, 200]), RATE);
    applySeriesFrame(buf, frame(3, [300, 400]), RATE);
    const a = seriesColumn(buf, 0);
    const b = seriesColumn(buf, 1);
    expect([...a.at]).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect([...a.values]).toEqual([0, 10, 20, 30, 40]);
    expect([...b.values]).toEqual([-0, -1, -2, -3, -4]);
    expect(buf.version).toBe(2);
    expect(buf.step).toBe(0.1);
  });

  it('replaces everything on reset (late join, seek back, coarsening)', () => {
    const buf = createSeriesBuffer(2);
    applySeriesFrame(buf, frame(0, [0, 100, 200, 300]), RATE);
    applySeriesFrame(buf, frame(7, [700, 800], true), RATE);
    expect(buf.count).toBe(2);
    expect([...seriesColumn(buf, 0).at]).toEqual([0.7, 0.8]);
    expect([...seriesColumn(buf, 0).values]).toEqual([70, 80]);
  });

  it('replaces points from first on when a frame overlaps, dropping later ones', () => {
    const buf = createSeriesBuffer(2);
    applySeriesFrame(buf, frame(0, [0, 100, 200, 300, 400]), RATE);
    const f = frame(2, [250]);
    f.values[0] = 99;
    applySeriesFrame(buf, f, RATE);
    expect(buf.count).toBe(3);
    expect([...seriesColumn(buf, 0).values]).toEqual([0, 10, 99]);
    expect([...seriesColumn(buf, 0).at]).toEqual([0, 0.1, 0.25]);
  });

  it('holds a gap as NaN values (lines break; nothing is invented)', () => {
    const buf = createSeriesBuffer(2);
    applySeriesFrame(buf, frame(0, [0, 100]), RATE);
    applySeriesFrame(buf, frame(4, [400]), RATE);
    const { at, values } = seriesColumn(buf, 0);
    expect(buf.count).toBe(5);
    expect(values[2]).toBeNaN();
    expect(values[3]).toBeNaN();
    expect(values[4]).toBe(40);
    expect(at[2]).toBeCloseTo(0.2, 9);
    expect(at[3]).toBeCloseTo(0.3, 9);
  });

  it('grows past its initial capacity without losing points', () => {
    const buf = createSeriesBuffer(2);
    for (let k = 0; k < 100; k++)
      applySeriesFrame(
        buf,
        frame(
          k * 10,
          Array.from({ length: 10 }, (_, i) => (k * 10 + i) * 100),
        ),
        RATE,
      );
    const { at, values } = seriesColumn(buf, 0);
    expect(buf.count).toBe(1000);
    expect(at[999]).toBeCloseTo(99.9, 9);
    expect(values[999]).toBe(9990);
    expect(values[0]).toBe(0);
  });

  it('refuses frames of another width and a rate that is not positive', () => {
    const buf = createSeriesBuffer(3);
    expect(() => applySeriesFrame(buf, frame(0, [0]), RATE)).toThrow(/width 2, buffer holds 3/);
    expect(() => applySeriesFrame(createSeriesBuffer(2), frame(0, [0]), 0)).toThrow(/invalid rate/);
    expect(() => seriesColumn(buf, 3)).toThrow(/no series 3/);
  });

  it('places frames by the rules: reset at 0, overlap at first, gap after the held points', () => {
    expect(placeFrame(10, { reset: true, first: 5 })).toEqual({ start: 0, gap: 0 });
    expect(placeFrame(10, { reset: false, first: 4 })).toEqual({ start: 4, gap: 0 });
    expect(placeFrame(10, { reset: false, first: 10 })).toEqual({ start: 10, gap: 0 });
    expect(placeFrame(10, { reset: false, first: 13 })).toEqual({ start: 10, gap: 3 });
  });

  it('finds a series by its kernel name', () => {
    const names = [{ name: 'pgmajfault' }, { name: 'pf_fixed' }];
    expect(seriesIndex(names, 'pf_fixed')).toBe(1);
    expect(seriesIndex(names, 'nope')).toBe(-1);
  });
});

describe('history accumulation from MAP_HISTORY frames', () => {
  /** points × 2 classes × 3 buckets; share = 10·point + 3·class + bucket. */
  function hframe(first: number, points: number, reset = false) {
    const shares = new Uint8Array(points * 6);
    for (let p = 0; p < points; p++)
      for (let c = 0; c < 2; c++)
        for (let b = 0; b < 3; b++) shares[p * 6 + c * 3 + b] = 10 * (first + p) + 3 * c + b;
    const at = Float64Array.from({ length: points }, (_, p) => (first + p) * 1000);
    return { reset, first, buckets: 3, classes: 2, at, shares };
  }

  it('appends, resets and fills gaps with empty points', () => {
    const buf = createHistoryBuffer(3, 2);
    applyHistoryFrame(buf, hframe(0, 2), RATE);
    applyHistoryFrame(buf, hframe(2, 1), RATE);
    let v = historyView(buf);
    expect([...v.at]).toEqual([0, 1, 2]);
    expect(v.shares[2 * 6 + 1 * 3 + 2]).toBe(25);
    applyHistoryFrame(buf, hframe(5, 1), RATE);
    v = historyView(buf);
    expect(buf.count).toBe(6);
    expect(v.at[3]).toBeNaN();
    expect([...v.shares.subarray(3 * 6, 5 * 6)].every((s) => s === 0)).toBe(true);
    expect(v.shares[5 * 6]).toBe(50);
    applyHistoryFrame(buf, hframe(9, 1, true), RATE);
    expect(buf.count).toBe(1);
    expect(historyView(buf).at[0]).toBe(9);
    expect(buf.version).toBe(4);
  });

  it('keeps earlier points when it grows', () => {
    const buf = createHistoryBuffer(3, 2);
    for (let p = 0; p < 600; p++) applyHistoryFrame(buf, hframe(p, 1), RATE);
    const v = historyView(buf);
    expect(buf.count).toBe(600);
    expect(v.shares[0 * 6 + 4]).toBe(4);
    expect(v.shares[20 * 6 + 5]).toBe((200 + 5) & 255);
    expect(v.at[599]).toBe(599);
  });

  it('refuses frames of another shape or with the wrong number of shares', () => {
    const buf = createHistoryBuffer(4, 2);
    expect(() => applyHistoryFrame(buf, hframe(0, 1), RATE)).toThrow(/3 buckets × 2 classes/);
    const bad = { ...hframe(0, 2), shares: new Uint8Array(5) };
    expect(() => applyHistoryFrame(createHistoryBuffer(3, 2), bad, RATE)).toThrow(
      /2 points need 12 shares, got 5/,
    );
  });
});
