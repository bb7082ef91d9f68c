import { describe, expect, it } from 'vitest';
import { CHART_SPECS, chartProps, chartRuns } from './chart-specs';
import { applySeriesFrame, createSeriesBuffer } from './series';

const series = [{ name: 'pf_fixed' }, { name: 'usage_in_bytes' }, { name: 'limit_in_bytes' }];
function buffer() {
  const b = createSeriesBuffer(3);
  applySeriesFrame(
    b,
    {
      reset: true,
      first: 0,
      step: 0.1,
      width: 3,
      at: Float64Array.from([0, 100]),
      values: Float64Array.from([1, 2 ** 20, 2 ** 21, 3, 2 ** 21, 2 ** 21]),
    },
    1000,
  );
  return b;
}

describe('chart specs', () => {
  it('names every chart of the issue once, each "<metric>" unique', () => {
    const titles = CHART_SPECS.map((s) => s.title);
    expect(new Set(titles).size).toBe(titles.length);
    for (const t of ['EPT violations/s', 'Major faults/s', 'cgroup usage vs limit', 'LRU sizes'])
      expect(titles).toContain(t);
    for (const s of CHART_SPECS) if (s.series.length === 2) expect(s.pairLabels).toHaveLength(2);
  });

  it('builds one run per buffer from the named columns (a pair as values and limit)', () => {
    const usage = CHART_SPECS.find((s) => s.id === 'usage')!;
    const runs = chartRuns(usage, series, [
      { name: 'always-old', colour: '#fff', buffer: buffer() },
    ]);
    expect(runs).toHaveLength(1);
    expect([...runs![0].values]).toEqual([2 ** 20, 2 ** 21]);
    expect([...runs![0].limit!]).toEqual([2 ** 21, 2 ** 21]);
    expect([...runs![0].at]).toEqual([0, 0.1]);
    expect(chartProps(usage)).toEqual({
      title: 'cgroup usage vs limit',
      unit: 'MiB',
      variant: 'usage-limit',
      pairLabels: ['usage', 'limit'],
      scale: 2 ** -20,
    });
    const ept = CHART_SPECS.find((s) => s.id === 'ept')!;
    expect(chartProps(ept).variant).toBe('lines');
    expect([
      ...chartRuns(ept, series, [{ name: 'x', colour: '#fff', buffer: buffer() }])![0].values,
    ]).toEqual([1, 3]);
  });

  it('leaves out a chart whose series the server does not send', () => {
    const swap = CHART_SPECS.find((s) => s.id === 'swap')!;
    expect(chartRuns(swap, series, [{ name: 'x', colour: '#fff', buffer: buffer() }])).toBeNull();
  });
});
