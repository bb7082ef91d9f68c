/**
 * A sweep's chart as SVG: one figure against the sweep's axis, a line per policy through the
 * mean over seeds, and the 95 % interval of the mean as a band. Plain SVG written by hand (a few
 * scales and ticks), so the server needs no charting library; the dashboard draws its own.
 */
import { describeSample } from '@agelab/sim-core';

export interface ChartRow {
  x: number | string;
  policy: string;
  value: number;
}

export interface ChartSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  policies: string[];
  rows: ChartRow[];
  /** A logarithmic y axis (for figures that span orders of magnitude, like slowdown under thrashing). */
  logY?: boolean;
  width?: number;
  height?: number;
}

const COLORS: Record<string, string> = {
  'always-old': '#c0392b',
  'unmap-emulation': '#1f6fb4',
  'ept-ad-bits': '#2e8b3e',
};
const FALLBACK = ['#8e44ad', '#d68910', '#17a589', '#5d6d7e'];

/** About `count` round tick values from lo up to the first one at or above hi. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  let v = Math.ceil(lo / step) * step;
  for (; v < hi - step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  out.push(Number(v.toPrecision(12)));
  return out;
}

/** 1-2-5 ticks from the last at or below lo to the first at or above hi (lo > 0). */
export function logTicks(lo: number, hi: number): number[] {
  const all: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); all.length === 0 || all[all.length - 1] < hi; e++)
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (all.length === 0 || all[all.length - 1] < hi) all.push(v);
    }
  let first = 0;
  while (first + 1 < all.length && all[first + 1] <= lo) first++;
  return all.slice(first);
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => (Math.abs(v) >= 1000 ? v.toLocaleString('en-US') : String(v));

export function chartSvg(spec: ChartSpec): string {
  const W = spec.width ?? 900;
  const H = spec.height ?? 540;
  const m = { top: 70, right: 190, bottom: 60, left: 80 };
  const xs = [...new Set(spec.rows.map((r) => r.x))];
  const numeric = xs.every((x) => typeof x === 'number');
  if (numeric) (xs as number[]).sort((a, b) => a - b);
  const stats = spec.policies.map((policy) => ({
    policy,
    points: xs.map((x) => {
      const s = describeSample(
        spec.rows.filter((r) => r.policy === policy && r.x === x).map((r) => r.value),
      );
      return { x, mean: s.mean, lo: s.ci95?.[0] ?? s.mean, hi: s.ci95?.[1] ?? s.mean };
    }),
  }));
  const yMax = Math.max(...stats.flatMap((s) => s.points.map((p) => p.hi)));
  const yMin = Math.min(...stats.flatMap((s) => s.points.map((p) => p.lo)));
  const logY = spec.logY === true && yMin > 0;
  // A log axis spans the data with a little room (its ends need not be ticks); a linear one
  // starts at zero and ends on a tick.
  const yTicks = logY
    ? logTicks(yMin / 1.08, yMax * 1.08).filter((t) => t >= yMin / 1.08 && t <= yMax * 1.08)
    : niceTicks(0, yMax);
  const yBottom = logY ? yMin / 1.08 : 0;
  const yTop = logY ? yMax * 1.08 : yTicks[yTicks.length - 1];
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const xNum = xs as number[];
  const sx = (x: number | string) =>
    numeric
      ? m.left + ((Number(x) - xNum[0]) / (xNum[xNum.length - 1] - xNum[0] || 1)) * pw
      : m.left + ((xs.indexOf(x) + 0.5) / xs.length) * pw;
  const sy = logY
    ? (y: number) =>
        m.top + ph - ((Math.log(y) - Math.log(yBottom)) / (Math.log(yTop) - Math.log(yBottom))) * ph
    : (y: number) => m.top + ph - (y / (yTop || 1)) * ph;
  const xTicks = numeric
    ? niceTicks(xNum[0], xNum[xNum.length - 1], 8).filter(
        (t) => t >= xNum[0] && t <= xNum[xNum.length - 1],
      )
    : xs;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${m.left}" y="30" font-size="19" font-weight="bold">${esc(spec.title)}</text>`,
  );
  if (spec.subtitle)
    parts.push(
      `<text x="${m.left}" y="52" font-size="13" fill="#555">${esc(spec.subtitle)}</text>`,
    );
  for (const t of yTicks)
    parts.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 8}" y="${sy(t) + 4}" font-size="12" text-anchor="end" fill="#333">${fmt(t)}</text>`,
    );
  for (const t of xTicks)
    parts.push(
      `<line x1="${sx(t)}" x2="${sx(t)}" y1="${m.top + ph}" y2="${m.top + ph + 5}" stroke="#333"/>`,
      `<text x="${sx(t)}" y="${m.top + ph + 20}" font-size="12" text-anchor="middle" fill="#333">${esc(String(t))}</text>`,
    );
  parts.push(
    `<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#333"/>`,
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="#333"/>`,
    `<text x="${m.left + pw / 2}" y="${H - 15}" font-size="14" text-anchor="middle">${esc(spec.xLabel)}</text>`,
    `<text transform="translate(22 ${m.top + ph / 2}) rotate(-90)" font-size="14" text-anchor="middle">${esc(spec.yLabel)}</text>`,
  );
  stats.forEach((s, i) => {
    const color = COLORS[s.policy] ?? FALLBACK[i % FALLBACK.length];
    const band = [
      ...s.points.map((p) => `${sx(p.x)},${sy(p.hi)}`),
      ...[...s.points].reverse().map((p) => `${sx(p.x)},${sy(p.lo)}`),
    ].join(' ');
    parts.push(`<polygon points="${band}" fill="${color}" fill-opacity="0.16" stroke="none"/>`);
    const line = s.points.map((p) => `${sx(p.x)},${sy(p.mean)}`).join(' ');
    // later policies dashed, so that lines lying on top of each other stay visible
    const dash = i === 0 ? '' : ` stroke-dasharray="${i === 1 ? '' : '7 5'}"`;
    parts.push(
      `<polyline points="${line}" fill="none" stroke="${color}" stroke-width="2.5"${dash}/>`,
    );
    for (const p of s.points)
      parts.push(`<circle cx="${sx(p.x)}" cy="${sy(p.mean)}" r="3.5" fill="${color}"/>`);
    const ly = m.top + 10 + i * 24;
    parts.push(
      `<line x1="${m.left + pw + 20}" x2="${m.left + pw + 48}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2.5"${dash}/>`,
      `<text x="${m.left + pw + 56}" y="${ly + 4}" font-size="13">${esc(s.policy)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
