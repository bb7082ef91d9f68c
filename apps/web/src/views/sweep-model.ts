import type { SweepStatus } from '@agelab/protocol';
/**
 * The sweep view's logic, apart from React and the DOM: what the server sends (POST /api/sweeps,
 * its progress stream, summary.json; docs/protocol.md "Sweeps"), the sweep text as typed, and
 * the figure against one axis as a line per policy with the seeds' interval as a band.
 */

export interface SweepExample {
  file: string;
  name: string;
  description: string;
  sweep: Record<string, unknown>;
}

export type { SweepStatus } from '@agelab/protocol';

export type SweepCell = number | string | boolean | null;

export interface SweepSummary {
  sweep: string;
  axes: { path: string; values: SweepCell[] }[];
  seeds: number[];
  policies: string[];
  baseline: string;
  figures: string[];
  columns: string[];
  rows: SweepCell[][];
}

/**
 * The sweep text as JSON, or where it is wrong: JSON.parse's message carries a character
 * position (V8: "at position 41", or "(line 3 column 5)"), turned into a line and column.
 */
export function parseSweepText(
  text: string,
): { ok: true; sweep: unknown } | { ok: false; message: string } {
  try {
    const sweep: unknown = JSON.parse(text);
    if (!sweep || typeof sweep !== 'object' || Array.isArray(sweep))
      return { ok: false, message: 'the sweep must be a JSON object ({ "name": …, "base": … })' };
    return { ok: true, sweep };
  } catch (e) {
    const msg = (e as Error).message;
    const lc = /line (\d+) column (\d+)/.exec(msg);
    if (lc) return { ok: false, message: `line ${lc[1]}, column ${lc[2]}: ${msg}` };
    const pos = /position (\d+)/.exec(msg);
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      return { ok: false, message: `line ${line}, column ${column}: ${msg}` };
    }
    return { ok: false, message: msg };
  }
}

/** One point of a line: the axis value, the mean over seeds, and its band. */
export interface SweepPoint {
  x: SweepCell;
  mean: number | null;
  low: number | null;
  high: number | null;
  min: number | null;
  max: number | null;
  n: number;
}

export interface SweepLine {
  policy: string;
  points: SweepPoint[];
}

const num = (v: SweepCell | undefined): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

/**
 * The figure against `axis`, a line per policy, at the chosen values of the other axes
 * (`fixed`, by path; the first value of an axis not given). The band is the 95 % interval of
 * the mean over seeds; with one seed (no interval) it is the mean itself.
 */
export function sweepLines(
  s: SweepSummary,
  figure: string,
  axis: string,
  fixed: Record<string, SweepCell> = {},
): SweepLine[] {
  const col = (name: string) => s.columns.indexOf(name);
  const [ci, cf, cn, cm, cmin, cmax, clo, chi] = [
    'policy',
    'figure',
    'n',
    'mean',
    'min',
    'max',
    'ci95_low',
    'ci95_high',
  ].map(col);
  const others = s.axes.filter((a) => a.path !== axis);
  const at = (row: SweepCell[]) =>
    others.every((a) => row[col(a.path)] === (fixed[a.path] ?? a.values[0]));
  const xs = s.axes.find((a) => a.path === axis)?.values ?? [null];
  const cx = col(axis);
  return s.policies.map((policy) => {
    const rows = s.rows.filter((r) => r[ci] === policy && r[cf] === figure && at(r));
    const points = xs.map((x): SweepPoint => {
      const r = rows.find((row) => cx < 0 || row[cx] === x);
      const mean = r ? num(r[cm]) : null;
      return {
        x,
        mean,
        low: r ? (num(r[clo]) ?? mean) : null,
        high: r ? (num(r[chi]) ?? mean) : null,
        min: r ? num(r[cmin]) : null,
        max: r ? num(r[cmax]) : null,
        n: r ? (num(r[cn]) ?? 0) : 0,
      };
    });
    return { policy, points };
  });
}

/** Whether every value of an axis is a number (a linear scale), else the axis is categorical. */
export const numericAxis = (values: readonly SweepCell[]): boolean =>
  values.length > 0 && values.every((v) => typeof v === 'number');

/** A figure's value for people: 3 significant digits, thousands grouped. */
export function fmt(v: number | null): string {
  if (v === null) return '–';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a === 0) return '0';
  return Number(v.toPrecision(3)).toString();
}

/** "12 of 24 runs · 3.4 runs/s · 4 s left". */
export function progressText(s: SweepStatus): string {
  const parts = [`${s.done} of ${s.total} runs`];
  if (s.runsPerSecond !== null) parts.push(`${s.runsPerSecond.toFixed(1)} runs/s`);
  if (s.state === 'running' && s.etaSeconds !== null)
    parts.push(`${Math.ceil(s.etaSeconds)} s left`);
  if (s.state === 'done') parts.push(`done in ${s.elapsedSeconds.toFixed(1)} s`);
  return parts.join(' · ');
}

/** The figures a sweep collects, from its text (or the server's default list when it names none). */
export function figuresOf(sweep: unknown): string[] {
  const f = (sweep as { figures?: unknown } | null)?.figures;
  return Array.isArray(f) && f.every((x) => typeof x === 'string') ? f : ['slowdown'];
}

/** The non-seed axes' paths of a sweep text. */
export function axesOf(sweep: unknown): string[] {
  const a = (sweep as { axes?: unknown } | null)?.axes;
  return a && typeof a === 'object' ? Object.keys(a).filter((k) => k !== 'seed') : [];
}

/** The socket URL of a sweep's progress stream, next to the page's own origin. */
export function streamUrl(loc: { protocol: string; host: string }, id: string): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/api/sweeps/${encodeURIComponent(id)}/stream`;
}

/**
 * Pairs of policies whose lines lie on each other (every mean within `tol` of the other's,
 * relatively), so the view can say why a line seems missing.
 */
export function coincident(lines: readonly SweepLine[], tol = 0.01): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < lines.length; i++)
    for (let j = i + 1; j < lines.length; j++) {
      const a = lines[i].points;
      const b = lines[j].points;
      const same = a.every((p, k) => {
        const q = b[k];
        if (p.mean === null || q?.mean == null) return p.mean === (q?.mean ?? null);
        const scale = Math.max(Math.abs(p.mean), Math.abs(q.mean), 1e-12);
        return Math.abs(p.mean - q.mean) <= tol * scale;
      });
      if (same && a.length > 0) out.push([lines[i].policy, lines[j].policy]);
    }
  return out;
}
