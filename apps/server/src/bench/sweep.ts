/**
 * Benchmark: sweeps. Runs per second of a sweep of the classic preset on this machine's worker
 * threads, one thread against every core (the goal: ≥ 0.8 × linear), and queued through BullMQ
 * on a local redis-server with one and with two `npm run worker` processes, with the queue's
 * overhead per job (on near-empty jobs). Each measurement runs seeds of its own, so nothing queued
 * is a cached result.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { expandSweep, parseSweep, type SweepPlan } from '@agelab/sim-core';
import { runOnPool } from '../sweep/local-runner.ts';
import { SweepPool } from '../sweep/pool.ts';
import { submitSweep } from '../sweep/queue.ts';
import { startRedis, startWorker, type TestWorker } from '../sweep/test-processes.ts';
import type { BaselineRatio, BenchEntry, BenchResult, Figure } from './harness.ts';
import { round } from './timing.ts';

const GOAL = 0.8;
const POLICIES = ['always-old', 'unmap-emulation', 'ept-ad-bits'];

export interface SweepBenchOptions {
  jobs?: number;
  seconds?: number;
  /** Measure the queued runs too (default: when redis-server is installed). */
  queued?: boolean;
}

export function sweepBench(opts: SweepBenchOptions = {}): BenchEntry {
  return {
    id: 'sweep',
    title: 'Sweeps: runs per second on every core, and queued through BullMQ',
    goal: `runs per second on all cores ≥ ${GOAL} × cores × one thread's`,
    run: (ctx) => run(ctx.quick, opts, ctx.log),
  };
}

function planOf(firstSeed: number, jobs: number, seconds: number): SweepPlan {
  return expandSweep(
    parseSweep({
      name: `bench-${firstSeed}`,
      base: 'classic',
      axes: { seed: { from: firstSeed, to: firstSeed + jobs - 1 } },
      policies: POLICIES,
      seconds,
    }),
  );
}

/** Jobs with next to nothing to simulate: their wall time is the cost of handing a job out. */
function emptyPlan(firstSeed: number, jobs: number): SweepPlan {
  return expandSweep(
    parseSweep({
      name: `bench-empty-${firstSeed}`,
      base: {
        name: 'empty',
        guest: { memoryMiB: 4 },
        host: { memcgLimitMiB: 4, swapMiB: 0 },
        rate: 1000,
        boot: false,
        workload: { type: 'uniform' },
        seconds: 0.01,
      },
      axes: { seed: { from: firstSeed, to: firstSeed + jobs - 1 } },
      policies: POLICIES,
    }),
  );
}

interface LocalTiming {
  wallSeconds: number;
  /** CPU time the threads spent on the plan's jobs, ms (null off Linux). */
  cpuMs: number | null;
}

