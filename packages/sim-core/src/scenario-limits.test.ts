import { describe, expect, it } from 'vitest';
import { getPreset, PRESET_NAMES, presetInput } from './presets.ts';
import { ScenarioError, parseScenario } from './scenario.ts';
import { DEFAULT_SCENARIO_LIMITS, workloadCost } from './scenario-limits.ts';

const base = {
  name: 'x',
  guest: { memoryMiB: 4096 },
  host: { memcgLimitMiB: 2048, swapMiB: 4096 },
};

function refusal(input: unknown, limits = DEFAULT_SCENARIO_LIMITS): string {
  try {
    parseScenario(input, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as ScenarioError).issues.join('\n');
  }
  throw new Error('expected the scenario to be refused');
}

const zipf = { type: 'zipf', exponent: 1.1 };

describe('scenario structure and cost limits (issue 14, rows 1 and 10)', () => {
  it('phases nested 1,000 deep are refused naming the depth, not a stack overflow', () => {
    let w: unknown = { type: 'uniform' };
    for (let i = 0; i < 1000; i++) w = { type: 'phases', phases: [{ seconds: 1, workload: w }] };
    // 3 JSON levels a phase: the JSON depth limit names it first
    expect(refusal({ ...base, workload: w })).toMatch(
      /nested more than 64 levels deep.*maxJsonDepth/,
    );
    let v: unknown = { type: 'uniform' };
    for (let i = 0; i < 9; i++) v = { type: 'mix', parts: [{ weight: 1, workload: v }] };
    expect(refusal({ ...base, workload: v })).toMatch(
      /workloads nested more than 8 deep.*maxWorkloadDepth/,
    );
  });

  it('JSON nested 100,000 deep anywhere is refused without recursion', () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(refusal({ ...base, description: v, workload: { type: 'uniform' } })).toContain(
      'maxJsonDepth',
    );
  });

  it('a mix of 16 × 64 zipf parts (1,024 leaves) is refused naming the leaf limit', () => {
    const inner = {
      type: 'mix',
      parts: Array.from({ length: 64 }, () => ({ weight: 1, workload: zipf })),
    };
    const w = {
      type: 'mix',
      parts: Array.from({ length: 16 }, () => ({ weight: 1, workload: inner })),
    };
    const msg = refusal({ ...base, workload: w });
    expect(msg).toContain('1024 workload leaves');
    expect(msg).toContain('maxWorkloadLeaves');
  });

  it('zipf parts whose CDFs would take more than the byte budget are refused before any is built', () => {
    // 17 zipf parts over a 4 GiB guest: 17 × 8 MiB = 136 MiB > 128 MiB
    const w = {
      type: 'mix',
      parts: Array.from({ length: 17 }, () => ({ weight: 1, workload: zipf })),
    };
    const msg = refusal({ ...base, workload: w });
    expect(msg).toContain('136 MiB');
    expect(msg).toContain('maxWorkloadBytes');
    // a tighter limit (the server's) refuses two
    const two = { type: 'mix', parts: [zipf, zipf].map((workload) => ({ weight: 1, workload })) };
    expect(
      refusal(
        { ...base, workload: two },
        { ...DEFAULT_SCENARIO_LIMITS, maxWorkloadBytes: 8 << 20 },
      ),
    ).toContain('16 MiB');
  });

  it('every preset is within the limits, and the cost counts regions', () => {
    for (const p of PRESET_NAMES)
      expect(parseScenario(presetInput(p)).name).toBe(getPreset(p).name);
    expect(workloadCost({ type: 'zipf', sizeMiB: 4 }, 4096).bytes).toBe(4 * 256 * 8);
    expect(workloadCost({ type: 'zipf', offsetMiB: 4092 }, 4096).zipfPages).toBe(1024);
  });
});
