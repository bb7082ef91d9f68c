import { useCallback, useMemo, useRef, useState } from 'react';
import { HISTORY_CLASSES, HISTORY_LABELS } from '@agelab/protocol';
import {
  CHART_SPECS,
  HistoryHeatmap,
  TimeSeriesChart,
  Timeline,
  chartProps,
  chartRuns,
  historyView,
  latestWins,
  type ChartSpec,
  type TimelineMark,
} from '../charts/index.ts';
import { runColours } from '../palette.ts';
import { clockStopped, useClock, useConn, useHistory, useSeries, useUi } from '../store.ts';
import { seekTo } from '../actions.ts';
import { READOUT_MS, useThrottledSlice, useThrottledVersion } from '../throttle.ts';
import { BookmarkList, bookmarkMarks, useBookmarkMoments } from '../bookmarks/BookmarkList.tsx';

/**
 * The charts row (SERIES store), the address × time heatmaps (MAP_HISTORY store) and the
 * timeline scrubber, on one shared time axis. The chart components are the charts engineer's
 * (charts/); this wires them to the stores.
 */
/**
 * The end of the shared time axis for the furthest time simulated: rounded up to a step of about
 * a tenth of it (1, 2 or 5 × 10^k s), so the axes of every chart change a few times a minute
 * rather than on every frame (each change redraws every chart and heatmap).
 */
export function axisEnd(furthest: number): number {
  if (!(furthest > 1)) return 1;
  const tenth = furthest / 10;
  const p = 10 ** Math.floor(Math.log10(tenth));
  const m = tenth / p;
  const step = (m > 5 ? 10 : m > 2 ? 5 : m > 1 ? 2 : 1) * p;
  return Math.ceil(furthest / step - 1e-9) * step;
}

/** The shared time axis: from 0 to the furthest time simulated in this run, rounded up (axisEnd). */
function useDomain(): [number, number] {
  const runId = useConn((s) => s.runId);
  const furthest = useRef({ runId, t: 0 });
  // subscribe to the rounded end only: a component re-renders when it changes, not every frame
  const end = useClock((s) => {
    if (furthest.current.runId !== runId) furthest.current = { runId, t: 0 };
    furthest.current.t = Math.max(furthest.current.t, s.time);
    return axisEnd(furthest.current.t);
  });
  return useMemo(() => [0, end], [end]);
}

/** How often a chart follows the series while playing. */
const CHART_MS = 500;
/**
 * Chart i's phase: two charts a slot, five slots 100 ms apart. Each redraw of the
 * page costs a fixed price besides its own work (paint, layerize and commit of the whole
 * document, a few ms), so views that change at the same moment should change in one task; ten
 * charts in one task, though, was a long task.
 */
const chartPhase = (i: number): number => ((i >> 1) % (CHART_MS / 100)) * 100;

export function ChartsRow() {
  const welcome = useConn((s) => s.welcome);
  const [hover, setHover] = useState<number | null>(null);
  // the brushed window lives in the UI store: the event log filters by it too
  const brush = useUi((s) => s.brush);
  const setBrush = useCallback((w: [number, number] | null) => useUi.setState({ brush: w }), []);
  const auto = useDomain();
  const domain = brush ?? auto;
  const policies = welcome?.policies;
  const colours = useMemo(() => runColours(policies ?? []), [policies]);
  if (!welcome || !policies) return null;
  // the charts whose series this server sends
  const specs = CHART_SPECS.filter((spec) => chartRuns(spec, welcome.series, []) !== null);
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
        {specs.map((spec, i) => (
          <ChartCard
            key={spec.id}
            spec={spec}
            // the charts redraw in slots spread over the period (chartPhase)
            phase={chartPhase(i)}
            policies={policies}
            colours={colours}
            domain={domain}
            hover={hover}
            onHover={setHover}
            onBrush={setBrush}
          />
        ))}
      </div>
    </section>
  );
}

function ChartCard(props: {
  spec: ChartSpec;
  phase: number;
  policies: readonly string[];
  colours: readonly string[];
  domain: readonly [number, number];
  hover: number | null;
  onHover: (t: number | null) => void;
  onBrush: (w: [number, number] | null) => void;
}) {
  const { spec, policies, colours } = props;
  const version = useThrottledVersion(useSeries, CHART_MS, props.phase);
  const welcome = useConn((s) => s.welcome);
  if (!welcome) return null;
  // the buffers are read at render time: they grow (and are replaced) as frames arrive
  const bufs = useSeries.getState().runs;
  const inputs = policies.flatMap((p, r) =>
    bufs[r] ? [{ name: p, colour: colours[r], buffer: bufs[r] }] : [],
  );
  const runs = chartRuns(spec, welcome.series, inputs);
  if (!runs) return null;
  return (
    <div className="chart-card" data-chart={spec.id}>
      <TimeSeriesChart
        {...chartProps(spec)}
        runs={runs}
        domain={props.domain}
        version={version}
        height={120}
        hoverTime={props.hover}
        onHoverTime={props.onHover}
        onBrush={props.onBrush}
      />
    </div>
  );
}

export function HeatmapRow() {
  const welcome = useConn((s) => s.welcome);
  // between two chart slots (chartPhase): never in the same task as a chart
  const version = useThrottledVersion(useHistory, CHART_MS, 150);
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

export function TimelineRow() {
  const welcome = useConn((s) => s.welcome);
  const log = useConn((s) => s.run?.knobLog);
  const driver = useConn((s) => s.role === 'driver' && s.status === 'open');
  // the thumb moves with the clock's text while playing, exactly when paused
  const time = useThrottledSlice(useClock, (s) => s.time, READOUT_MS, { settled: clockStopped });
  const [, axis] = useDomain();
  const furthest = Math.min(axis, Math.max(time, useConn.getState().run?.time ?? 0));
  const scrub = useMemo(
    () =>
      latestWins(
        (t: number) => seekTo(t),
        (run) => setTimeout(run, 50),
      ),
    [],
  );
  const end = (t: number): void => {
    scrub.cancel();
    seekTo(t);
  };
  const moments = useBookmarkMoments(welcome?.policies);
  const marks = useMemo<TimelineMark[]>(
    () => [
      ...(log ?? []).map((k) => ({
        time: k.at / (welcome?.rate ?? 1),
        label: `${k.knob} = ${k.value}`,
        kind: 'knob',
      })),
      ...bookmarkMarks(moments),
    ],
    [log, welcome?.rate, moments],
  );
  if (!welcome) return null;
  return (
    <section className="timeline" aria-label="Timeline of the run">
      <div className="timeline-head">
        <h3>Timeline</h3>
        <p className="field-note">
          {driver
            ? 'Drag, or focus it and press ← →, to go to any simulated time; the maps, charts and figures follow.'
            : 'Where the run is; the driver moves it.'}{' '}
          ◆ marks a knob change; the other marks are bookmarks, named below.
        </p>
      </div>
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
      <BookmarkList
        moments={moments}
        policies={welcome.policies}
        canSeek={driver}
        onSeek={(m) => end(m.time)}
      />
    </section>
  );
}
