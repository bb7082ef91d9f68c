/**
 * `npm run sweep -- <sweep.json> [--out DIR] [--workers N] [--redis URL]`: a study of many runs.
 * Locally (the default) on a pool of worker threads, one per core; with --redis (or
 * AGELAB_REDIS_URL) through BullMQ, run by `npm run worker` processes anywhere. Writes runs.csv,
 * runs.json and summary.csv into the output directory.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SweepError, type JobResult } from '@agelab/sim-core';
import { loadSweepFile } from '../sweep/load-sweep.ts';
import { runSweepLocally } from '../sweep/local-runner.ts';
import { writeSweepOutputs } from '../sweep/outputs.ts';
import { defaultThreads } from '../sweep/pool.ts';
import { ProgressBar, formatDuration, type ProgressStream } from '../sweep/progress.ts';
import { REDIS_ENV, SweepStopped, submitSweep } from '../sweep/queue.ts';
import type { CliOutput } from './sim.ts';
import { CHART_USAGE, runChartCli } from './sweep-chart.ts';

export const SWEEP_USAGE = `usage: npm run sweep -- <sweep.json> [--out DIR] [--workers N] [--redis URL]

  --out DIR      where runs.csv, runs.json and summary.csv go (default sweep-results/<sweep name>)
  --workers N    worker threads on this machine, without --redis (default: one per core, here ${defaultThreads()})
  --redis URL    queue the runs in BullMQ on this Redis (or set ${REDIS_ENV}) for
                 \`npm run worker -- --redis URL\` processes to run; Ctrl-C stops, rerun resumes
  --max-runs N   refuse a sweep of more runs than this (default 100000)

       ${CHART_USAGE.replace('usage: ', '')}`;

/** The most runs a command-line sweep may have unless told otherwise. */
const DEFAULT_MAX_RUNS = 100_000;

export interface SweepCliIo extends CliOutput {
  /** Where the progress bar goes (stderr); a TTY gets it redrawn in place. */
  progress: ProgressStream;
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
}

class UsageError extends Error {}

const positiveInt = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${name} must be a positive integer, got "${v}"`);
  return n;
};

export async function runSweepCli(argv: string[], io: SweepCliIo): Promise<number> {
  if (argv[0] === 'chart') return runChartCli(argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        workers: { type: 'string' },
        redis: { type: 'string' },
        'max-runs': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    io.stderr(`${(e as Error).message}\n${SWEEP_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(SWEEP_USAGE);
    return 0;
  }
  try {
    if (positionals.length !== 1) throw new UsageError('give exactly one sweep file');
    const workers = positiveInt('--workers', values.workers) ?? defaultThreads();
    const maxRuns = positiveInt('--max-runs', values['max-runs']) ?? DEFAULT_MAX_RUNS;
    const redisUrl = values.redis ?? io.env[REDIS_ENV];
    const { plan } = await loadSweepFile(positionals[0], maxRuns);
    const out = values.out ?? join('sweep-results', plan.name);
    const where = redisUrl
      ? `queued on ${redisUrl}`
      : `on ${Math.min(workers, plan.jobs.length)} threads`;
    io.stderr(
      `sweep ${plan.name}: ${plan.cells} grid points × ${plan.seeds.length} seeds × ${plan.policies.length} policies = ${plan.runs} runs, ${where}\n`,
    );
    const bar = new ProgressBar(io.progress, plan.runs);
    const started = Date.now();
    const onProgress = (done: number) => bar.update(done);
    let results: Map<number, JobResult>;
    try {
      results = redisUrl
        ? await submitSweep(plan, { redisUrl, onProgress, signal: io.signal })
        : await runSweepLocally(plan, workers, { onProgress, signal: io.signal });
    } finally {
      bar.finish();
    }
    const files = await writeSweepOutputs(out, plan, results);
    io.stderr(
      `${plan.runs} runs in ${formatDuration((Date.now() - started) / 1000)}; wrote ${files.join(', ')}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${e.message}\n${SWEEP_USAGE}`);
      return 2;
    }
    if (e instanceof SweepError) {
      io.stderr(`${e.message}\n`);
      return 2;
    }
    if (e instanceof SweepStopped) {
      io.stderr(
        `${e.message}; run the same command again to resume (finished runs are kept in Redis)\n`,
      );
      return 130;
    }
    if (io.signal?.aborted) {
      io.stderr('stopped\n');
      return 130;
    }
    io.stderr(`${(e as Error).message}\n`);
    return 1;
  }
}

const invokedDirectly =
  process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\/apps\//, 'apps/'));
if (invokedDirectly) {
  const ctl = new AbortController();
  process.once('SIGINT', () => ctl.abort());
  process.once('SIGTERM', () => ctl.abort());
  runSweepCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    progress: process.stderr,
    env: process.env,
    signal: ctl.signal,
  }).then((code) => {
    // A Redis that never answered leaves reconnect timers behind; they must not keep us alive.
    process.exitCode = code;
    setTimeout(() => process.exit(code), 1000).unref();
  });
}
