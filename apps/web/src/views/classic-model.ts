import type { ClassicAnswer, ClassicSteps } from '@agelab/protocol';
/**
 * The classic replacement view's logic, apart from React and the DOM: the server's answer
 * (POST /api/classic, /api/classic/trace; apps/server/src/classic-replay.ts), the policies' names
 * for people, the step table read column by column, and where a fault curve rises.
 */

/** The textbook policies the view replays, in the order they are shown. */
export const CLASSIC_VIEW_POLICIES = ['fifo', 'lru', 'opt', 'clock', 'linux'] as const;
export type ClassicViewPolicy = (typeof CLASSIC_VIEW_POLICIES)[number];

export const POLICY_LABELS: Readonly<Record<string, string>> = {
  fifo: 'FIFO',
  lru: 'LRU',
  opt: 'OPT',
  clock: 'CLOCK',
  linux: '2.6.33 two lists',
  'linux-always-old': '2.6.33 two lists, always-old',
};
export const POLICY_HINTS: Readonly<Record<string, string>> = {
  fifo: 'evicts the page loaded first',
  lru: 'evicts the page used least recently',
  opt: 'evicts the page used furthest in the future (needs the whole string: a bound, not a policy)',
  clock: 'second chance: a hand skips pages whose reference bit is set, clearing it',
  linux: "Linux 2.6.33's active and inactive lists, aged by page_referenced()",
  'linux-always-old': 'the two lists when the host never sees guest references',
};
export const policyLabel = (p: string): string => POLICY_LABELS[p] ?? p;

/** Colours of the policies, distinct from each other and readable on the dark page. */
export const POLICY_COLOURS: Readonly<Record<string, string>> = {
  fifo: '#e19b09',
  lru: '#18baf3',
  opt: '#0ea06f',
  clock: '#bf789a',
  linux: '#f39bc3',
  'linux-always-old': '#ddbfa6',
};
export const policyColour = (p: string): string => POLICY_COLOURS[p] ?? '#dde1e8';

export interface ClassicPreset {
  name: string;
  title: string;
  description: string;
  references: string;
  frames: number;
  curve: { from: number; to: number };
}

export type { ClassicAnswer, ClassicResult, ClassicSteps } from '@agelab/protocol';

/** The tokens of a typed reference string, split as the server splits them (space, comma, ;). */
export function referenceTokens(text: string): string[] {
  return text.split(/[\s,;]+/).filter((t) => t.length > 0);
}

/** The server records step tables for strings up to this long (MAX_RECORDED_REFERENCES). */
export const MAX_TABLE_REFERENCES = 10_000;
/** Up to this many references the table is drawn as a textbook grid, with page numbers. */
export const MAX_TEXTBOOK_REFERENCES = 40;

/** One column of the step table: the reference, the frames after it, fault or hit, eviction. */
export interface StepColumn {
  reference: string;
  frames: (number | null)[];
  fault: boolean;
  evicted: number | null;
  /** The frame that holds the referenced page after the reference, or -1. */
  at: number;
}

/** Column `i` of a recorded run (the frames after reference i). */
export function stepColumn(steps: ClassicSteps, tokens: readonly string[], i: number): StepColumn {
  const n = steps.frameCount;
  const frames: (number | null)[] = [];
  for (let f = 0; f < n; f++) {
    const v = steps.frames[i * n + f];
    frames.push(v === undefined || v < 0 ? null : v);
  }
  const reference = tokens[i] ?? '';
  const ev = steps.evicted[i];
  return {
    reference,
    frames,
    fault: steps.faultAt[i] === 1,
    evicted: ev === undefined || ev < 0 ? null : ev,
    at: frames.findIndex((v) => v !== null && String(v) === String(Number(reference))),
  };
}

export interface CurveRise {
  policy: string;
  from: number;
  to: number;
  faultsFrom: number;
  faultsTo: number;
}

/**
 * Where a policy faults more with more frames: Belady's anomaly. Only FIFO-like policies can
 * (LRU and OPT are stack algorithms: their resident set at k frames is inside the one at k+1).
 */
export function curveRises(curve: ClassicAnswer['curve']): CurveRise[] {
  const out: CurveRise[] = [];
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1];
    const b = curve[i];
    for (const [policy, f] of Object.entries(b.faults)) {
      const before = a.faults[policy];
      if (before !== undefined && f > before)
        out.push({ policy, from: a.frames, to: b.frames, faultsFrom: before, faultsTo: f });
    }
  }
  return out;
}

/** A sentence for each rise, e.g. "FIFO faults more with 4 frames (10) than with 3 (9)". */
export function riseSentence(r: CurveRise): string {
  return `${policyLabel(r.policy)} faults more with ${r.to} frames (${r.faultsTo}) than with ${r.from} (${r.faultsFrom})`;
}

/** The curve's frame range for a string of `distinct` pages: 1 up to one past all of them fit. */
export function defaultCurve(distinct: number): { from: number; to: number } {
  return { from: 1, to: Math.max(2, Math.min(64, distinct + 1)) };
}

/** Query string of POST /api/classic/trace. */
export function traceQuery(opts: {
  frames: number;
  policies: readonly string[];
  curve: { from: number; to: number } | null;
}): string {
  const q = new URLSearchParams({ frames: String(opts.frames) });
  if (opts.policies.length) q.set('policies', opts.policies.join(','));
  if (opts.curve) {
    q.set('curveFrom', String(opts.curve.from));
    q.set('curveTo', String(opts.curve.to));
  }
  return q.toString();
}

/** "line 3: …" or "reference 3: …" at the start of a bad_trace message: the place to show it. */
export function errorLine(message: string): { kind: 'line' | 'reference'; n: number } | null {
  const m = /^(line|reference) (\d+):/.exec(message);
  return m ? { kind: m[1] as 'line' | 'reference', n: Number(m[2]) } : null;
}

/** Checks a frame count or curve bound as typed; null when it is fine, else what is wrong. */
export function frameProblem(raw: string, what: string): string | null {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(v) || v < 1)
    return `${what}: "${raw}" is not a whole number of frames from 1`;
  if (v > 1 << 24) return `${what}: ${v} is more than ${1 << 24} frames`;
  return null;
}

/** Percent with one decimal ("75.0 %"). */
export const percent = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** Bytes for people ("1.2 MB"). */
export function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}
