import * as z from 'zod';
import { ALL_COUNTERS } from '../counters.ts';
import { POLICY_NAMES } from '../scenario.ts';

/**
 * A sweep: one base scenario, axes that vary its fields by path, the policies compared on each
 * point (in lockstep, on the identical reference stream), and the figures to collect. `seed` is
 * the axis of replicates: the summary aggregates over it.
 */

export const SEED_AXIS = 'seed';

/** Figures besides the counters (which are collected by their kernel names). */
export const DERIVED_FIGURES = ['slowdown'] as const;

/** Prefix of a figure over the steady-state window (`steady.slowdown`, `steady.pswpout`). */
export const STEADY_PREFIX = 'steady.';

/**
 * What `figures` may name: every counter, the derived figures, and each of those over the
 * steady-state window. A steady figure is empty in a run whose summary has no window.
 */
const WHOLE_RUN_FIGURES: readonly string[] = [...DERIVED_FIGURES, ...ALL_COUNTERS.names];
export const FIGURE_NAMES: readonly string[] = [
  ...WHOLE_RUN_FIGURES,
  ...WHOLE_RUN_FIGURES.map((f) => STEADY_PREFIX + f),
];

export const DEFAULT_FIGURES: readonly string[] = [
  'slowdown',
  'pgmajfault',
  'pswpin',
  'pswpout',
  'pf_fixed',
  'sim_ept_unmap_aging',
  'sim_rmap_add',
  'thp_split_page',
  'sim_false_old',
  'sim_hot_pages_swapped_out',
];

const axisValue = z.union([z.number(), z.string(), z.boolean()]);
export type AxisValue = z.infer<typeof axisValue>;

/** An inclusive numeric range: from, from+step, … up to to. */
const axisRange = z.strictObject({
  from: z.number(),
  to: z.number(),
  step: z.number().positive().default(1),
});

const axis = z.union([z.array(axisValue).min(1).max(10_000), axisRange]);

const policy = z.string().refine((p) => POLICY_NAMES.includes(p), {
  message: `unknown policy; allowed: ${POLICY_NAMES.join(', ')}`,
});

const figure = z.string().refine((f) => FIGURE_NAMES.includes(f), {
  message: `unknown figure; allowed: ${DERIVED_FIGURES.join(', ')} or a counter name (pgmajfault, pswpout, pf_fixed, sim_false_old, …), each also prefixed ${STEADY_PREFIX} for the steady-state window`,
});

export const sweepSchema = z.strictObject({
  name: z.string().min(1).max(100),
  description: z.string().max(2000).default(''),
  /** A preset name, a scenario file (for the command line; relative to the sweep file), or an inline scenario. */
  base: z.union([z.string().min(1).max(4096), z.record(z.string(), z.unknown())]),
  /** Fields fixed for the whole sweep, by path (applied to the base before the axes). */
  set: z.record(z.string(), z.unknown()).default({}),
  /** The grid: each key a scenario field path (or `seed`), each value a list or a range. */
  axes: z.record(z.string(), axis).default({}),
  policies: z.array(policy).min(1).max(16),
  /** The policy every other is divided by in the summary (default: the first). */
  baseline: z.string().optional(),
  /** Simulated seconds of every run (default: the base scenario's). */
  seconds: z.number().min(0.001).max(1e6).optional(),
  figures: z
    .array(figure)
    .min(1)
    .max(500)
    .default([...DEFAULT_FIGURES]),
});

export type SweepDefinition = z.output<typeof sweepSchema>;
export type SweepInput = z.input<typeof sweepSchema>;

/** A sweep that cannot run; each issue names the field (or axis), the value and what is allowed. */
export class SweepError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid sweep:\n  ${issues.join('\n  ')}`);
    this.name = 'SweepError';
  }
}

/** A sweep of more runs than allowed (a caller may answer it differently from a malformed one). */
export class SweepTooLargeError extends SweepError {
  constructor(
    readonly runs: number,
    readonly maxRuns: number,
    issue: string,
  ) {
    super([issue]);
    this.name = 'SweepTooLargeError';
  }
}

function pathText(path: readonly PropertyKey[]): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg))
      s += s ? `.${seg}` : seg;
    else s += `[${JSON.stringify(String(seg))}]`;
  }
  return s || '(sweep)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const got =
    'input' in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : '';
  let allowed = '';
  if (issue.code === 'too_small') allowed = `; allowed minimum ${String(issue.minimum)}`;
  if (issue.code === 'too_big') allowed = `; allowed maximum ${String(issue.maximum)}`;
  return `${pathText(issue.path)}: ${issue.message}${got}${allowed}`;
}

/** Validate a sweep's shape (parsed JSON). The scenarios it expands to are checked by expandSweep. */
export function parseSweep(input: unknown): SweepDefinition {
  const r = sweepSchema.safeParse(input, { reportInput: true });
  if (!r.success) throw new SweepError(r.error.issues.map(describeIssue));
  const d = r.data;
  const problems: string[] = [];
  if (d.baseline !== undefined && !d.policies.includes(d.baseline))
    problems.push(
      `baseline: "${d.baseline}" is not one of the sweep's policies; allowed: ${d.policies.join(', ')}`,
    );
  if (new Set(d.policies).size !== d.policies.length)
    problems.push('policies: a policy is named twice');
  if (problems.length) throw new SweepError(problems);
  return d;
}