/** A plan on `threads` threads, the threads started and warmed up first. */
async function timeLocal(plan: SweepPlan, warm: SweepPlan, threads: number): Promise<LocalTiming> {
  const pool = new SweepPool(threads);
  try {
    await runOnPool(warm, pool);
    const cpu0 = pool.cpuMs;
    const t0 = performance.now();
    await runOnPool(plan, pool);
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpu1 = pool.cpuMs;
    return { wallSeconds, cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
  } finally {
    await pool.close();
  }
}

const hasRedis = () => spawnSync('redis-server', ['--version']).status === 0;

async function timeQueued(
  redisUrl: string,
  processes: number,
  plan: SweepPlan,
  warm: SweepPlan,
): Promise<number> {
  const workers: TestWorker[] = [];
  try {
    for (let i = 0; i < processes; i++)
      workers.push(await startWorker(redisUrl, ['--threads', '1']));
    await submitSweep(warm, { redisUrl, reconcileMs: 100 });
    const t0 = performance.now();
    await submitSweep(plan, { redisUrl, reconcileMs: 100 });
    return (performance.now() - t0) / 1000;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** Load average per core below which wall-time scaling is judged. */
const QUIET_SHARE = 0.5;
/** How long a full run waits for the machine to become that quiet. */
const QUIET_WAIT_S = 90;

async function run(
  quick: boolean,
  opts: SweepBenchOptions,
  log: (l: string) => void,
): Promise<BenchResult> {
  const cores = availableParallelism();
  // Scaling across cores is only measurable on a quiet machine. The entries before this one
  // (servers, viewers, browsers) leave the 1-minute load average high for a minute after they
  // end: a full run waits for it to settle (at most QUIET_WAIT_S), then says how quiet it was.
  if (!quick) {
    const until = performance.now() + QUIET_WAIT_S * 1000;
    if (loadavg()[0] >= QUIET_SHARE * cores)
      log(
        `  waiting up to ${QUIET_WAIT_S} s for the load average to fall below ${QUIET_SHARE * cores}`,
      );
    while (loadavg()[0] >= QUIET_SHARE * cores && performance.now() < until)
      await new Promise((r) => setTimeout(r, 2000));
  }
  const loadBefore = loadavg()[0];
  const jobs = opts.jobs ?? (quick ? 4 : 12);
  const seconds = opts.seconds ?? (quick ? 2 : 6);
  const runsOf = (p: SweepPlan) => p.runs;
  let seed = 1;
  const fresh = (n = jobs) => {
    const p = planOf(seed, n, seconds);
    seed += 1000;
    return p;
  };
  const figures: Figure[] = [];
  const ratios: BaselineRatio[] = [];

  const threadCounts = [...new Set([1, Math.min(2, cores), cores])];
  const rate = new Map<number, number>();
  const cpuPerRun = new Map<number, number | null>();
  for (const t of threadCounts) {
    const plan = fresh();
    const timing = await timeLocal(plan, fresh(t), t);
    const wall = timing.wallSeconds;
    rate.set(t, runsOf(plan) / wall);
    cpuPerRun.set(t, timing.cpuMs === null ? null : timing.cpuMs / runsOf(plan));
    log(`  local, ${t} thread(s): ${round(rate.get(t)!)} runs/s`);
    figures.push({
      name: `local, ${t} thread${t > 1 ? 's' : ''}`,
      value: round(rate.get(t)!),
      unit: 'runs/s',
    });
    const cpu = cpuPerRun.get(t);
    if (cpu !== null && cpu !== undefined)
      figures.push({
        name: `local, ${t} thread${t > 1 ? 's' : ''}: CPU time per run`,
        value: round(cpu),
        unit: 'ms',
      });
  }
  const one = rate.get(1)!;
  const all = rate.get(cores)!;
  const efficiency = all / (cores * one);
  ratios.push({
    subject: `local, ${cores} threads`,
    baseline: `${cores} × local, 1 thread`,
    ratio: round(efficiency),
    meaning: 'fraction of linear scaling',
  });
  // What the threads cost in CPU time does not depend on other load (as the wall time does): if
  // a run costs the same CPU on `cores` threads as on one, they scale linearly on idle cores.
  const cpuOne = cpuPerRun.get(1);
  const cpuAll = cpuPerRun.get(cores);
  const cpuEfficiency = cpuOne && cpuAll ? cpuOne / cpuAll : null;
  if (cpuEfficiency !== null)
    ratios.push({
      subject: `CPU time per run, 1 thread`,
      baseline: `CPU time per run, ${cores} threads`,
      ratio: round(cpuEfficiency),
      meaning: 'scaling on idle cores, from CPU time (1 = linear; below: threads slow each other)',
    });

  let queuedNote = 'not measured: redis-server is not installed';
  if (opts.queued ?? hasRedis()) {
    const redis = await startRedis();
    try {
      const q = new Map<number, number>();
      for (const n of [1, 2]) {
        const plan = fresh();
        const wall = await timeQueued(redis.url, n, plan, fresh(n));
        q.set(n, wall);
        log(`  queued, ${n} worker(s): ${round(runsOf(plan) / wall)} runs/s`);
        figures.push({
          name: `queued, ${n} worker process${n > 1 ? 'es' : ''} × 1 thread`,
          value: round(runsOf(plan) / wall),
          unit: 'runs/s',
        });
      }
      const localOneWall = (jobs * POLICIES.length) / one;
      // The queue's own cost, from jobs that simulate next to nothing: one worker through Redis
      // against one local thread, per job.
      const nEmpty = quick ? 20 : 60;
      const emptyQueued = await timeQueued(
        redis.url,
        1,
        emptyPlan(seed, nEmpty),
        emptyPlan(seed + 500, 3),
      );
      seed += 1000;
      const emptyLocal = (await timeLocal(emptyPlan(seed, nEmpty), emptyPlan(seed + 500, 3), 1))
        .wallSeconds;
      seed += 1000;
      const overheadMs = ((emptyQueued - emptyLocal) / nEmpty) * 1000;
      log(`  queue overhead: ${round(overheadMs)} ms per job`);
      figures.push({
        name: `queue overhead per job (${nEmpty} near-empty jobs, 1 worker against 1 local thread)`,
        value: round(overheadMs),
        unit: 'ms',
      });
      figures.push({
        name: 'queue overhead per run',
        value: round(overheadMs / POLICIES.length),
        unit: 'ms',
      });
      ratios.push({
        subject: 'queued, 1 worker',
        baseline: 'local, 1 thread',
        ratio: round(localOneWall / q.get(1)!),
        meaning: 'below 1: the cost of going through Redis',
      });
      ratios.push({
        subject: 'queued, 2 workers',
        baseline: 'queued, 1 worker',
        ratio: round(q.get(1)! / q.get(2)!),
        meaning: 'speed-up of the second worker process (2 = linear)',
      });
      queuedNote = `queued with one worker: ${round((q.get(1)! / jobs) * 1000)} ms of wall time per job, against ${round((localOneWall / jobs) * 1000)} ms on one local thread`;
    } finally {
      await redis.stop();
    }
  }
  // On a busy machine the wall-time figure measures the other load; judge it only when quiet.
  const quiet = loadBefore < QUIET_SHARE * cores;
  const met = cores >= 2 && quiet ? efficiency >= GOAL : null;
  return {
    status: 'measured',
    figures,
    ratios,
    goal: {
      text: `${cores} threads ≥ ${GOAL} × linear`,
      met,
      detail:
        `${round(efficiency)} × linear on ${cores} cores by wall time` +
        (quiet ? '' : ` (not judged: load average ${round(loadBefore)} before the run)`) +
        (cpuEfficiency === null ? '' : `; ${round(cpuEfficiency)} by CPU time per run`),
    },
    method:
      `A sweep of the classic preset over ${jobs} seeds, ${seconds} simulated s each, the three policies together ` +
      `in each job (${jobs * POLICIES.length} runs). Local: a pool of worker threads, started and warmed up on ` +
      `other seeds first, timed from the first job to the last result. Queued: a redis-server on loopback started ` +
      `for the bench, one or two \`npm run worker -- --threads 1\` processes (warmed up likewise), the submitter in ` +
      `this process; every measurement runs seeds of its own, so none is answered from Redis. The queue's overhead ` +
      `is measured on jobs that simulate next to nothing (a 4 MiB guest for 10 references), one worker process ` +
      `against one local thread. CPU time per run is each thread's own (/proc/thread-self/stat), which other ` +
      `load changes far less than wall time. A full run first waits up to ${QUIET_WAIT_S} s for the 1-minute ` +
      `load average to fall below ${QUIET_SHARE} × the cores (the entries before it leave it high).`,
    notes: [
      queuedNote,
      `1-minute load average ${round(loadBefore)} before and ${round(loadavg()[0])} after, on ${cores} cores: ` +
        `with other work running, the second thread shares a core and the scaling figure says little.`,
    ],
    obstacle:
      met === false
        ? `Two threads reach ${round(efficiency)} of linear on a quiet machine: they slow each other (memory bandwidth, shared L3).`
        : met === null && cores >= 2
          ? `The machine was busy (load average ${round(loadBefore)} on ${cores} cores), so the wall-time scaling was not judged; run the bench on a quiet machine.`
          : undefined,
  };
}
