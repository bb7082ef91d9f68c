import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expandSweep,
  parseSweep,
  type JobResult,
  type SweepInput,
  type SweepPlan,
} from '@agelab/sim-core';
import { runSweepLocally } from './local-runner.ts';
import { runsCsv, summaryCsv } from './outputs.ts';
import { QUEUE_PREFIX, SweepStopped, jobIdOf, submitSweep, withdrawWaiting } from './queue.ts';
import {
  startRedis,
  startWorker,
  waitForOutput,
  type TestRedis,
  type TestWorker,
} from './test-processes.ts';
import { TINY_SCENARIO, TINY_SWEEP } from './test-sweeps.ts';

// One redis-server and two worker processes for the whole file (starting them is most of its
// time); the test that kills a worker comes last.
let redis: TestRedis;
let a: TestWorker;
let b: TestWorker;

beforeAll(async () => {
  redis = await startRedis();
  const args = ['--threads', '1', '--lock-ms', '1000'];
  [a, b] = await Promise.all([startWorker(redis.url, args), startWorker(redis.url, args)]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

/** Jobs started so far by both workers. */
const started = () => (a.output() + b.output()).match(/^started /gm)?.length ?? 0;

const same = (plan: SweepPlan, a: Map<number, JobResult>, b: Map<number, JobResult>) => {
  expect(runsCsv(plan, a)).toBe(runsCsv(plan, b));
  expect(summaryCsv(plan, a)).toBe(summaryCsv(plan, b));
};

/** Jobs long enough (a few hundred ms a simulated second) that a worker can be caught in one. */
const slowerSweep = (name: string, seeds: number[], seconds = 3): SweepInput => ({
  name,
  base: {
    ...TINY_SCENARIO,
    guest: { memoryMiB: 48 },
    host: { memcgLimitMiB: 24, swapMiB: 64 },
    rate: 40_000,
    seconds,
  },
  axes: { seed: seeds },
  policies: ['always-old', 'unmap-emulation', 'ept-ad-bits'],
});

describe('sweeps through BullMQ on a real redis-server', () => {
  it('two workers give results identical to a local run; a resubmit runs nothing again', async () => {
    const plan = expandSweep(parseSweep(TINY_SWEEP));
    const local = await runSweepLocally(plan, 2);
    const before = started();
    const progress: number[] = [];
    const queued = await submitSweep(plan, {
      redisUrl: redis.url,
      onProgress: (d) => progress.push(d),
      reconcileMs: 200,
    });
    same(plan, local, queued);
    expect(Math.max(...progress)).toBe(plan.runs);
    expect(started() - before).toBe(plan.jobs.length);

    const again = await submitSweep(plan, { redisUrl: redis.url, reconcileMs: 200 });
    same(plan, local, again);
    expect(started() - before).toBe(plan.jobs.length);
  });

  it('a stop takes only jobs no worker has taken off the queue: a running one and one finished unseen stay', async () => {
    // its own queue, so the two workers above do not take these jobs
    const conn = { url: redis.url, maxRetriesPerRequest: null };
    const queue = new Queue('withdraw-test', { connection: conn, prefix: QUEUE_PREFIX });
    const worker = new Worker('withdraw-test', null, {
      connection: conn,
      prefix: QUEUE_PREFIX,
      autorun: false,
    });
    try {
      for (const id of ['done', 'running', 'waiting'])
        await queue.add(id, { id }, { jobId: id, removeOnComplete: false });
      await queue.add('later', {}, { jobId: 'later', delay: 60_000 });
      // 'done' finishes (the submitter never heard of it), 'running' is taken and held
      const done = await worker.getNextJob('t1');
      expect(done?.id).toBe('done');
      await done!.moveToCompleted({ ok: 1 }, 't1', false);
      const running = await worker.getNextJob('t2');
      expect(running?.id).toBe('running');

      const kept = await withdrawWaiting(queue, ['done', 'running', 'waiting', 'later']);
      expect(kept.sort()).toEqual(['done', 'running']);
      expect(await queue.getJob('waiting')).toBeUndefined();
      expect(await queue.getJob('later')).toBeUndefined();
      expect((await queue.getJob('done'))?.returnvalue).toEqual({ ok: 1 });
      expect(await (await queue.getJob('running'))?.getState()).toBe('active');
    } finally {
      await worker.close(true);
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('a stopped submitter takes its waiting jobs off the queue; resubmitting finishes the rest, each job started once', async () => {
    // more jobs than two workers can start before the first one finishes, so the stop leaves some unstarted
    const plan = expandSweep(parseSweep(slowerSweep('stop', [21, 22, 23, 24, 25, 26, 27, 28])));
    const before = started();
    const ctl = new AbortController();
    const first = submitSweep(plan, {
      redisUrl: redis.url,
      signal: ctl.signal,
      reconcileMs: 200,
      onProgress: (d) => d > 0 && ctl.abort(),
    });
    const stopped = await first.catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(SweepStopped);
    // what had finished by the stop is counted in its figure, including jobs finished unseen
    expect((stopped as SweepStopped).doneRuns).toBeGreaterThan(0);
    expect(started() - before).toBeLessThan(plan.jobs.length);
    const resumed = await submitSweep(plan, { redisUrl: redis.url, reconcileMs: 200 });
    same(plan, await runSweepLocally(plan, 2), resumed);
    // each job started once overall: the first submit's finished runs were not run again
    expect(started() - before).toBe(plan.jobs.length);
  });

  it('a worker killed mid-job: the job is retried by the other, every run counted once', async () => {
    const plan = expandSweep(parseSweep(slowerSweep('kill', [11, 12, 13, 14], 5)));
    const local = await runSweepLocally(plan, 2);
    const [victim, survivor] = [a, b];
    const mark = victim.output().length;
    const progress: number[] = [];
    const submitted = submitSweep(plan, {
      redisUrl: redis.url,
      onProgress: (d) => progress.push(d),
      reconcileMs: 200,
    });
    // the victim's first job of this sweep (its earlier lines are from the tests before)
    await waitForOutput(victim.child, () => victim.output().slice(mark), /^started run-/m, 20_000);
    const exited = new Promise((resolve) => victim.child.once('exit', resolve));
    victim.child.kill('SIGKILL');
    await exited;
    const begun = [...victim.output().matchAll(/^started (run-\w+)/gm)].map((m) => m[1]);
    const unfinished = begun.filter((id) => !victim.output().includes(`finished ${id}`));
    expect(unfinished.length).toBeGreaterThan(0);

    const queued = await submitted;
    same(plan, local, queued);
    expect(queued.size).toBe(plan.jobs.length);
    // progress only ever grows, and ends at the total: nothing was counted twice
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    expect(progress.at(-1)).toBe(plan.runs);
    for (const id of unfinished) {
      expect(plan.jobs.map((j) => jobIdOf(j))).toContain(id);
      expect(survivor.output()).toMatch(new RegExp(`^started ${id} .*attempt 2`, 'm'));
    }
  });
});
