import { useMemo, useRef, useState } from 'react';
import { HISTORY_CLASSES, HISTORY_LABELS } from '@agelab/protocol';
import { TimeSeriesChart, type ChartRun } from '../charts/TimeSeriesChart.tsx';
import { HistoryHeatmap } from '../charts/HistoryHeatmap.tsx';
import { Timeline, type TimelineMark } from '../charts/Timeline.tsx';
import { historyView, seriesColumn, seriesIndex } from '../charts/series.ts';
import { runColours } from '../palette.ts';
import { useClock, useConn, useHistory, useSeries, useUi } from '../store.ts';
import { seekTo } from '../actions.ts';

/**
 * The charts row (SERIES store), the address × time heatmaps (MAP_HISTORY store) and the
 * timeline scrubber, on one shared time axis. The chart components are the charts engineer's
 * (charts/); this wires them to the stores.
 */
export interface ChartSpec {
  title: string;
  /** Kernel name of the series (welcome.series). */
  series: string;
  unit: string;
  /** usage vs limit: the limit series, drawn dashed. */
  limit?: string;
}
export const CHARTS: readonly ChartSpec[] = [
  { title: 'EPT violations/s', series: 'pf_fixed', unit: '/s' },
  { title: 'Major faults/s', series: 'pgmajfault', unit: '/s' },
  { title: 'Swap-outs/s', series: 'pswpout', unit: '/s' },
  { title: 'Swap-ins/s', series: 'pswpin', unit: '/s' },
  {
    title: 'cgroup usage vs limit',
    series: 'usage_in_bytes',
    limit: 'limit_in_bytes',
    unit: 'bytes',
  },
  { title: 'Active anon', series: 'nr_active_anon', unit: 'pages' },
  { title: 'Inactive anon', series: 'nr_inactive_anon', unit: 'pages' },
  { title: 'rmap adds/s', series: 'sim_rmap_add', unit: '/s' },
  { title: 'rmap removes/s', series: 'sim_rmap_remove', unit: '/s' },
  { title: 'rmap descriptor allocs/s', series: 'sim_rmap_desc_alloc', unit: '/s' },
  { title: 'rmap descriptor frees/s', series: 'sim_rmap_desc_free', unit: '/s' },
  { title: 'False-old verdicts/s', series: 'sim_false_old', unit: '/s' },
];

/** The shared time axis: from 0 to the furthest time simulated in this run (at least a second). */
function useDomain(): [number, number] {
  const time = useClock((s) => s.time);
  const runId = useConn((s) => s.runId);
  const furthest = useRef({ runId, t: 0 });
  if (furthest.current.runId !== runId) furthest.current = { runId, t: 0 };
  furthest.current.t = Math.max(furthest.current.t, time);
  return [0, Math.max(1, furthest.current.t)];
}

export function ChartsRow() {
  const welcome = useConn((s) => s.welcome);
  const version = useSeries((s) => s.version);
  const [hover, setHover] = useState<number | null>(null);
  const [brush, setBrush] = useState<[number, number] | null>(null);
  const auto = useDomain();
  const domain = brush ?? auto;
  const policies = welcome?.policies;
  const colours = useMemo(() => runColours(policies ?? []), [policies]);
  if (!welcome || !policies) return null;
  const bufs = useSeries.getState().runs;
  const charts = CHARTS.map((c) => ({
    ...c,
    j: seriesIndex(welcome.series, c.series),
    k: c.limit ? seriesIndex(welcome.series, c.limit) : -1,
  })).filter((c) => c.j >= 0);
  return (
    <section className="charts-section" aria-label="Charts">
      <div className="charts-head">
        <h3>Over time</h3>
        <p className="field-note">
          Rates per simulated second, the runs overlaid in their colours
          {policies.map((p, i) => (
            <span key={p} className="run-key">
              <span className="run-dot" style={{ background: colours[i] }} /> {p}
            </span>
          ))}
          . Drag across a chart to zoom in time{brush ? '; ' : '.'}
          {brush && (
            <button className="link" onClick={() => setBrush(null)}>
              show all time
            </button>
          )}
        </p>
      </div>
      <div className="charts">
        {charts.map((c) => {
          const runs: ChartRun[] = policies.map((p, r) => {
            const b = bufs[r];
            const col = b
              ? seriesColumn(b, c.j)
              : { at: new Float64Array(0), values: new Float64Array(0) };
            return {
              name: p,
              colour: colours[r],
              at: col.at,
              values: col.values,
              ...(c.k >= 0 && b ? { limit: seriesColumn(b, c.k).values } : {}),
            };
          });
          return (
            <div className="chart-card" key={c.title} data-chart={c.series}>
              <TimeSeriesChart
                title={c.title}
                unit={c.unit}
                runs={runs}
                domain={domain}
                version={version}
                variant={c.limit ? 'usage-limit' : 'lines'}
                height={120}
                hoverTime={hover}
                onHoverTime={setHover}
                onBrush={(w) => setBrush(w)}
              />
            </div>
          );
        })}
      </div>
    </section>
  );
}

