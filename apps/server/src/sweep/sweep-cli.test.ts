import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSim } from '../cli/sim.ts';
import { runSweepCli } from '../cli/sweep.ts';
import { loadSweepFile } from './load-sweep.ts';
import { TINY_SWEEP } from './test-sweeps.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agelab-sweep-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface CliRun {
  policy: string;
  counters: Record<string, number>;
  slowdown: number;
  steady: { counters: Record<string, number>; slowdown: number } | null;
}

/** A figure as `npm run sim --json` reports it (steady.* from its steady-state window). */
function cliFigure(run: CliRun, figure: string): number | undefined {
  if (!figure.startsWith('steady.'))
    return figure === 'slowdown' ? run.slowdown : run.counters[figure];
  const name = figure.slice('steady.'.length);
  return name === 'slowdown' ? run.steady?.slowdown : run.steady?.counters[name];
}

async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runSim(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('npm run sweep (local)', () => {
  it('gives the same results as the same runs one by one through npm run sim --json', async () => {
    const file = join(dir, 'tiny.json');
    await writeFile(file, JSON.stringify(TINY_SWEEP));
    const out = join(dir, 'out');
    let stderr = '';
    const code = await runSweepCli([file, '--out', out, '--workers', '2'], {
      stdout: () => {},
      stderr: (t) => (stderr += t),
      progress: { write: (t: string) => (stderr += t) },
      env: {},
    });
    expect(stderr).toContain(`${2 * 2 * 3}/${2 * 2 * 3} runs`);
    expect(code).toBe(0);
    const doc = JSON.parse(await readFile(join(out, 'runs.json'), 'utf8')) as {
      runs: Record<string, string | number>[];
    };
    const csv = (await readFile(join(out, 'runs.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(doc.runs.length + 1);
    const summary = (await readFile(join(out, 'summary.csv'), 'utf8')).trim().split('\n');
    expect(summary).toHaveLength(1 + 2 * 3 * TINY_SWEEP.figures.length);

    const { plan } = await loadSweepFile(file);
    expect(doc.runs).toHaveLength(plan.runs);
    for (const job of plan.jobs) {
      const scenarioFile = join(dir, `job-${job.index}.json`);
      await writeFile(scenarioFile, JSON.stringify(job.scenario));
      const r = await runCli([
        '--scenario',
        scenarioFile,
        '--compare',
        job.policies.join(','),
        '--seed',
        String(job.seed),
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const cli = JSON.parse(r.stdout) as { runs: CliRun[] };
      cli.runs.forEach((run, p) => {
        const row = doc.runs[job.index * plan.policies.length + p];
        expect(row.policy).toBe(run.policy);
        expect(row.seed).toBe(job.seed);
        expect(row['host.memcgLimitMiB']).toBe(job.point['host.memcgLimitMiB']);
        for (const f of plan.figures) {
          expect(cliFigure(run, f), f).toBeTypeOf('number');
          expect(row[f], f).toBe(cliFigure(run, f));
        }
      });
    }
  });

  it('refuses a bad axis before running anything, naming the field, the value and the range', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({ ...TINY_SWEEP, axes: { 'host.memcgLimitMiB': [6, -1], seed: [1] } }),
    );
    let stderr = '';
    const code = await runSweepCli([file, '--out', join(dir, 'bad-out')], {
      stdout: () => {},
      stderr: (t) => (stderr += t),
      progress: { write: () => {} },
      env: {},
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/axes\["host.memcgLimitMiB"\] value -1: .*allowed minimum 0.25/);
    expect(stderr).not.toContain('runs  ');
  });
});
