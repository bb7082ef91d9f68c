import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSim } from './sim.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const launcher = fileURLToPath(new URL('./sim-launch.mjs', import.meta.url));

describe('npm run sim launcher', () => {
  it('answers as the TypeScript CLI does, from a bundle it keeps up to date with its sources', async () => {
    const argv = ['--scenario', 'idle', '--policy', 'ept-ad-bits', '--seconds', '2', '--json'];
    const launched = execFileSync(process.execPath, [launcher, ...argv], {
      cwd: root,
      encoding: 'utf8',
    });
    let direct = '';
    expect(await runSim(argv, { stdout: (t) => (direct += t), stderr: () => {} })).toBe(0);
    expect(JSON.parse(launched)).toEqual(JSON.parse(direct));
    // the inputs it checks before reusing the bundle are the sources the bundle was built from
    const cache = `${root}node_modules/.cache/agelab`;
    const inputs: string[] = JSON.parse(readFileSync(`${cache}/sim.inputs.json`, 'utf8'));
    expect(inputs).toContain('apps/server/src/cli/sim.ts');
    expect(inputs).toContain('packages/sim-core/src/simulation.ts');
    expect(statSync(`${cache}/sim.mjs`).size).toBeGreaterThan(0);
  });

  it('passes the exit status of a usage error through', () => {
    let status = 0;
    try {
      execFileSync(process.execPath, [launcher, '--policy', 'nope'], { cwd: root, stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});
