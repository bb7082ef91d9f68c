import { describe, expect, it } from 'vitest';
import { renderToString } from 'react-dom/server';
import { HistoryHeatmap, formatAddress, formatGfn, heatmapSummary } from './HistoryHeatmap';
import { Timeline } from './Timeline';
import { TimeSeriesChart } from './TimeSeriesChart';

const at = Float64Array.from([0, 0.1, 0.2]);

describe('TimeSeriesChart (server render)', () => {
  const html = renderToString(
    <TimeSeriesChart
      title="EPT violations/s"
      unit="/s"
      domain={[0, 1]}
      version={1}
      runs={[
        { name: 'always-old', colour: '#f39bc3', at, values: Float64Array.from([1, 2, 3]) },
        { name: 'unmap-emulation', colour: '#9eb1fc', at, values: Float64Array.from([4, 5, 6]) },
      ]}
    />,
  );
  it('is an image named "<metric> chart", described by a text summary', () => {
    expect(html).toMatch(/role="img"[^>]*aria-label="EPT violations\/s chart"/);
    const id = /aria-describedby="([^"]+)"/.exec(html)?.[1];
    expect(id).toBeTruthy();
    expect(html).toContain(`id="${id}"`);
    expect(html).toContain('always-old 3/s at 0.2 s; unmap-emulation 6/s at 0.2 s');
  });
  it('shows the hover time and every run’s value there in the legend when given one', () => {
    const hovered = renderToString(
      <TimeSeriesChart
        title="Major faults/s"
        unit="/s"
        domain={[0, 1]}
        version={1}
        hoverTime={0.1}
        runs={[{ name: 'always-old', colour: '#f39bc3', at, values: Float64Array.from([1, 2, 3]) }]}
      />,
    );
    expect(hovered).toContain('<li class="agl-legend-time">t = 0.1 s</li>');
    expect(hovered).toMatch(/always-old<!-- --> <b>2<\/b>/);
    expect(hovered).toContain('<circle cx="49.6"'); // a dot on the line at the rule
  });
  it('draws usage and a dashed limit key in the usage-limit variant', () => {
    const u = renderToString(
      <TimeSeriesChart
        title="cgroup usage vs limit"
        unit="pages"
        variant="usage-limit"
        domain={[0, 1]}
        version={1}
        runs={[
          {
            name: 'always-old',
            colour: '#f39bc3',
            at,
            values: at,
            limit: Float64Array.from([9, 9, 9]),
          },
        ]}
      />,
    );
    expect(u).toContain('stroke-dasharray="4 3"');
    expect(u).toContain('usage 0.2 pages, limit 9 pages at 0.2 s');
  });
});

describe('HistoryHeatmap (server render)', () => {
  it('is an image named after its policy, with a summary and a canvas raster', () => {
    const shares = new Uint8Array(3 * 4 * 2);
    shares[2 * 8 + 0 * 2 + 1] = 255; // last point, class 0 (swapped), bucket 1
    const html = renderToString(
      <HistoryHeatmap
        policy="always-old"
        buckets={2}
        pagesPerBucket={25600}
        at={at}
        shares={shares}
        classes={4}
        classIndex={0}
        domain={[0, 1]}
        version={1}
      />,
    );
    expect(html).toMatch(/role="img"[^>]*aria-label="Address × time heatmap, always-old"/);
    expect(html).toContain('<canvas');
    expect(html).toContain(
      'always-old, swapped out: at 0.2 s, 50.0 % of the guest&#x27;s pages; densest at 100 MiB–200 MiB (100 % of its pages).',
    );
  });
  it('formats addresses in MiB/GiB and frames in hex', () => {
    expect(formatAddress(256)).toBe('1 MiB');
    expect(formatAddress(640)).toBe('2.5 MiB');
    expect(formatAddress(131072)).toBe('512 MiB');
    expect(formatAddress(393216)).toBe('1.5 GiB');
    expect(formatGfn(262144)).toBe('0x40000');
    expect(heatmapSummary('p', 'split', 1, null)).toBe('p, split: no history yet.');
  });
});

describe('Timeline (server render)', () => {
  const html = renderToString(
    <Timeline
      max={60}
      value={12.4}
      played={30}
      onScrub={() => {}}
      marks={[
        { time: 5, label: 'cgroup limit = 24000', kind: 'knob' },
        { time: 20, label: 'first swap storm', kind: 'bookmark' },
      ]}
    />,
  );
  it('is a slider named Timeline with min, max, now and a spoken value', () => {
    expect(html).toMatch(/role="slider"/);
    expect(html).toContain('aria-label="Timeline"');
    expect(html).toContain('aria-valuemin="0"');
    expect(html).toContain('aria-valuemax="60"');
    expect(html).toContain('aria-valuenow="12.4"');
    expect(html).toContain('aria-valuetext="12.4 s"');
    expect(html).toContain('tabindex="0"');
  });
  it('shows each mark as a named button', () => {
    expect(html).toContain('aria-label="Knob change: cgroup limit = 24000 at 5.0 s"');
    expect(html).toContain('aria-label="Bookmark: first swap storm at 20.0 s"');
    expect(html.match(/<button/g)).toHaveLength(2);
  });
  it('shows the played range and the current time', () => {
    expect(html).toContain('width:50%'); // played to 30 of 60 s
    expect(html).toMatch(/left:20\.6666/); // 12.4 / 60
  });
});

describe('address ticks', () => {
  it('steps by a power of two of pages, so MiB and gfn labels are both round', async () => {
    const { addressTicks } = await import('./address');
    expect(addressTicks(262144, 4)).toEqual([0, 65536, 131072, 196608, 262144]);
    expect(addressTicks(262144, 4).map(formatGfn)).toEqual([
      '0x0',
      '0x10000',
      '0x20000',
      '0x30000',
      '0x40000',
    ]);
    expect(addressTicks(1000, 3)).toEqual([0, 512]);
    expect(addressTicks(0, 3)).toEqual([0]);
  });
});
