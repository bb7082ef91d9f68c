/**
 * Sweeps through BullMQ on Redis: the submitter queues one job per grid point × seed under a
 * deterministic id, waits for the results, and shows the same progress as a local run; `npm run
 * worker` processes run the jobs on their own cores. A job's id is a hash of what it runs, so a
 * resubmitted sweep finds the runs already done and does not run them again, and a job retried
 * after its worker died is still one job, counted once.
 */
import { createHash } from 'node:crypto';
import { Queue, QueueEvents, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { JobResult, JobSpec, SweepPlan } from '@agelab/sim-core';
import { modelFingerprint } from './fingerprint.ts';
import { SweepPool, defaultThreads } from './pool.ts';

export const QUEUE_NAME = 'sweeps';
export const QUEUE_PREFIX = 'agelab';
/** Part of every job id, with the model's fingerprint: change it when the job format changes. */
export const RESULT_VERSION = 'agelab-sweep-1';
/** Finished jobs (and their results) stay in Redis this long, for resubmits to find. */
const KEEP_SECONDS = 7 * 24 * 3600;

export interface QueueJobData {
  sweep: string;
  /** The submitter's modelFingerprint(): a worker with another model refuses the job. */
  model: string;
  spec: JobSpec;
}

export const REDIS_ENV = 'AGELAB_REDIS_URL';

function connection(url: string): ConnectionOptions {
  // Workers block on Redis; BullMQ needs ioredis to retry those commands forever.
  return { url, maxRetriesPerRequest: null };
}

/**
 * The same job (scenario, policies, seed) of the same model gets the same id on every machine
 * and every submit; the grid index is left out, so identical points share one job.
 */
export function jobIdOf(spec: JobSpec, model = modelFingerprint()): string {
  const key = JSON.stringify([RESULT_VERSION, model, spec.scenario, spec.policies, spec.seed]);
  return 'run-' + createHash('sha256').update(key).digest('hex').slice(0, 40);
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

export interface SubmitOptions {
  redisUrl: string;
  onProgress?(doneRuns: number): void;
  /**
   * Stop waiting: queued jobs no worker has taken are taken off the queue; running ones finish
   * and stay, finished ones stay, so a resubmit runs each job once overall.
   */
  signal?: AbortSignal;
  /** How often every pending job is looked up, besides the completion events (ms). */
  reconcileMs?: number;
  connectTimeoutMs?: number;
}

export class SweepStopped extends Error {
  constructor(
    readonly doneRuns: number,
    readonly totalRuns: number,
  ) {
    super(`stopped with ${doneRuns} of ${totalRuns} runs done`);
    this.name = 'SweepStopped';
  }
}

/**
 * Queue a plan's jobs (those not already there), wait for every result, and return them by job
 * index. Jobs that failed before are retried; jobs already finished are taken as they are.
 */
export async function submitSweep(
  plan: SweepPlan,
  opts: SubmitOptions,
): Promise<Map<number, JobResult>> {
  const conn = connection(opts.redisUrl);
  const queue = new Queue<QueueJobData, JobResult>(QUEUE_NAME, {
    connection: conn,
    prefix: QUEUE_PREFIX,
  });
  const events = new QueueEvents(QUEUE_NAME, { connection: conn, prefix: QUEUE_PREFIX });
  // ioredis reconnects forever; the submitter reports these through its own timeout instead
  queue.on('error', () => {});
  events.on('error', () => {});
  try {
    const timeout = opts.connectTimeoutMs ?? 10_000;
    await withTimeout(
      Promise.all([queue.waitUntilReady(), events.waitUntilReady()]),
      timeout,
      `cannot reach Redis at ${opts.redisUrl} within ${timeout / 1000} s`,
    );
    return await collect(plan, queue, events, opts);
  } finally {
    // close() waits for a connection that may never come: give it a moment, then cut it off
    // (disconnect() would wait too; the command line exits regardless).
    await withTimeout(Promise.allSettled([events.close(), queue.close()]), 2000, 'close').catch(
      () => {
        void events.disconnect().catch(() => {});
        void queue.disconnect().catch(() => {});
      },
    );
  }
}

async function collect(
  plan: SweepPlan,
  queue: Queue<QueueJobData, JobResult>,
  events: QueueEvents,
  opts: SubmitOptions,
): Promise<Map<number, JobResult>> {
  // Identical grid points share one job; its result is filed under each of their indices.
  const byId = new Map<string, JobSpec[]>();
  for (const job of plan.jobs) {
    const id = jobIdOf(job);
    const list = byId.get(id) ?? [];
    list.push(job);
    byId.set(id, list);
  }
  const results = new Map<number, JobResult>();
  const failed = new Map<string, string>();
  const pending = new Set(byId.keys());
  const perJob = plan.policies.length;
  let wake: (() => void) | null = null;
  const poke = () => wake?.();

  const file = (id: string, r: JobResult) => {
    if (!pending.delete(id)) return;
    for (const spec of byId.get(id)!) results.set(spec.index, { ...r, index: spec.index });
    opts.onProgress?.(results.size * perJob);
  };
  const add = (ids: string[]) =>
    queue.addBulk(
      ids.map((id) => ({
        name: plan.name,
        data: { sweep: plan.name, model: modelFingerprint(), spec: byId.get(id)![0] },
        opts: {
          jobId: id,
          attempts: 3,
          removeOnComplete: { age: KEEP_SECONDS },
          removeOnFail: { age: KEEP_SECONDS },
        },
      })),
    );
  /** Look a job up; file its result, note its failure, or queue it again if it has vanished. */
  const check = async (id: string, resubmit: boolean): Promise<void> => {
    const job = await queue.getJob(id);
    if (!job) {
      await add([id]);
      return;
    }
    if (job.finishedOn && job.returnvalue) file(id, job.returnvalue);
    else if (await job.isFailed()) {
      if (resubmit) await job.retry('failed');
      else {
        failed.set(id, job.failedReason);
        pending.delete(id);
      }
    }
  };
  const checkAll = async (resubmit: boolean) => {
    const ids = [...pending];
    for (let i = 0; i < ids.length; i += 200)
      await Promise.all(ids.slice(i, i + 200).map((id) => check(id, resubmit)));
  };

  events.on('completed', ({ jobId, returnvalue }) => {
    if (!pending.has(jobId)) return;
    const r = (
      typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue
    ) as JobResult;
    file(jobId, r);
    poke();
  });
  events.on('failed', ({ jobId }) => {
    if (!pending.has(jobId)) return;
    // the last attempt's failure is final; earlier ones are retried by BullMQ itself
    void check(jobId, false).then(poke, poke);
  });

  // Queue what is missing (an existing id is left as it is by BullMQ), then take stock.
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += 500) await add(ids.slice(i, i + 500));
  await checkAll(true);
  opts.onProgress?.(results.size * perJob);

  const reconcileMs = opts.reconcileMs ?? 2000;
  while (pending.size && !opts.signal?.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, reconcileMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
      opts.signal?.addEventListener('abort', wake, { once: true });
    });
    wake = null;
    if (pending.size && !opts.signal?.aborted) await checkAll(false);
  }
  if (opts.signal?.aborted && pending.size) {
    // Stop the cluster's work on this sweep too: jobs no worker has taken go; running ones
    // finish and stay, and finished ones (even those whose completion we have not heard of yet)
    // are counted now and kept for the resume.
    const kept = await withdrawWaiting(queue, [...pending]);
    await Promise.all(kept.map((id) => check(id, false).catch(() => {})));
    throw new SweepStopped(results.size * perJob, plan.runs);
  }
  if (failed.size) {
    const [id, reason] = failed.entries().next().value!;
    throw new Error(`${failed.size} job(s) failed, e.g. ${id}: ${reason}`);
  }
  return results;
}

