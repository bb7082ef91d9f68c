import { describe, expect, it } from 'vitest';
import { chartSvg, logTicks, niceTicks } from './chart.ts';

describe('sweep chart', () => {
  it('picks round ticks that cover the data', () => {
    expect(niceTicks(0, 132)).toEqual([0, 25, 50, 75, 100, 125, 150]);
    expect(niceTicks(0, 6)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(logTicks(1, 132)).toEqual([1, 2, 5, 10, 20, 50, 100, 200]);
    expect(logTicks(1.000001, 17)).toEqual([1, 2, 5, 10, 20]);
    expect(logTicks(0.3, 0.9)).toEqual([0.2, 0.5, 1]);
  });

  it('draws a line and a band per policy, one point per axis value', () => {
    const rows = [64, 128, 256].flatMap((x) =>
      ['always-old', 'unmap-emulation'].flatMap((policy) =>
        [1, 2].map((seed) => ({ x, policy, value: x / 64 + seed / 10 })),
      ),
    );
    const svg = chartSvg({
      title: 'a <title>',
      xLabel: 'host.memcgLimitMiB',
      yLabel: 'slowdown',
      policies: ['always-old', 'unmap-emulation'],
      rows,
      logY: true,
    });
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<polygon /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(6);
    expect(svg).toContain('a &lt;title&gt;');
    expect(svg).not.toContain('NaN');
  });
});
