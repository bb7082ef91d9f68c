import { describe, expect, it } from 'vitest';
import { historyLut } from '../palette';
import { columnRanges, fillHeatmap, historyStep, latestSummary, rowRanges } from './heatmap-fill';

/** A LUT whose red byte is the share itself (so a pixel's red reads back its share). */
const idLut = new Uint8ClampedArray(256 * 4);
for (let s = 0; s < 256; s++) idLut.set([s, 0, 0, 255], 4 * s);

/** 4 points at 0, 1, 2, 3 s; 2 classes; 4 buckets; class 1, bucket b at point p = 10p + b + 1. */
const input = () => {
  const shares = new Uint8Array(4 * 2 * 4);
  for (let p = 0; p < 4; p++)
    for (let b = 0; b < 4; b++) {
      shares[p * 8 + 0 * 4 + b] = 200; // class 0: must never show when class 1 is asked
      shares[p * 8 + 1 * 4 + b] = 10 * p + b + 1;
    }
  return { at: Float64Array.from([0, 1, 2, 3]), shares, classes: 2, buckets: 4, classIndex: 1 };
};
const red = (out: Uint8ClampedArray, w: number, x: number, y: number) => out[(y * w + x) * 4];
const alpha = (out: Uint8ClampedArray, w: number, x: number, y: number) => out[(y * w + x) * 4 + 3];

describe('heatmap pixel fill', () => {
  it('puts one point per column and one bucket per row at 1:1', () => {
    const out = new Uint8ClampedArray(4 * 4 * 4);
    const peak = fillHeatmap(out, 4, 4, input(), 0, 4, idLut);
    for (let x = 0; x < 4; x++)
      for (let y = 0; y < 4; y++) expect(red(out, 4, x, y)).toBe(10 * x + y + 1);
    expect(peak).toBe(34);
  });

  it('shows the maximum share when several points and buckets share a pixel', () => {
    const out = new Uint8ClampedArray(2 * 2 * 4);
    fillHeatmap(out, 2, 2, input(), 0, 4, idLut);
    // Column 0 holds points 0–1, row 0 buckets 0–1: max is point 1, bucket 1.
    expect(red(out, 2, 0, 0)).toBe(12);
    expect(red(out, 2, 1, 1)).toBe(34);
  });

  it('stretches points over several columns when zoomed in', () => {
    const out = new Uint8ClampedArray(8 * 1 * 4);
    fillHeatmap(out, 8, 1, { ...input(), buckets: 4 }, 0, 2, idLut);
    // 8 columns over [0, 2) s: four per point; one row holds every bucket (max = bucket 3).
    expect([...Array(8)].map((_, x) => red(out, 8, x, 0))).toEqual([4, 4, 4, 4, 14, 14, 14, 14]);
  });

  it('leaves pixels before the first point and after the last one transparent', () => {
    const out = new Uint8ClampedArray(8 * 1 * 4);
    fillHeatmap(out, 8, 1, input(), -2, 6, idLut);
    const a = [...Array(8)].map((_, x) => alpha(out, 8, x, 0));
    expect(a).toEqual([0, 0, 255, 255, 255, 255, 0, 0]);
  });

  it('draws a gap (time NaN, shares 0) empty and does not smear the point before it', () => {
    const inp = input();
    inp.at = Float64Array.from([0, 1, NaN, 3]);
    inp.shares.fill(0, 2 * 8, 3 * 8);
    const out = new Uint8ClampedArray(4 * 4 * 4);
    fillHeatmap(out, 4, 4, inp, 0, 4, idLut);
    expect(red(out, 4, 2, 0)).toBe(0);
    expect(alpha(out, 4, 2, 0)).toBe(255);
    expect(red(out, 4, 3, 0)).toBe(31);
  });

  it('colours through the palette LUT (share 0 empty, 255 full)', () => {
    const lut = historyLut();
    const inp = input();
    inp.shares[1 * 4 + 0] = 0;
    inp.shares[1 * 8 + 1 * 4 + 0] = 255;
    const out = new Uint8ClampedArray(4 * 4 * 4);
    fillHeatmap(out, 4, 4, inp, 0, 4, lut);
    expect([...out.subarray(0, 4)]).toEqual([...lut.subarray(0, 4)]);
    expect([...out.subarray(4, 8)]).toEqual([...lut.subarray(255 * 4, 256 * 4)]);
  });

  it('refuses a short buffer and a class out of range', () => {
    expect(() => fillHeatmap(new Uint8ClampedArray(3), 1, 1, input(), 0, 1, idLut)).toThrow(
      /need 4/,
    );
    expect(() =>
      fillHeatmap(new Uint8ClampedArray(4), 1, 1, { ...input(), classIndex: 2 }, 0, 1, idLut),
    ).toThrow(/class 2 of 2/);
  });

  it('fills a 1200 × 512 raster of 4000 points × 1024 buckets', () => {
    const points = 4000;
    const buckets = 1024;
    const shares = new Uint8Array(points * buckets);
    for (let i = 0; i < shares.length; i++) shares[i] = (i * 2654435761) >>> 24;
    const out = new Uint8ClampedArray(1200 * 512 * 4);
    const at = Float64Array.from({ length: points }, (_, i) => i * 0.1);
    const peak = fillHeatmap(
      out,
      1200,
      512,
      { at, shares, classes: 1, buckets, classIndex: 0 },
      0,
      400,
      idLut,
    );
    expect(peak).toBeGreaterThan(250);
    expect(alpha(out, 1200, 1199, 511)).toBe(255);
  });
});

describe('pixel ranges', () => {
  it('maps rows to buckets evenly, each row at least one bucket', () => {
    expect(rowRanges(4, 2)).toEqual({
      start: Int32Array.from([0, 2]),
      end: Int32Array.from([2, 4]),
    });
    const r = rowRanges(2, 4);
    expect([...r.start]).toEqual([0, 0, 1, 1]);
    expect([...r.end]).toEqual([1, 1, 2, 2]);
  });
  it('maps columns to the points whose interval overlaps them', () => {
    const c = columnRanges(Float64Array.from([0, 1, 2]), 3, 0, 3, 3, 1);
    expect([...c.start]).toEqual([0, 1, 2]);
    expect([...c.end]).toEqual([1, 2, 3]);
  });
  it('estimates the step from the last spacing', () => {
    expect(historyStep(Float64Array.from([0, 0.5, 1]), 3)).toBe(0.5);
    expect(historyStep(Float64Array.from([0]), 1)).toBe(1);
    expect(historyStep(Float64Array.from([0, 1]), 2, 0.25)).toBe(0.25);
  });
});

describe('latest summary', () => {
  it('reports the mean share and densest bucket of the last point', () => {
    const s = latestSummary(input());
    expect(s).toEqual({
      time: 3,
      meanShare: (31 + 32 + 33 + 34) / 4 / 255,
      peakBucket: 3,
      peakShare: 34 / 255,
    });
    expect(latestSummary({ ...input(), at: new Float64Array(0), count: 0 })).toBeNull();
  });
});
