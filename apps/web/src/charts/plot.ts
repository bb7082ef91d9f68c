/**
 * DOM-free geometry for the charts: nearest-point lookup for hover, per-pixel min/max decimation
 * (Perfetto's rule: never draw more than about two points a pixel), y extents over a time window,
 * and number and time formatting.
 */
import { format } from 'd3';

/**
 * Index of the last point with `at[i] <= t` among the first `n` points (sorted ascending, NaN
 * points skipped as if absent), or −1 when every point is later than `t`.
 */
export function lastAtOrBefore(at: ArrayLike<number>, t: number, n: number = at.length): number {
  let lo = 0;
  let hi = n - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    let m = mid;
    // A gap point (NaN time) sorts with its neighbours: look left for a real time.
    while (m >= lo && Number.isNaN(at[m])) m--;
    if (m < lo) {
      lo = mid + 1;
      continue;
    }
    if (at[m] <= t) {
      found = m;
      lo = mid + 1;
    } else hi = m - 1;
  }
  return found;
}

/**
 * Index of the point nearest to time `t` (ties go to the earlier one), or −1 when there are no
 * points or `t` is further than `maxDistance` from the nearest.
 */
export function nearestIndex(
  at: ArrayLike<number>,
  t: number,
  n: number = at.length,
  maxDistance = Infinity,
): number {
  if (n === 0 || !Number.isFinite(t)) return -1;
  const i = lastAtOrBefore(at, t, n);
  let j = i + 1;
  while (j < n && Number.isNaN(at[j])) j++;
  let best = -1;
  if (i >= 0) best = i;
  if (j < n && (best < 0 || at[j] - t < t - at[best])) best = j;
  if (best < 0 || Math.abs(at[best] - t) > maxDistance) return -1;
  return best;
}

/**
 * The indices of points to draw between times t0 and t1 on `pixels` columns: every point when
 * there are few; otherwise, per pixel column, its first, min, max and last point (so spikes
 * survive and the line's shape is exact at that resolution). One point either side of the
 * window is kept so lines run to the edge.
 */
export function decimate(
  at: ArrayLike<number>,
  values: ArrayLike<number>,
  n: number,
  t0: number,
  t1: number,
  pixels: number,
): number[] {
  if (n === 0 || !(t1 > t0)) return [];
  let start = lastAtOrBefore(at, t0, n);
  if (start < 0) start = 0;
  let end = lastAtOrBefore(at, t1, n) + 1;
  if (end < n) end++;
  end = Math.min(end, n);
  const out: number[] = [];
  if (end - start <= 2 * Math.max(1, pixels)) {
    for (let i = start; i < end; i++) out.push(i);
    return out;
  }
  const px = (t1 - t0) / pixels;
  let col = NaN;
  let first = -1;
  let last = -1;
  let min = -1;
  let max = -1;
  const flush = (): void => {
    if (first < 0) return;
    const ids = [first, min, max, last].sort((a, b) => a - b);
    for (let k = 0; k < ids.length; k++) if (k === 0 || ids[k] !== ids[k - 1]) out.push(ids[k]);
  };
  for (let i = start; i < end; i++) {
    const t = at[i];
    const v = values[i];
    if (Number.isNaN(t) || Number.isNaN(v)) {
      // Keep gaps: flush the column and emit the gap point so the line breaks here.
      flush();
      first = -1;
      out.push(i);
      continue;
    }
    const c = Math.floor((t - t0) / px);
    if (c !== col || first < 0) {
      flush();
      col = c;
      first = last = min = max = i;
      continue;
    }
    last = i;
    if (v < values[min]) min = i;
    if (v > values[max]) max = i;
  }
  flush();
  return out;
}

/**
 * [min, max] of the finite values drawn over [t0, t1]: those whose time is inside, and the one
 * point either side (lines run to the edges). Null when none.
 */
export function extentInWindow(
  at: ArrayLike<number>,
  values: ArrayLike<number>,
  n: number,
  t0: number,
  t1: number,
): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  let i = Math.max(0, lastAtOrBefore(at, t0, n));
  for (; i < n; i++) {
    const t = at[i];
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (t > t1) break;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** "12.4 s": one decimal under 100 s, none above (always seconds: the unit users read). */
export function formatSeconds(t: number): string {
  if (!Number.isFinite(t)) return '–';
  const digits = Math.abs(t) < 100 ? 1 : 0;
  return `${t.toFixed(digits)} s`;
}

const siFormat = format('.3~s');
const intFormat = format(',.0f');
const smallFormat = format('.3~r');
/** A value for a tooltip or summary: 12,345 · 1.23M · 0.0123 (no unit). */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1e6) return siFormat(v);
  if (a >= 100) return intFormat(v);
  if (a === 0) return '0';
  return smallFormat(v);
}
/** "1,234 /s" with the unit separated by a thin space when the unit is a word. */
export function withUnit(v: number, unit: string): string {
  const s = formatValue(v);
  if (!unit) return s;
  return unit.startsWith('/') || unit === '%' ? `${s}${unit}` : `${s} ${unit}`;
}