/**
 * Take the jobs among `ids` that are still waiting for a worker off the queue, and return the
 * others (running or finished), which are left as they are. Taking a job out of the waiting
 * lists is one atomic step, so a job cannot be started or finished between the look and the
 * removal: BullMQ's own remove() deletes any job that is not running, finished ones included,
 * and a stop that used it lost the result of a job that finished just before the stop (its run
 * then started again on resume).
 */
export async function withdrawWaiting(queue: Queue, ids: readonly string[]): Promise<string[]> {
  const client = await queue.client;
  const lists = [queue.toKey('wait'), queue.toKey('paused')];
  const sets = [queue.toKey('prioritized'), queue.toKey('delayed')];
  client.defineCommand(WITHDRAW_COMMAND, { numberOfKeys: 4, lua: WITHDRAW_SCRIPT });
  const kept: string[] = [];
  for (const id of ids) {
    const taken = Number(await client.runCommand(WITHDRAW_COMMAND, [...lists, ...sets, id]));
    // no worker can reach it now: delete its data (it holds no lock, so remove() does)
    if (taken > 0) await queue.remove(id);
    else kept.push(id);
  }
  return kept;
}

const WITHDRAW_COMMAND = 'agelabWithdrawWaiting';
/** KEYS: the wait and paused lists, the prioritized and delayed sets; ARGV[1]: the job id. */
const WITHDRAW_SCRIPT = `
local n = redis.call('LREM', KEYS[1], 0, ARGV[1]) + redis.call('LREM', KEYS[2], 0, ARGV[1])
return n + redis.call('ZREM', KEYS[3], ARGV[1]) + redis.call('ZREM', KEYS[4], ARGV[1])
`;

