/**
 * The dashboard's time-series charts (issue 10 § What is on the screen), by the kernel names of
 * the SERIES columns the server sends (welcome.series), and how to build a chart's runs from the
 * run buffers.
 *
 * Usage:
 *   {CHART_SPECS.map((spec) => {
 *     const runs = chartRuns(spec, welcome.series, policies.map((p, k) => ({ name: p, colour: colours[k], buffer: bufs[k] })));
 *     return runs && <TimeSeriesChart key={spec.id} {...chartProps(spec)} runs={runs} version={v} domain={d} hoverTime={h} onHoverTime={setH} />;
 *   })}
 */
import type { ChartRun, PairLabels } from './chart-model';
import { seriesColumn, seriesIndex, type SeriesBuffer } from './series';

export interface ChartSpec {
  id: string;
  /** The metric; the chart's accessible name is "<title> chart". */
  title: string;
  unit: string;
  /** One series, or a pair (solid, dashed) drawn with variant "usage-limit". */
  series: readonly [string] | readonly [string, string];
  /** Names of a pair's two series. */
  pairLabels?: PairLabels;
  /** Multiplier from the wire unit to the drawn unit. */
  scale?: number;
}

const MIB = 2 ** -20;

export const CHART_SPECS: readonly ChartSpec[] = [
  { id: 'ept', title: 'EPT violations/s', unit: '/s', series: ['pf_fixed'] },
  { id: 'majflt', title: 'Major faults/s', unit: '/s', series: ['pgmajfault'] },
  {
    id: 'swap',
    title: 'Swap-outs and swap-ins/s',
    unit: '/s',
    series: ['pswpout', 'pswpin'],
    pairLabels: ['out', 'in'],
  },
  {
    id: 'usage',
    title: 'cgroup usage vs limit',
    unit: 'MiB',
    series: ['usage_in_bytes', 'limit_in_bytes'],
    pairLabels: ['usage', 'limit'],
    scale: MIB,
  },
  {
    id: 'lru',
    title: 'LRU sizes',
    unit: 'pages',
    series: ['nr_active_anon', 'nr_inactive_anon'],
    pairLabels: ['active', 'inactive'],
  },
  {
    id: 'rmap',
    title: 'rmap adds and removes/s',
    unit: '/s',
    series: ['sim_rmap_add', 'sim_rmap_remove'],
    pairLabels: ['add', 'remove'],
  },
  {
    id: 'rmap_desc',
    title: 'rmap descriptor allocs and frees/s',
    unit: '/s',
    series: ['sim_rmap_desc_alloc', 'sim_rmap_desc_free'],
    pairLabels: ['alloc', 'free'],
  },
  { id: 'false_old', title: 'False-old verdicts/s', unit: '/s', series: ['sim_false_old'] },
  {
    id: 'hot_swapped',
    title: 'Hot pages swapped out/s',
    unit: '/s',
    series: ['sim_hot_pages_swapped_out'],
  },
  { id: 'thp_split', title: 'THP splits/s', unit: '/s', series: ['thp_split_page'] },
];

/** The chart props a spec fixes (spread into TimeSeriesChart). */
export function chartProps(spec: ChartSpec): {
  title: string;
  unit: string;
  variant: 'lines' | 'usage-limit';
  pairLabels?: PairLabels;
  scale?: number;
} {
  return {
    title: spec.title,
    unit: spec.unit,
    variant: spec.series.length === 2 ? 'usage-limit' : 'lines',
    ...(spec.pairLabels ? { pairLabels: spec.pairLabels } : {}),
    ...(spec.scale ? { scale: spec.scale } : {}),
  };
}

/**
 * The runs of one chart from each run's series buffer, or null when the server sends no series
 * of that name (an older server: leave the chart out rather than draw zeros).
 */
export function chartRuns(
  spec: ChartSpec,
  series: readonly { name: string }[],
  runs: readonly { name: string; colour: string; buffer: SeriesBuffer }[],
): ChartRun[] | null {
  const cols = spec.series.map((n) => seriesIndex(series, n));
  if (cols.some((c) => c < 0)) return null;
  return runs.map((r) => {
    const first = seriesColumn(r.buffer, cols[0]);
    const run: ChartRun = { name: r.name, colour: r.colour, at: first.at, values: first.values };
    if (cols.length === 2) run.limit = seriesColumn(r.buffer, cols[1]).values;
    return run;
  });
}
