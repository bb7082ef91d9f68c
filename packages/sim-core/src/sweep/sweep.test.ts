import { describe, expect, it } from 'vitest';
import {
  SweepError,
  describeSample,
  expandSweep,
  parseSweep,
  runSweepJob,
  runsTable,
  summaryTable,
  tQuantile975,
  tableToCsv,
  type JobResult,
  type SweepInput,
} from './index.ts';

const tiny = {
  name: 'tiny',
  guest: { memoryMiB: 16 },
  host: { memcgLimitMiB: 8, swapMiB: 32 },
  rate: 2000,
  workload: { type: 'hotcold', hotMiB: 4, hotShare: 0.99 },
  seconds: 1,
};

const sweep = (over: Partial<SweepInput> = {}): SweepInput => ({
  name: 's',
  base: tiny,
  axes: { 'host.memcgLimitMiB': [6, 10], seed: { from: 1, to: 3 } },
  policies: ['always-old', 'unmap-emulation'],
  ...over,
});

/** The issues a sweep is refused with (fails the test if it is accepted). */
function issuesOf(input: unknown): string[] {
  try {
    expandSweep(parseSweep(input));
  } catch (e) {
    if (e instanceof SweepError) return e.issues;
    throw e;
  }
  throw new Error('the sweep was accepted');
}

