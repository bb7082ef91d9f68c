import type { JobResult, SweepPlan } from '@agelab/sim-core';
import { SweepPool } from './pool.ts';

export interface RunOptions {
  /** Called after each finished job with the runs done so far. */
  onProgress?(doneRuns: number): void;
  signal?: AbortSignal;
}

/**
 * Run every job of a plan on `pool` and collect the results by job index (so the outputs have
 * the plan's order whatever order the threads finish in).
 */
export async function runOnPool(
  plan: SweepPlan,
  pool: SweepPool,
  opts: RunOptions = {},
): Promise<Map<number, JobResult>> {
  const results = new Map<number, JobResult>();
  const perJob = plan.policies.length;
  await Promise.all(
    plan.jobs.map(async (job) => {
      const r = await pool.run(job);
      if (opts.signal?.aborted) return;
      results.set(job.index, r);
      opts.onProgress?.(results.size * perJob);
    }),
  );
  if (opts.signal?.aborted) throw new Error('the sweep was stopped');
  return results;
}

/** A sweep on this machine's cores: a pool of `threads` worker threads, closed afterwards. */
export async function runSweepLocally(
  plan: SweepPlan,
  threads: number,
  opts: RunOptions = {},
): Promise<Map<number, JobResult>> {
  const pool = new SweepPool(Math.max(1, Math.min(threads, plan.jobs.length)));
  const stop = () => void pool.close();
  opts.signal?.addEventListener('abort', stop);
  try {
    return await runOnPool(plan, pool, opts);
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    await pool.close();
  }
}
