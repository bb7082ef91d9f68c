/** Small-sample statistics for a sweep's summary: seeds are few, so intervals use Student's t. */

/** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];

/** t(0.975, df); past 30 degrees of freedom, a 1/df interpolation towards the normal 1.96 (within 0.001). */
export function tQuantile975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[Math.floor(df) - 1];
  return 1.96 + (2.042 - 1.96) * (30 / df);
}

export interface Stats {
  n: number;
  mean: number;
  min: number;
  max: number;
  /** The 95 % confidence interval of the mean; null with fewer than two values. */
  ci95: [number, number] | null;
}

export function describeSample(values: readonly number[]): Stats {
  const n = values.length;
  if (n === 0) return { n, mean: NaN, min: NaN, max: NaN, ci95: null };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  if (n < 2) return { n, mean, min, max, ci95: null };
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const half = tQuantile975(n - 1) * Math.sqrt(ss / (n - 1) / n);
  return { n, mean, min, max, ci95: [mean - half, mean + half] };
}
