import type { SweepPlan } from './expand.ts';
import type { JobResult } from './run-job.ts';
import { describeSample } from './stats.ts';

export type SweepCell = number | string | boolean | null;

/** Columns and rows, shared by the CSV and the JSON outputs so both read the same. */
export interface SweepTable {
  columns: string[];
  rows: SweepCell[][];
}

function resultsInOrder(plan: SweepPlan, results: ReadonlyMap<number, JobResult>): JobResult[] {
  return plan.jobs.map((j) => {
    const r = results.get(j.index);
    if (!r) throw new Error(`job ${j.index} has no result`);
    return r;
  });
}

const num = (v: number | undefined): SweepCell =>
  v === undefined || !Number.isFinite(v) ? null : v;

/**
 * One row per run (job × policy), in the plan's fixed order whatever order the jobs finished
 * in: the axes' values, the seed, the policy, then the collected figures by name.
 */
export function runsTable(plan: SweepPlan, results: ReadonlyMap<number, JobResult>): SweepTable {
  const columns = [
    'run',
    'cell',
    ...plan.axes.map((a) => a.path),
    'seed',
    'policy',
    ...plan.figures,
  ];
  const rows: SweepCell[][] = [];
  const ordered = resultsInOrder(plan, results);
  plan.jobs.forEach((job, j) => {
    plan.policies.forEach((policy, p) => {
      const run = ordered[j].runs.find((r) => r.policy === policy);
      if (!run) throw new Error(`job ${job.index} has no run of ${policy}`);
      rows.push([
        job.index * plan.policies.length + p,
        job.cell,
        ...plan.axes.map((a) => job.point[a.path]),
        job.seed,
        policy,
        ...plan.figures.map((f) => num(run.values[f])),
      ]);
    });
  });
  return { columns, rows };
}

/**
 * Per grid cell, policy and figure, over the seeds: mean, min, max and the 95 % interval of the
 * mean; and the ratio to the baseline policy, taken seed by seed (the two ran on the identical
 * reference stream, so the ratio is paired), with its own mean and interval. Seeds where the
 * baseline's figure is 0 have no ratio and are left out of it (`ratio_n` says how many count).
 */
export function summaryTable(plan: SweepPlan, results: ReadonlyMap<number, JobResult>): SweepTable {
  const columns = [
    'cell',
    ...plan.axes.map((a) => a.path),
    'policy',
    'figure',
    'n',
    'mean',
    'min',
    'max',
    'ci95_low',
    'ci95_high',
    'baseline',
    'ratio_n',
    'ratio_mean',
    'ratio_ci95_low',
    'ratio_ci95_high',
  ];
  const ordered = resultsInOrder(plan, results);
  const rows: SweepCell[][] = [];
  for (let c = 0; c < plan.cells; c++) {
    const jobs = plan.jobs.map((j, i) => ({ j, r: ordered[i] })).filter(({ j }) => j.cell === c);
    const point = jobs[0].j.point;
    const valueOf = (r: JobResult, policy: string, f: string) =>
      r.runs.find((x) => x.policy === policy)?.values[f] ?? NaN;
    for (const policy of plan.policies)
      for (const f of plan.figures) {
        const vs = jobs.map(({ r }) => valueOf(r, policy, f));
        const ratios = jobs
          .map(({ r }) => [valueOf(r, policy, f), valueOf(r, plan.baseline, f)])
          .filter(([, b]) => b !== 0 && Number.isFinite(b))
          .map(([v, b]) => v / b);
        const s = describeSample(vs);
        const q = describeSample(ratios);
        rows.push([
          c,
          ...plan.axes.map((a) => point[a.path]),
          policy,
          f,
          s.n,
          num(s.mean),
          num(s.min),
          num(s.max),
          num(s.ci95?.[0]),
          num(s.ci95?.[1]),
          plan.baseline,
          q.n,
          num(q.mean),
          num(q.ci95?.[0]),
          num(q.ci95?.[1]),
        ]);
      }
  }
  return { columns, rows };
}

function csvField(v: SweepCell): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV, a header line first; numbers at full precision, missing values empty. */
export function tableToCsv(t: SweepTable): string {
  return [t.columns, ...t.rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** The rows as objects keyed by column, in column order. */
export function tableToObjects(t: SweepTable): Record<string, SweepCell>[] {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));
}