describe('sweep schema', () => {
  it('expands the grid cell-major with seeds innermost, every scenario validated', () => {
    const plan = expandSweep(parseSweep(sweep()));
    expect(plan.cells).toBe(2);
    expect(plan.seeds).toEqual([1, 2, 3]);
    expect(plan.runs).toBe(12);
    expect(plan.jobs.map((j) => [j.cell, j.seed, j.point['host.memcgLimitMiB']])).toEqual([
      [0, 1, 6],
      [0, 2, 6],
      [0, 3, 6],
      [1, 1, 10],
      [1, 2, 10],
      [1, 3, 10],
    ]);
    expect(plan.jobs[4].scenario.host.memcgLimitMiB).toBe(10);
    // defaults were filled in by the scenario schema
    expect(plan.jobs[0].scenario.host.swapDevice).toBe('hdd');
    expect(plan.baseline).toBe('always-old');
  });

  it('takes a preset as base, fixed fields by path, and sweep-wide seconds', () => {
    const plan = expandSweep(
      parseSweep({
        name: 'p',
        base: 'classic',
        set: { 'guest.memoryMiB': 32, 'host.memcgLimitMiB': 16, 'workload.hotOffsetMiB': 0 },
        axes: { 'workload.hotMiB': { from: 2, to: 8, step: 2 }, 'host.swapDevice': ['hdd', 'ssd'] },
        policies: ['ept-ad-bits'],
        seconds: 2,
      }),
    );
    expect(plan.cells).toBe(8);
    expect(plan.jobs.map((j) => j.point)).toContainEqual({
      'workload.hotMiB': 6,
      'host.swapDevice': 'ssd',
    });
    expect(
      plan.jobs.every((j) => j.scenario.seconds === 2 && j.scenario.guest.memoryMiB === 32),
    ).toBe(true);
  });

  it('refuses an out-of-range axis value with the field, the value and the allowed range', () => {
    const issues = issuesOf(sweep({ axes: { 'host.memcgLimitMiB': [8, 0.1] } }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain('axes["host.memcgLimitMiB"] value 0.1');
    expect(issues[0]).toContain('allowed minimum 0.25');
  });

  it('refuses a value outside an enum, a field that does not exist and a cross-field clash', () => {
    expect(issuesOf(sweep({ axes: { 'host.swapDevice': ['ssd', 'floppy'] } }))[0]).toMatch(
      /axes\["host.swapDevice"\] value "floppy": host.swapDevice: .*hdd.*ssd.*nvme/,
    );
    expect(issuesOf(sweep({ axes: { 'host.memcgLimitMb': [8] } }))[0]).toMatch(/memcgLimitMb/);
    expect(issuesOf(sweep({ axes: { 'guest.memoryMiB.x': [1] } }))[0]).toMatch(
      /guest.memoryMiB is 16, not an object/,
    );
    const clash = issuesOf(sweep({ axes: { 'workload.hotMiB': [4, 64] } }));
    expect(clash[0]).toMatch(/axes\["workload.hotMiB"\] value 64: workload.hotMiB: hot set/);
  });

  it('refuses bad seeds, policies, figures, baselines and too many runs', () => {
    expect(issuesOf(sweep({ axes: { seed: [1, -2] } }))[0]).toMatch(
      /axes\["seed"\]: -2 is not a seed; allowed integers 0 to 4294967295/,
    );
    expect(issuesOf(sweep({ policies: ['always-young'] }))[0]).toMatch(
      /policies\[0\]: unknown policy; allowed: .*unmap-emulation/,
    );
    expect(issuesOf(sweep({ figures: ['pgmajfaults'] }))[0]).toMatch(
      /figures\[0\]: unknown figure/,
    );
    expect(parseSweep(sweep({ figures: ['steady.slowdown', 'steady.pswpout'] })).figures).toEqual([
      'steady.slowdown',
      'steady.pswpout',
    ]);
    expect(issuesOf(sweep({ baseline: 'ept-ad-bits' }))[0]).toMatch(/baseline: "ept-ad-bits"/);
    expect(issuesOf(sweep({ axes: { seed: { from: 5, to: 1 } } }))[0]).toMatch(/backwards/);
    expect(issuesOf(sweep({ base: 'no-such-preset' }))[0]).toMatch(/not a preset/);
    expect(() =>
      expandSweep(parseSweep(sweep({ axes: { seed: { from: 1, to: 100 } } })), undefined, {
        maxRuns: 50,
      }),
    ).toThrow(/1 grid points × 100 seeds × 2 policies = 200 runs; allowed at most 50/);
  });
});

describe('sweep results', () => {
  it('runs a job as a pure function of it, and tabulates runs and a summary in the fixed order', () => {
    const plan = expandSweep(parseSweep(sweep({ figures: ['slowdown', 'pswpout'] })));
    const results = new Map<number, JobResult>();
    // finish the jobs backwards: the tables must not depend on the order
    for (const job of [...plan.jobs].reverse()) results.set(job.index, runSweepJob(job));
    expect(runSweepJob(plan.jobs[2])).toEqual(results.get(2));

    const runs = runsTable(plan, results);
    expect(runs.columns).toEqual([
      'run',
      'cell',
      'host.memcgLimitMiB',
      'seed',
      'policy',
      'slowdown',
      'pswpout',
    ]);
    expect(runs.rows.map((r) => r[0])).toEqual([...Array(12).keys()]);
    expect(runs.rows[1].slice(1, 5)).toEqual([0, 6, 1, 'unmap-emulation']);

    const summary = summaryTable(plan, results);
    expect(summary.rows).toHaveLength(2 * 2 * 2);
    const col = (name: string) => summary.columns.indexOf(name);
    const row = summary.rows.find(
      (r) =>
        r[col('policy')] === 'unmap-emulation' &&
        r[col('cell')] === 0 &&
        r[col('figure')] === 'slowdown',
    )!;
    const seedsValues = plan.jobs
      .filter((j) => j.cell === 0)
      .map((j) => results.get(j.index)!.runs[1].values.slowdown);
    const base = plan.jobs
      .filter((j) => j.cell === 0)
      .map((j) => results.get(j.index)!.runs[0].values.slowdown);
    expect(row[col('n')]).toBe(3);
    expect(row[col('mean')]).toBeCloseTo(seedsValues.reduce((a, b) => a + b) / 3, 12);
    expect(row[col('min')]).toBe(Math.min(...seedsValues));
    expect(row[col('ratio_mean')]).toBeCloseTo(
      seedsValues.map((v, i) => v / base[i]).reduce((a, b) => a + b) / 3,
      12,
    );
    const baselineRow = summary.rows.find(
      (r) => r[col('policy')] === 'always-old' && r[col('figure')] === 'slowdown',
    )!;
    expect(baselineRow[col('ratio_mean')]).toBe(1);
    expect(tableToCsv(runs).split('\n')[0]).toBe(
      'run,cell,host.memcgLimitMiB,seed,policy,slowdown,pswpout',
    );
  });

  it('gives the mean and a Student-t interval', () => {
    const s = describeSample([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    const half = tQuantile975(3) * Math.sqrt(5 / 3 / 4);
    expect(s.ci95![0]).toBeCloseTo(2.5 - half, 12);
    expect(s.ci95![1]).toBeCloseTo(2.5 + half, 12);
    expect(describeSample([7]).ci95).toBeNull();
    expect(tQuantile975(1000)).toBeGreaterThan(1.96);
    expect(tQuantile975(1000)).toBeLessThan(1.97);
  });
});
