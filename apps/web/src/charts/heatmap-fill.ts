/**
 * The address × time raster of HistoryHeatmap, DOM-free: one RGBA buffer of width × height pixels
 * filled in one pass (Observable Plot's raster rule), then put on a canvas once.
 *
 * Column x covers simulated times [t(x), t(x + 1)) of the shared domain; row y covers the address
 * buckets [b(y), b(y + 1)). A history point i stands for times [at[i], at[i] + step). When
 * several points or buckets fall in one pixel (zoomed out), the pixel shows their MAXIMUM share,
 * so a bucket with any page of the class never disappears by aggregation (the same rule as the
 * maps' alarm classes). A pixel before the first point or after the last point's step is
 * transparent (alpha 0): no data, nothing invented.
 */
import { lastAtOrBefore } from './plot';

export interface HeatmapInput {
  /** Simulated seconds of each history point (ascending; NaN for a gap point). */
  at: ArrayLike<number>;
  /** Points held (defaults to at.length). */
  count?: number;
  /** points × classes × buckets shares of 255, row-major (MapHistoryFrame). */
  shares: ArrayLike<number>;
  classes: number;
  buckets: number;
  classIndex: number;
  /** Seconds a point stands for (the series step); estimated from the last two points if absent. */
  step?: number;
}

/** For each of `pixels` columns over [t0, t1): the points [start, end) it covers (end ≤ start: none). */
export function columnRanges(
  at: ArrayLike<number>,
  n: number,
  t0: number,
  t1: number,
  pixels: number,
  step: number,
): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(pixels);
  const end = new Int32Array(pixels);
  const span = (t1 - t0) / pixels;
  let lastT = -Infinity;
  for (let i = n - 1; i >= 0; i--)
    if (!Number.isNaN(at[i])) {
      lastT = at[i] + step;
      break;
    }
  const firstT = firstTime(at, n);
  for (let x = 0; x < pixels; x++) {
    const a = t0 + x * span;
    const b = a + span;
    if (b <= firstT || a >= lastT) continue; // before the first point or after the last: none
    // The point covering time a (if it still does), and every point that starts before b.
    let s = Math.max(0, lastAtOrBefore(at, a, n));
    if (at[s] + step <= a) s++;
    let e = lastAtOrBefore(at, b, n);
    if (e >= 0 && at[e] === b) e--; // a point starting exactly at b belongs to the next column
    start[x] = s;
    end[x] = e >= s ? e + 1 : s;
  }
  return { start, end };
}

function firstTime(at: ArrayLike<number>, n: number): number {
  for (let i = 0; i < n; i++) if (!Number.isNaN(at[i])) return at[i];
  return Infinity;
}

/** For each of `pixels` rows: the buckets [start, end) it covers (at least one). */
export function rowRanges(buckets: number, pixels: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(pixels);
  const end = new Int32Array(pixels);
  for (let y = 0; y < pixels; y++) {
    const s = Math.floor((y * buckets) / pixels);
    const e = Math.max(s + 1, Math.floor(((y + 1) * buckets) / pixels));
    start[y] = Math.min(s, buckets - 1);
    end[y] = Math.min(e, buckets);
  }
  return { start, end };
}

/** The step between history points: the given one, else the last spacing, else 1 s. */
export function historyStep(at: ArrayLike<number>, n: number, step?: number): number {
  if (step !== undefined && step > 0) return step;
  for (let i = n - 1; i > 0; i--) {
    const d = at[i] - at[i - 1];
    if (d > 0) return d;
  }
  return 1;
}

/**
 * Fill `out` (width × height × 4 bytes, row-major, row 0 = lowest address) with the shares of
 * one class over [t0, t1), coloured through `lut` (256 × RGBA). Returns the largest share drawn.
 */
export function fillHeatmap(
  out: Uint8ClampedArray,
  width: number,
  height: number,
  input: HeatmapInput,
  t0: number,
  t1: number,
  lut: ArrayLike<number>,
): number {
  if (out.length < width * height * 4)
    throw new RangeError(`heatmap buffer of ${out.length} bytes, need ${width * height * 4}`);
  const n = input.count ?? input.at.length;
  const { buckets, classes, classIndex, shares } = input;
  if (classIndex < 0 || classIndex >= classes)
    throw new RangeError(`class ${classIndex} of ${classes}`);
  const step = historyStep(input.at, n, input.step);
  const cols = columnRanges(input.at, n, t0, t1, width, step);
  const rows = rowRanges(buckets, height);
  const per = classes * buckets;
  const base = classIndex * buckets;
  let peak = 0;
  for (let y = 0; y < height; y++) {
    const b0 = rows.start[y];
    const b1 = rows.end[y];
    let o = y * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      const p0 = cols.start[x];
      const p1 = cols.end[x];
      if (p1 <= p0) {
        out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
        continue;
      }
      let s = 0;
      for (let p = p0; p < p1; p++) {
        const row = p * per + base;
        for (let b = b0; b < b1; b++) {
          const v = shares[row + b];
          if (v > s) s = v;
        }
      }
      if (s > peak) peak = s;
      const k = s * 4;
      out[o] = lut[k];
      out[o + 1] = lut[k + 1];
      out[o + 2] = lut[k + 2];
      out[o + 3] = lut[k + 3];
    }
  }
  return peak;
}

/** Summary of the latest point for a text alternative: mean share and the densest bucket. */
export function latestSummary(input: HeatmapInput): {
  time: number;
  meanShare: number;
  peakBucket: number;
  peakShare: number;
} | null {
  const n = input.count ?? input.at.length;
  let i = n - 1;
  while (i >= 0 && Number.isNaN(input.at[i])) i--;
  if (i < 0) return null;
  const row = i * input.classes * input.buckets + input.classIndex * input.buckets;
  let sum = 0;
  let peakBucket = 0;
  let peakShare = -1;
  for (let b = 0; b < input.buckets; b++) {
    const v = input.shares[row + b];
    sum += v;
    if (v > peakShare) {
      peakShare = v;
      peakBucket = b;
    }
  }
  return {
    time: input.at[i],
    meanShare: sum / input.buckets / 255,
    peakBucket,
    peakShare: peakShare / 255,
  };
}
