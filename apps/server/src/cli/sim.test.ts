import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Comparison, getPreset, summarize } from '@agelab/sim-core';
import { describe, expect, it } from 'vitest';
import { runSim } from './sim.ts';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runSim(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('npm run sim', () => {
  it('prints one JSON object whose counters equal a library run of the same inputs', async () => {
    const r = await run(
      '--scenario',
      'classic',
      '--compare',
      'always-old,ept-ad-bits',
      '--seconds',
      '3',
      '--seed',
      '5',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ scenario: 'classic', seed: 5, seconds: 3 });
    expect(out.runs.map((x: { policy: string }) => x.policy)).toEqual([
      'always-old',
      'ept-ad-bits',
    ]);
    const cmp = new Comparison(getPreset('classic'), ['always-old', 'ept-ad-bits'], 5);
    cmp.runFor(3);
    const expected = summarize(cmp);
    expect(out.runs[0].counters).toEqual(expected[0].counters);
    expect(out.runs[1].slowdown).toBeCloseTo(expected[1].slowdown, 12);
    expect(out.runs[0].falseOld).toBe(expected[0].counters.sim_false_old);
    expect(out.runs[0].counters.pgmajfault).toBeGreaterThan(0);
  });

  it("prints the steady-state window and each run's host kernel, in the table and in --json", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agelab-steady-'));
    const file = join(dir, 'steady.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'steady',
        guest: { memoryMiB: 16 },
        host: { memcgLimitMiB: 8, swapMiB: 32 },
        rate: 20_000,
        workload: { type: 'hotcold', hotMiB: 4, hotShare: 0.9 },
        steadyFromSeconds: 1,
      }),
    );
    const j = await run(
      '--scenario',
      file,
      '--compare',
      'always-old,unmap-emulation',
      '--seconds',
      '2',
      '--json',
    );
    expect(j.code).toBe(0);
    const out = JSON.parse(j.stdout);
    expect(out.runs.map((x: { hostKernel: string }) => x.hostKernel)).toEqual(['2.6.33', '2.6.34']);
    const st = out.runs[0].steady;
    expect([st.fromSeconds, st.toSeconds]).toEqual([1, 2]);
    expect(st.counters.sim_guest_refs).toBe(20_000);
    expect(st.counters.pgmajfault).toBeLessThanOrEqual(out.runs[0].counters.pgmajfault);
    const t = await run(
      '--scenario',
      file,
      '--compare',
      'always-old,unmap-emulation',
      '--seconds',
      '2',
    );
    expect(t.stdout).toMatch(/host kernel\s+2\.6\.33\s+2\.6\.34/);
    expect(t.stdout).toMatch(/steady state, 1 to 2 simulated seconds:/);
  });

  it('prints a side-by-side table', async () => {
    const r = await run(
      '--scenario',
      'idle',
      '--compare',
      'always-old,unmap-emulation',
      '--seconds',
      '1',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pgmajfault\s+\d+\s+\d+/);
    expect(r.stdout).toMatch(/guest slowdown/);
  });

  it('refuses an unknown preset, policy or option with the valid ones and exit status 2', async () => {
    let r = await run('--scenario', 'classik');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/valid presets: classic, classic-thp, idle, scan-hot/);
    r = await run('--policy', 'ept-magic');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/valid policies: always-old, unmap-emulation, ept-ad-bits/);
    r = await run('--frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/frobnicate/);
    r = await run('--seconds', '-4');
    expect(r.code).toBe(2);
  });

  it('reads a scenario file and names the bad field of an invalid one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agelab-'));
    const good = join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({
        name: 'mine',
        guest: { memoryMiB: 16 },
        host: { memcgLimitMiB: 8, swapMiB: 32 },
        workload: { type: 'zipf', exponent: 1.2 },
      }),
    );
    let r = await run('--scenario', good, '--seconds', '0.5', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).scenario).toBe('mine');
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        name: 'bad',
        guest: { memoryMiB: 16 },
        host: { memcgLimitMiB: -1, swapMiB: 32 },
        workload: { type: 'uniform' },
      }),
    );
    r = await run('--scenario', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/host\.memcgLimitMiB/);
    writeFileSync(bad, '{ not json');
    r = await run('--scenario', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON/);
  });

  it('runs a scenario whose workload replays a trace file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agelab-'));
    writeFileSync(
      join(dir, 'pages.txt'),
      Array.from({ length: 3000 }, (_, i) => String((i * 7) % 1500)).join('\n'),
    );
    const file = join(dir, 's.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'traced',
        guest: { memoryMiB: 8 },
        host: { memcgLimitMiB: 4, swapMiB: 16 },
        boot: false,
        rate: 1000,
        workload: { type: 'trace', trace: 'pages.txt', loop: true },
      }),
    );
    const r = await run(
      '--scenario',
      file,
      '--policy',
      'unmap-emulation',
      '--seconds',
      '5',
      '--json',
    );
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout).runs[0].counters;
    expect(c.sim_guest_refs).toBe(5000);
    expect(c.pgfault).toBeGreaterThanOrEqual(1500);
  });
});
