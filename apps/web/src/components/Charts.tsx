import { useConn } from '../store.ts';

/**
 * The charts row, the address × time heatmap and the timeline, wired from the SERIES and
 * MAP_HISTORY stores. The chart components are the charts engineer's (charts/); until they land
 * this shows what will be drawn.
 */
export const CHARTS: { title: string; series: string[]; unit: string }[] = [
  { title: 'EPT violations/s', series: ['pf_fixed'], unit: '/s' },
  { title: 'Major faults/s', series: ['pgmajfault'], unit: '/s' },
  { title: 'Swap-outs and swap-ins/s', series: ['pswpout', 'pswpin'], unit: '/s' },
  { title: 'cgroup usage vs limit', series: ['usage_in_bytes', 'limit_in_bytes'], unit: 'bytes' },
  {
    title: 'Active and inactive anon',
    series: ['nr_active_anon', 'nr_inactive_anon'],
    unit: 'pages',
  },
  {
    title: 'rmap adds/removes per s',
    series: ['sim_rmap_add', 'sim_rmap_remove', 'sim_rmap_desc_alloc', 'sim_rmap_desc_free'],
    unit: '/s',
  },
  { title: 'False-old verdicts/s', series: ['sim_false_old'], unit: '/s' },
];

export function ChartsRow() {
  const welcome = useConn((s) => s.welcome);
  if (!welcome) return null;
  return (
    <section className="charts" aria-label="Charts">
      {CHARTS.map((c) => (
        <div key={c.title} className="chart-slot">
          {c.title}
        </div>
      ))}
    </section>
  );
}
export function HeatmapRow() {
  return null;
}
export function TimelineRow() {
  return null;
}
