/** Numbers as the dashboard prints them (en-US grouping, so tests and screenshots agree). */
// One formatter for every call: toLocaleString builds one per call, which cost more than whole
// chart redraws while the event log and the figures updated (browser bench profile).
const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const fmtInt = (n: number): string => (Number.isFinite(n) ? INT.format(Math.round(n)) : '–');

/**
 * A count in at most five characters or so: exact below 100,000, else three significant digits
 * ("657k", "1.18M"). For a pair of counts in one figure ("rmap adds / removes"), where two exact
 * seven-digit numbers do not fit a column head's cell.
 */
export function fmtCount(n: number, short = false): string {
  if (!Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  // `short`: the pair is shown short (one of its counts is large), so this one is too, from 1,000
  if (a < (short ? 1e3 : 1e5)) return fmtInt(n);
  const [d, unit] = a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
  // trailing zeros of the fraction only: 100.192k is "100k", not "1k"
  return `${(n / d).toPrecision(3).replace(/\.0+$|(\.\d*?)0+$/, '$1')}${unit}`;
}

export function fmtRate(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  if (a >= 10) return n.toFixed(0);
  return n.toFixed(1);
}

export const fmtTime = (s: number): string => `${s.toFixed(2)} s`;

export function fmtSpeed(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x >= 10) return `${x.toFixed(0)}×`;
  if (x >= 1) return `${x.toFixed(1).replace(/\.0$/, '')}×`;
  return `${x.toFixed(2).replace(/0$/, '')}×`;
}

/**
 * The difference of `v` to the first column's `base`, as the column head shows it: "−39 %",
 * "+125 %", "same", or "new" when the first column has none of it.
 */
export function fmtDelta(v: number, base: number): string {
  if (!Number.isFinite(v) || !Number.isFinite(base)) return '';
  if (v === base) return 'same';
  if (base === 0) return v > 0 ? 'new' : '';
  const pct = ((v - base) / Math.abs(base)) * 100;
  const r = Math.abs(pct) >= 10 ? Math.round(pct) : Math.round(pct * 10) / 10;
  if (r === 0) return '±0 %';
  return `${r > 0 ? '+' : '−'}${Math.abs(r)} %`;
}

export const MiB_PAGES = 256;
export const fmtMiB = (pages: number): string => {
  const m = pages / MiB_PAGES;
  return m >= 100 || Number.isInteger(m) ? `${Math.round(m)} MiB` : `${m.toFixed(1)} MiB`;
};