export interface QueueWorkerOptions {
  redisUrl: string;
  /** Jobs run at once, each on its own thread (default: every core). */
  threads?: number;
  /** A job whose worker stops renewing its lock for this long is taken back and retried (ms). */
  lockDurationMs?: number;
  /** How often this worker looks for such jobs (ms). */
  stalledIntervalMs?: number;
  log?(line: string): void;
}

export interface QueueWorker {
  threads: number;
  close(): Promise<void>;
}

/** A process's share of the cluster: a BullMQ worker whose jobs run on a pool of threads. */
export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorker> {
  const threads = opts.threads ?? defaultThreads();
  const pool = new SweepPool(threads);
  const log = opts.log ?? (() => {});
  const lockDuration = opts.lockDurationMs ?? 30_000;
  const model = modelFingerprint();
  const worker = new Worker<QueueJobData, JobResult>(
    QUEUE_NAME,
    async (job) => {
      if (job.data.model !== model)
        throw new UnrecoverableError(
          `queued by a different model (${job.data.model}; this worker runs ${model}): update this machine's checkout`,
        );
      log(`started ${job.id} (${job.data.sweep}, attempt ${job.attemptsStarted})`);
      const r = await pool.run(job.data.spec);
      log(`finished ${job.id}`);
      return r;
    },
    {
      connection: connection(opts.redisUrl),
      prefix: QUEUE_PREFIX,
      concurrency: threads,
      lockDuration,
      stalledInterval: opts.stalledIntervalMs ?? lockDuration,
      // a worker killed mid-job stalls its job; let it come back a few times before it fails
      maxStalledCount: 5,
    },
  );
  // ioredis retries a lost connection forever; say so once every 10 s, not at every retry
  let lastError = '';
  let lastErrorAt = 0;
  worker.on('error', (e) => {
    if (e.message === lastError && Date.now() - lastErrorAt < 10_000) return;
    lastError = e.message;
    lastErrorAt = Date.now();
    log(`error: ${e.message} (retrying)`);
  });
  await worker.waitUntilReady();
  return {
    threads,
    async close() {
      await worker.close();
      await pool.close();
    },
  };
}
