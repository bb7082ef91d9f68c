/**
 * The DOM-free parts of TimeSeriesChart: the runs it takes, its y domain, the values under the
 * hover rule, and its text alternative.
 */
import { extentInWindow, formatSeconds, nearestIndex, withUnit } from './plot';

/** One run's series on a chart. */
export interface ChartRun {
  /** The policy (legend, tooltip, summary). */
  name: string;
  /** Its run colour (palette.runColours). */
  colour: string;
  /** Simulated seconds of each point, ascending (NaN for a gap). */
  at: Float64Array;
  /** The value at each point (NaN for a gap). */
  values: Float64Array;
  /** Points to draw (default: at.length). */
  count?: number;
  /**
   * Pair charts (variant "usage-limit"): the second series at each point (same times), drawn
   * dashed — the limit beside the usage, swap-ins beside swap-outs, inactive beside active.
   */
  limit?: Float64Array;
}

export const runCount = (r: ChartRun): number =>
  Math.min(r.count ?? r.at.length, r.at.length, r.values.length);

/** How a pair chart names its two series (default: usage, limit). */
export type PairLabels = readonly [string, string];
export const USAGE_LIMIT: PairLabels = ['usage', 'limit'];

/**
 * y domain over the time window, in drawn units (values × scale): from `floor` (default 0) to
 * the top of every line.
 */
export function yDomain(
  runs: readonly ChartRun[],
  window: readonly [number, number],
  floor = 0,
  scale = 1,
): [number, number] {
  let lo = floor;
  let hi = -Infinity;
  for (const r of runs) {
    const n = runCount(r);
    for (const v of [r.values, r.limit]) {
      if (!v) continue;
      const e = extentInWindow(r.at, v, Math.min(n, v.length), window[0], window[1]);
      if (!e) continue;
      const a = Math.min(e[0] * scale, e[1] * scale);
      const b = Math.max(e[0] * scale, e[1] * scale);
      if (a < lo) lo = a;
      if (b > hi) hi = b;
    }
  }
  if (!(hi > lo)) hi = lo + 1;
  return [lo, hi];
}

/**
 * How far above the typical top a peak must reach before the axis stops following it: a boot
 * transient (every page faulting in at once) can be 50× the steady state, and an axis scaled to
 * it draws the rest of the run as a flat line at zero.
 */
export const PEAK_CLIP_RATIO = 4;
/** The share of points (by count, in the window) the clipped axis still shows in full. */
export const PEAK_QUANTILE = 0.9;

/**
 * The y domain of `yDomain`, unless a few points (a boot spike) reach more than PEAK_CLIP_RATIO
 * × the PEAK_QUANTILE of every value in the window: then the top is 2 × that quantile, and
 * `clipped` is the highest value drawn off the top (the chart says so), else null.
 */
export function robustYDomain(
  runs: readonly ChartRun[],
  window: readonly [number, number],
  floor = 0,
  scale = 1,
): { domain: [number, number]; clipped: number | null } {
  const full = yDomain(runs, window, floor, scale);
  const seen: number[] = [];
  for (const r of runs) {
    const n = runCount(r);
    for (const v of [r.values, r.limit]) {
      if (!v) continue;
      const m = Math.min(n, v.length);
      for (let i = 0; i < m; i++) {
        const t = r.at[i];
        if (t < window[0] || t > window[1]) continue;
        const x = v[i] * scale;
        if (Number.isFinite(x)) seen.push(x);
      }
    }
  }
  // too few points to call any of them an outlier
  if (seen.length < 50) return { domain: full, clipped: null };
  seen.sort((a, b) => a - b);
  const q = seen[Math.floor(PEAK_QUANTILE * (seen.length - 1))];
  const span = q - full[0];
  if (!(span > 0) || full[1] - full[0] <= PEAK_CLIP_RATIO * span)
    return { domain: full, clipped: null };
  return { domain: [full[0], full[0] + 2 * span], clipped: full[1] };
}

export interface HoverValue {
  name: string;
  colour: string;
  /** Time of the point shown (the nearest to the hover time), or NaN. */
  time: number;
  value: number;
  limit: number;
}

/**
 * The value of each run at the point nearest to `t` (NaN when a run has no point within
 * `maxDistance` seconds, e.g. it has not reached `t` yet).
 */
export function valuesAt(runs: readonly ChartRun[], t: number, maxDistance: number): HoverValue[] {
  return runs.map((r) => {
    const i = nearestIndex(r.at, t, runCount(r), maxDistance);
    return {
      name: r.name,
      colour: r.colour,
      time: i < 0 ? NaN : r.at[i],
      value: i < 0 ? NaN : r.values[i],
      limit: i < 0 || !r.limit ? NaN : r.limit[i],
    };
  });
}

/** The latest finite value of each run (for the legend and the summary). */
export function latestValues(runs: readonly ChartRun[]): HoverValue[] {
  return runs.map((r) => {
    let i = runCount(r) - 1;
    while (i >= 0 && !Number.isFinite(r.values[i])) i--;
    return {
      name: r.name,
      colour: r.colour,
      time: i < 0 ? NaN : r.at[i],
      value: i < 0 ? NaN : r.values[i],
      limit: i < 0 || !r.limit ? NaN : r.limit[i],
    };
  });
}

/** One run's value (and second value) in words: "1,234/s" or "usage 5 pages, limit 10 pages". */
export function describeValue(
  v: HoverValue,
  unit: string,
  scale = 1,
  labels: PairLabels = USAGE_LIMIT,
): string {
  if (Number.isNaN(v.limit)) return withUnit(v.value * scale, unit);
  return `${labels[0]} ${withUnit(v.value * scale, unit)}, ${labels[1]} ${withUnit(v.limit * scale, unit)}`;
}

/** The chart's text alternative: the latest value per run, in words. */
export function chartSummary(
  title: string,
  unit: string,
  runs: readonly ChartRun[],
  scale = 1,
  labels: PairLabels = USAGE_LIMIT,
): string {
  const latest = latestValues(runs);
  if (!latest.length || latest.every((v) => Number.isNaN(v.time))) return `${title}: no data yet.`;
  const parts = latest.map((v) => {
    if (Number.isNaN(v.time)) return `${v.name}: no data yet`;
    return `${v.name} ${describeValue(v, unit, scale, labels)} at ${formatSeconds(v.time)}`;
  });
  return `${title}, latest: ${parts.join('; ')}.`;
}

/** Largest spacing between consecutive points of any run (for the hover snapping distance). */
export function typicalStep(runs: readonly ChartRun[]): number {
  let step = 0;
  for (const r of runs) {
    const n = runCount(r);
    for (let i = n - 1; i > 0 && i > n - 4; i--) {
      const d = r.at[i] - r.at[i - 1];
      if (d > step) step = d;
    }
  }
  return step;
}