export function HeatmapRow() {
  const welcome = useConn((s) => s.welcome);
  const version = useHistory((s) => s.version);
  const cls = useUi((s) => s.heatClass);
  const domain = useDomain();
  if (!welcome) return null;
  const bufs = useHistory.getState().runs;
  const classes = welcome.mapHistory.classes;
  return (
    <section className="heatmaps" aria-label="Address × time">
      <div className="heatmaps-head">
        <h3>Address × time</h3>
        <label className="field">
          <span>Heatmap class</span>
          <select
            aria-label="Heatmap class"
            value={cls}
            onChange={(e) => useUi.setState({ heatClass: Number(e.target.value) })}
          >
            {classes.map((c, i) => (
              <option key={c} value={i}>
                {HISTORY_LABELS[c as (typeof HISTORY_CLASSES)[number]] ?? c}
              </option>
            ))}
          </select>
        </label>
        <p className="field-note">
          Guest address down, simulated time across; brighter = more of the bucket’s pages in the
          class.
        </p>
      </div>
      <div className="heatmaps-row">
        {welcome.policies.map((p, r) => {
          const b = bufs[r];
          if (!b) return null;
          const v = historyView(b);
          return (
            <HistoryHeatmap
              key={p + r}
              policy={p}
              buckets={welcome.mapHistory.buckets}
              pagesPerBucket={welcome.mapHistory.pagesPerBucket}
              at={v.at}
              shares={v.shares}
              count={b.count}
              classes={classes.length}
              classIndex={cls}
              classLabel={HISTORY_LABELS[classes[cls] as (typeof HISTORY_CLASSES)[number]]}
              domain={domain}
              version={version + cls * 1e9}
              height={150}
              colourBar={r === welcome.policies.length - 1}
            />
          );
        })}
      </div>
    </section>
  );
}

/** Seeks while dragging, at most one per 50 ms (the server coalesces too, latest wins), and one on release. */
function useScrub(): { scrub: (t: number) => void; end: (t: number) => void } {
  const last = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  return useMemo(
    () => ({
      scrub: (t: number) => {
        if (pending.current) clearTimeout(pending.current);
        const wait = 50 - (Date.now() - last.current);
        if (wait <= 0) {
          last.current = Date.now();
          seekTo(t);
        } else
          pending.current = setTimeout(() => {
            last.current = Date.now();
            seekTo(t);
          }, wait);
      },
      end: (t: number) => {
        if (pending.current) clearTimeout(pending.current);
        last.current = Date.now();
        seekTo(t);
      },
    }),
    [],
  );
}

export function TimelineRow() {
  const welcome = useConn((s) => s.welcome);
  const log = useConn((s) => s.run?.knobLog);
  const driver = useConn((s) => s.role === 'driver' && s.status === 'open');
  const time = useClock((s) => s.time);
  const [, furthest] = useDomain();
  const { scrub, end } = useScrub();
  const marks = useMemo<TimelineMark[]>(
    () =>
      (log ?? []).map((k) => ({
        time: k.at / (welcome?.rate ?? 1),
        label: `${k.knob} = ${k.value}`,
        kind: 'knob',
      })),
    [log, welcome?.rate],
  );
  if (!welcome) return null;
  return (
    <section className="timeline" aria-label="Timeline of the run">
      <Timeline
        max={Math.max(welcome.seconds, furthest)}
        value={time}
        played={furthest}
        marks={marks}
        disabled={!driver}
        onScrub={scrub}
        onScrubEnd={end}
        onMark={(m) => end(m.time)}
      />
    </section>
  );
}
