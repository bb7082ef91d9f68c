import { Comparison } from '../comparison.ts';
import type { Scenario } from '../scenario.ts';
import { summarize, type RunSummary } from '../summary.ts';
import type { TraceTable } from '../workload/build.ts';
import { STEADY_PREFIX } from './schema.ts';

/** What a job needs to run: all of it plain data, so it can cross a thread or a queue. */
export interface JobSpec {
  index: number;
  scenario: Scenario;
  policies: string[];
  seed: number;
}

/** One policy's figures in one job: every counter by its kernel name, and the derived figures. */
export interface JobRun {
  policy: string;
  values: Record<string, number>;
}

export interface JobResult {
  index: number;
  runs: JobRun[];
}

/**
 * The figures of one run: every counter by its kernel name and the slowdown, over the whole
 * run; and the same prefixed `steady.` over the steady-state window when there is one.
 */
export function figureValues(s: RunSummary): Record<string, number> {
  const values: Record<string, number> = { ...s.counters, slowdown: s.slowdown };
  const steady = s.steady;
  if (steady) {
    for (const [k, v] of Object.entries(steady.counters)) values[`${STEADY_PREFIX}${k}`] = v;
    values[`${STEADY_PREFIX}slowdown`] = steady.slowdown;
  }
  return values;
}

/**
 * Run a job: its policies in lockstep on one reference stream, stepped a simulated second at a
 * time exactly like `npm run sim`, so a sweep's run and the same run by the CLI agree bit for bit.
 */
export function runSweepJob(job: JobSpec, traces?: TraceTable): JobResult {
  const { scenario } = job;
  const cmp = new Comparison(scenario, job.policies, job.seed, { traces });
  const slice = Math.max(1, Math.round(scenario.rate));
  const total = Math.round(scenario.seconds * scenario.rate);
  while (cmp.refIndex < total) cmp.step(Math.min(slice, total - cmp.refIndex));
  return {
    index: job.index,
    runs: summarize(cmp).map((s) => ({ policy: s.policy, values: figureValues(s) })),
  };
}
