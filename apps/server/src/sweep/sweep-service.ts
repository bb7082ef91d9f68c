import { randomBytes } from 'node:crypto';
import {
  PRESET_NAMES,
  SweepError,
  SweepTooLargeError,
  baseInput,
  expandSweep,
  parseSweep,
  type JobResult,
  type SweepPlan,
} from '@agelab/sim-core';
import { traceNames } from '../scenario-loader.ts';
import { runOnPool } from './local-runner.ts';
import { SweepPool, defaultThreads } from './pool.ts';
import { progressFigures } from './progress.ts';
import type { SweepState, SweepStatus } from '@agelab/protocol';

export interface SweepLimits {
  /** Most runs (grid points × seeds × policies) in one sweep. */
  maxRunsPerSweep: number;
  /** Most sweeps running at once (they share one pool of threads, first come first served). */
  maxRunning: number;
  /** Finished sweeps kept for their results; the oldest finished one goes first. */
  maxKept: number;
  /** Worker threads the server runs sweep jobs on. */
  threads: number;
  /** Largest guest a sweep may simulate (the server's run limit). */
  maxGuestMiB: number;
}

const LIMIT_ENV: Record<
  Exclude<keyof SweepLimits, 'maxGuestMiB'>,
  [string, number, number, number]
> = {
  maxRunsPerSweep: ['AGELAB_MAX_SWEEP_RUNS', 2000, 1, 1_000_000],
  maxRunning: ['AGELAB_MAX_SWEEPS_RUNNING', 2, 1, 100],
  maxKept: ['AGELAB_MAX_SWEEPS_KEPT', 32, 1, 10_000],
  threads: ['AGELAB_SWEEP_THREADS', defaultThreads(), 1, 1024],
};

/** The server's sweep limits, each from its environment variable when set (refused out of range). */
export function sweepLimitsFromEnv(
  env: Record<string, string | undefined>,
  maxGuestMiB: number,
): SweepLimits {
  const out = { maxGuestMiB } as SweepLimits;
  for (const [key, [name, dflt, min, max]] of Object.entries(LIMIT_ENV) as [
    keyof typeof LIMIT_ENV,
    [string, number, number, number],
  ][]) {
    const raw = env[name];
    const v = raw === undefined ? dflt : Number(raw);
    if (!Number.isInteger(v) || v < min || v > max)
      throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    out[key] = v;
  }
  return out;
}

export type { SweepState, SweepStatus } from '@agelab/protocol';

/** A sweep the server holds: its plan, its results as they come, and who is watching. */
export class SweepRecord {
  state: SweepState = 'running';
  done = 0;
  error?: string;
  readonly results = new Map<number, JobResult>();
  private readonly started = Date.now();
  private finished?: number;
  private listeners = new Set<(s: SweepStatus) => void>();

  constructor(
    readonly id: string,
    readonly plan: SweepPlan,
  ) {}

  status(): SweepStatus {
    const elapsedMs = (this.finished ?? Date.now()) - this.started;
    const f = progressFigures({ done: this.done, total: this.plan.runs, elapsedMs });
    return {
      id: this.id,
      name: this.plan.name,
      state: this.state,
      done: this.done,
      total: this.plan.runs,
      jobs: this.plan.jobs.length,
      elapsedSeconds: elapsedMs / 1000,
      runsPerSecond: f.rate,
      etaSeconds: this.state === 'running' ? f.etaSeconds : 0,
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** Called with the status after every finished job and once at the end; returns unsubscribe. */
  subscribe(fn: (s: SweepStatus) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  progressed(done: number): void {
    this.done = done;
    this.emit();
  }

  end(error?: string): void {
    this.finished = Date.now();
    this.state = error ? 'failed' : 'done';
    this.error = error;
    this.emit();
    this.listeners.clear();
  }

  private emit(): void {
    const s = this.status();
    for (const fn of this.listeners) fn(s);
  }
}

/** An error a client can fix: 400 (bad sweep), 413 (too many runs), 429 (too many sweeps running). */
export class SweepRequestError extends Error {
  constructor(
    readonly statusCode: 400 | 413 | 429,
    readonly code: string,
    message: string,
    readonly issues?: string[],
  ) {
    super(message);
    this.name = 'SweepRequestError';
  }
}

/** Sweeps started over HTTP, run in this process on a shared pool of worker threads. */
export class SweepService {
  private readonly sweeps = new Map<string, SweepRecord>();
  private pool: SweepPool | null = null;

  constructor(readonly limits: SweepLimits) {}

  get(id: string): SweepRecord | undefined {
    return this.sweeps.get(id);
  }

  list(): SweepRecord[] {
    return [...this.sweeps.values()];
  }

  /** Validate a sweep (before anything runs) and start it. */
  create(input: unknown): SweepRecord {
    const plan = this.plan(input);
    const running = this.list().filter((s) => s.state === 'running').length;
    if (running >= this.limits.maxRunning)
      throw new SweepRequestError(
        429,
        'too_many_sweeps',
        `${running} sweeps are running; allowed ${this.limits.maxRunning} at once (AGELAB_MAX_SWEEPS_RUNNING)`,
      );
    this.evict();
    const rec = new SweepRecord(randomBytes(9).toString('base64url'), plan);
    this.sweeps.set(rec.id, rec);
    this.pool ??= new SweepPool(this.limits.threads);
    runOnPool(plan, this.pool, {
      onProgress: (done) => rec.progressed(done),
    }).then(
      (results) => {
        for (const [k, v] of results) rec.results.set(k, v);
        rec.end();
      },
      (e: unknown) => rec.end((e as Error).message),
    );
    return rec;
  }

  private plan(input: unknown): SweepPlan {
    try {
      const def = parseSweep(input);
      if (typeof def.base === 'string' && !PRESET_NAMES.includes(def.base))
        throw new SweepError([
          `base: "${def.base}": the server reads no files; give a preset (${PRESET_NAMES.join(', ')}) or an inline scenario`,
        ]);
      const plan = expandSweep(def, baseInput(def), { maxRuns: this.limits.maxRunsPerSweep });
      const issues: string[] = [];
      const big = plan.jobs.find((j) => j.scenario.guest.memoryMiB > this.limits.maxGuestMiB);
      if (big)
        issues.push(
          `guest.memoryMiB: ${big.scenario.guest.memoryMiB} is larger than this server allows; allowed maximum ${this.limits.maxGuestMiB} (AGELAB_MAX_GUEST_MIB)`,
        );
      if (plan.jobs.some((j) => traceNames(j.scenario.workload).length > 0))
        issues.push(
          'workload: trace workloads read files, which the server does not; use npm run sweep',
        );
      if (issues.length) throw new SweepError(issues);
      return plan;
    } catch (e) {
      if (!(e instanceof SweepError)) throw e;
      throw e instanceof SweepTooLargeError
        ? new SweepRequestError(413, 'too_many_runs', `${e.issues[0]} (AGELAB_MAX_SWEEP_RUNS)`)
        : new SweepRequestError(400, 'invalid_sweep', e.message, e.issues);
    }
  }

  private evict(): void {
    const finished = this.list().filter((s) => s.state !== 'running');
    while (this.sweeps.size >= this.limits.maxKept && finished.length)
      this.sweeps.delete(finished.shift()!.id);
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = null;
  }
}
