import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SweepError } from '@agelab/sim-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceNames } from '../scenario-loader.ts';
import { runSweepLocally } from './local-runner.ts';
import { loadSweepFile } from './load-sweep.ts';

const SCENARIOS = fileURLToPath(new URL('../../../../scenarios/', import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agelab-load-sweep-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sweep files', () => {
  it('read a scenario file as base, its traces found from any directory, and run in threads', async () => {
    const file = join(dir, 'trace.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'trace',
        base: join(SCENARIOS, 'lackey-trace.json'),
        axes: { 'host.memcgLimitMiB': [0.25, 0.5] },
        policies: ['always-old', 'unmap-emulation'],
        seconds: 0.2,
        figures: ['pswpout', 'sim_guest_refs'],
      }),
    );
    const { plan } = await loadSweepFile(file);
    const traces = plan.jobs.flatMap((j) => traceNames(j.scenario.workload));
    expect(traces).toHaveLength(2);
    for (const t of traces) expect(isAbsolute(t) && existsSync(t)).toBe(true);
    const results = await runSweepLocally(plan, 2);
    expect(results.get(0)!.runs[0].values.sim_guest_refs).toBe(0.2 * plan.jobs[0].scenario.rate);
  });

  it('say which file is missing or not JSON, and refuse a base that is neither preset nor file', async () => {
    await expect(loadSweepFile(join(dir, 'nope.json'))).rejects.toThrow(/cannot read sweep file/);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{ "name": ');
    await expect(loadSweepFile(bad)).rejects.toThrow(/not valid JSON/);
    const noBase = join(dir, 'nobase.json');
    await writeFile(
      noBase,
      JSON.stringify({ name: 'x', base: 'classic2', policies: ['always-old'] }),
    );
    const err = await loadSweepFile(noBase).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SweepError);
    expect((err as SweepError).issues[0]).toMatch(/base: "classic2" is not a preset/);
  });
});
