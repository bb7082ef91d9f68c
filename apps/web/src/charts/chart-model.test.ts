import { describe, expect, it } from 'vitest';
import {
  chartSummary,
  latestValues,
  typicalStep,
  robustYDomain,
  valuesAt,
  yDomain,
  type ChartRun,
} from './chart-model';

const run = (name: string, values: number[], limit?: number[]): ChartRun => ({
  name,
  colour: '#fff',
  at: Float64Array.from(values.map((_, i) => i * 0.5)),
  values: Float64Array.from(values),
  limit: limit && Float64Array.from(limit),
});

describe('chart model', () => {
  it('spans every line (and limit) in the window from the floor', () => {
    const runs = [run('a', [1, 5, 3]), run('b', [2, 9, NaN])];
    expect(yDomain(runs, [0, 1])).toEqual([0, 9]);
    expect(yDomain([run('c', [1, 2], [10, 10])], [0, 1])).toEqual([0, 10]);
    expect(yDomain([run('d', [-4, 2])], [0, 1])).toEqual([-4, 2]);
    expect(yDomain([], [0, 1])).toEqual([0, 1]);
    expect(yDomain([run('e', [0, 0])], [0, 1])).toEqual([0, 1]);
    expect(yDomain([run('f', [0, 2 ** 21])], [0, 1], 0, 2 ** -20)).toEqual([0, 2]);
  });

  it('clips a boot spike off the axis and says how high it went; follows a steady line', () => {
    const steady = Array.from({ length: 200 }, (_, i) => 1000 + (i % 10) * 50);
    const spiked = [100_000, 80_000, ...steady.slice(2)];
    const r = robustYDomain([run('a', spiked)], [0, 100]);
    expect(r.clipped).toBe(100_000);
    expect(r.domain[0]).toBe(0);
    expect(r.domain[1]).toBeGreaterThanOrEqual(1450);
    expect(r.domain[1]).toBeLessThan(5000);
    // no spike: the whole range, nothing clipped
    expect(robustYDomain([run('b', steady)], [0, 100])).toEqual({
      domain: [0, 1450],
      clipped: null,
    });
    // the spike outside the window does not count
    expect(robustYDomain([run('c', spiked)], [2, 100]).clipped).toBeNull();
    // few points: never clipped
    expect(robustYDomain([run('d', [100_000, 1, 1])], [0, 10]).clipped).toBeNull();
  });

  it('reads each run at the point nearest the hover time, none when too far', () => {
    const runs = [run('a', [1, 5, 3], [8, 8, 8]), run('b', [2])];
    const v = valuesAt(runs, 0.6, 0.5);
    expect(v[0]).toMatchObject({ name: 'a', time: 0.5, value: 5, limit: 8 });
    expect(v[1].value).toBeNaN();
    expect(valuesAt(runs, 0.2, 0.5)[1]).toMatchObject({ time: 0, value: 2 });
  });

  it('says the latest value of every run', () => {
    const runs = [run('always-old', [10, 1234.5]), run('unmap-emulation', [3, NaN])];
    expect(latestValues(runs).map((v) => v.value)).toEqual([1234.5, 3]);
    expect(chartSummary('EPT violations/s', '/s', runs)).toBe(
      'EPT violations/s, latest: always-old 1,235/s at 0.5 s; unmap-emulation 3/s at 0.0 s.',
    );
    expect(chartSummary('cgroup usage', 'pages', [run('x', [5], [10])])).toBe(
      'cgroup usage, latest: x usage 5 pages, limit 10 pages at 0.0 s.',
    );
    expect(chartSummary('Major faults/s', '/s', [run('x', [])])).toBe(
      'Major faults/s: no data yet.',
    );
  });

  it('measures the spacing of the latest points', () => {
    expect(typicalStep([run('a', [1, 2, 3])])).toBe(0.5);
    expect(typicalStep([])).toBe(0);
  });
});
