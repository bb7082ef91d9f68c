import { FRAME, type MapHistoryFrame, type SeriesFrame } from '@agelab/protocol';
import { describe, expect, it } from 'vitest';
import { applyHistory, applySeries, column, emptyHistory, emptySeries } from './series.ts';

const sf = (first: number, at: number[], values: number[], reset = false): SeriesFrame => ({
  type: FRAME.SERIES,
  runIndex: 0,
  seq: 0,
  refIndex: 0,
  reset,
  first,
  step: 0.1,
  width: 2,
  at: Float64Array.from(at),
  values: Float64Array.from(values),
});

describe('series buffers', () => {
  it('append in place past their capacity and rewind on a reset', () => {
    const b = emptySeries(2);
    applySeries(b, sf(0, [0, 10], [1, 2, 3, 4], true));
    const many = Array.from({ length: 300 }, (_, i) => i + 2);
    applySeries(
      b,
      sf(
        2,
        many.map((i) => i * 10),
        many.flatMap((i) => [i, -i]),
      ),
    );
    expect(b.count).toBe(302);
    expect(Array.from(column(b, 1, new Float64Array(400)).subarray(0, 4))).toEqual([2, 4, -2, -3]);
    applySeries(b, sf(5, [50], [7, 8], true));
    expect(b.count).toBe(1);
    expect(b.first).toBe(5);
    expect(b.version).toBe(3);
  });

  it('a point sent again replaces the one held', () => {
    const b = emptySeries(2);
    applySeries(b, sf(0, [0, 10], [1, 2, 3, 4], true));
    applySeries(b, sf(1, [10], [9, 9]));
    expect(b.count).toBe(2);
    expect(Array.from(column(b, 0, new Float64Array(2)))).toEqual([1, 9]);
  });

  it('map history appends points of classes × buckets shares', () => {
    const h = emptyHistory(2, 1);
    const f = (first: number, n: number, reset: boolean): MapHistoryFrame => ({
      type: FRAME.MAP_HISTORY,
      runIndex: 0,
      seq: 0,
      refIndex: 0,
      reset,
      first,
      buckets: 2,
      classes: 1,
      at: Float64Array.from({ length: n }, (_, i) => first + i),
      shares: Uint8Array.from({ length: n * 2 }, (_, i) => i),
    });
    applyHistory(h, f(0, 50, true));
    applyHistory(h, f(50, 50, false));
    expect(h.count).toBe(100);
    expect(h.shares[100 * 2 - 1]).toBe(99);
  });
});
