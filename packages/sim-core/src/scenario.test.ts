import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, getPreset } from './presets.ts';
import { ScenarioError, parseScenario } from './scenario.ts';

const valid = {
  name: 'x',
  guest: { memoryMiB: 64 },
  host: { memcgLimitMiB: 32, swapMiB: 64 },
  workload: { type: 'uniform' },
};

function issues(input: unknown): string[] {
  try {
    parseScenario(input);
  } catch (e) {
    if (e instanceof ScenarioError) return e.issues;
    throw e;
  }
  throw new Error('expected the scenario to be refused');
}

describe('scenarios', () => {
  it('every preset is valid, and classic is the 256 MB guest in a 128 MB cgroup', () => {
    for (const p of PRESET_NAMES) expect(getPreset(p).name).toBe(p);
    const c = getPreset('classic');
    expect([c.guest.memoryMiB, c.host.memcgLimitMiB]).toEqual([256, 128]);
    expect(getPreset('classic-thp').thp.enabled).toBe(true);
  });

  it('fills defaults', () => {
    const s = parseScenario(valid);
    expect(s.host.swappiness).toBe(60);
    expect(s.thp.khugepaged.pagesToScan).toBe(4096);
  });

  it('names the field, the value and the allowed range of an out-of-range number', () => {
    const msg = issues({ ...valid, guest: { memoryMiB: 100000 } }).join('\n');
    expect(msg).toContain('guest.memoryMiB');
    expect(msg).toContain('100000');
    expect(msg).toContain('65536');
  });

  it('refuses unknown fields, wrong types and unknown workload types', () => {
    expect(issues({ ...valid, colour: 'red' }).join()).toMatch(/colour/);
    expect(issues({ ...valid, rate: 'fast' }).join()).toMatch(/rate/);
    expect(issues({ ...valid, workload: { type: 'random-walk' } }).join()).toMatch(/workload/);
  });

  it('refuses a workload region or hot set that does not fit the guest', () => {
    expect(
      issues({ ...valid, workload: { type: 'scan', offsetMiB: 60, sizeMiB: 8 } }).join(),
    ).toMatch(/runs past the guest's 64 MiB/);
    expect(
      issues({ ...valid, workload: { type: 'hotcold', hotMiB: 80, hotShare: 0.5 } }).join(),
    ).toMatch(/hot set/);
  });

  it('refuses an unknown preset with the list of valid ones', () => {
    expect(() => getPreset('nope')).toThrow(/valid presets: classic, classic-thp/);
  });
});
