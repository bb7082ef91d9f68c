import { describe, expect, it } from 'vitest';
import { sweepBench } from './sweep.ts';

describe('sweep bench', () => {
  it('measures runs per second on one thread and on every core, and CPU time per run', async () => {
    const entry = sweepBench({ jobs: 2, seconds: 0.2, queued: false });
    const r = await entry.run({ quick: true, log: () => {} });
    expect(r.status).toBe('measured');
    const names = r.figures.map((f) => f.name);
    expect(names).toContain('local, 1 thread');
    for (const f of r.figures) expect(Number.isFinite(f.value), f.name).toBe(true);
    expect(r.ratios.map((x) => x.meaning)).toContain('fraction of linear scaling');
    expect(r.goal?.detail).toMatch(/× linear on \d+ cores/);
  });
});
