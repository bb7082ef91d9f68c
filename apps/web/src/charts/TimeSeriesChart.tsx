/**
 * A D3 line chart of one metric, the runs overlaid in their colours, on a time axis shared by
 * every chart (the parent passes the same `domain`, and the same `hoverTime`, to all of them).
 *
 * Usage (one chart; put several in a grid with one domain and one hover state):
 *   const [hover, setHover] = useState<number | null>(null);
 *   <TimeSeriesChart title="EPT violations/s" unit="/s" version={seriesVersion}
 *     domain={[0, state.time]} hoverTime={hover} onHoverTime={setHover}
 *     runs={policies.map((p, k) => ({ name: p, colour: colours[k], ...seriesColumn(buf[k], j) }))}
 *     onBrush={(w) => w && setDomain(w)} />
 *   Usage vs limit: variant="usage-limit" and give each run `limit` (its limit series); any other
 *   pair (swap out/in, active/inactive) the same way with pairLabels={['out', 'in']}.
 *   chart-specs.ts lists the dashboard's charts by kernel series name (chartRuns builds `runs`).
 *
 * Hover: a vertical rule and a dot on each line; the legend above the plot then shows every
 * run's value at that time (instead of the latest), so nothing covers the lines.
 *
 * Accessibility: the plot is role="img" named "<title> chart" (or `ariaLabel`), and a visually
 * hidden paragraph beside it states the latest value of every run. Hover and brush are for
 * pointers; the same values are in that text, and the timeline moves the shared hover time.
 *
 * Performance: paths are drawn from the typed arrays (decimated to about four points a pixel
 * column) only when `version`, `domain`, the size or the runs' names/colours change; hover moves
 * one rule and a few dots.
 */
import {
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type PointerEvent,
} from 'react';
import { axisBottom, axisLeft, brushX, format, line, scaleLinear, select } from 'd3';
import './charts.css';
import {
  USAGE_LIMIT,
  chartSummary,
  latestValues,
  robustYDomain,
  runCount,
  typicalStep,
  valuesAt,
  type ChartRun,
  type PairLabels,
} from './chart-model';
import { decimate, formatSeconds, withUnit } from './plot';
import { chartVars, visuallyHidden } from './theme';
import { useWidth } from './use-width';

export type { ChartRun } from './chart-model';

export interface TimeSeriesChartProps {
  /** The metric, e.g. "EPT violations/s"; the accessible name is "<title> chart". */
  title: string;
  /** Unit of the values ("/s", "pages", "MiB"). */
  unit: string;
  runs: readonly ChartRun[];
  /** Simulated seconds [t0, t1] of the x axis, shared by every chart. */
  domain: readonly [number, number];
  /** Bump when any run's data changed: the paths are redrawn only then. */
  version: number;
  /** "usage-limit": each run's `limit` drawn dashed beside its solid usage line. */
  variant?: 'lines' | 'usage-limit';
  /** Names of a pair chart's solid and dashed series (default ['usage', 'limit']). */
  pairLabels?: PairLabels;
  /** Values are multiplied by this when drawn and printed (e.g. 2 ** -20 for bytes → MiB). */
  scale?: number;
  /** Pixel height of the plot (default 150). */
  height?: number;
  /** Bottom of the y axis (default 0). */
  yFloor?: number;
  /** Shared hover time (seconds) or null; when given, the chart shows it instead of its own. */
  hoverTime?: number | null;
  /** Called with the time under the pointer, and null when it leaves. */
  onHoverTime?: (t: number | null) => void;
  /** With it, dragging across the plot selects [t0, t1] (null when the selection is cleared). */
  onBrush?: (window: [number, number] | null) => void;
  /** Replaces the accessible name "<title> chart". */
  ariaLabel?: string;
}

const MARGIN = { top: 8, right: 14, bottom: 22, left: 50 };
const tickFormat = format('~s');

export function TimeSeriesChart(props: TimeSeriesChartProps) {
  const {
    title,
    unit,
    runs,
    domain,
    version,
    variant = 'lines',
    height = 150,
    yFloor = 0,
    scale = 1,
    pairLabels = USAGE_LIMIT,
    onHoverTime,
    onBrush,
  } = props;
  const [ref, width] = useWidth<HTMLDivElement>(560);
  const svgRef = useRef<SVGSVGElement>(null);
  const [ownHover, setOwnHover] = useState<number | null>(null);
  const hoverTime = props.hoverTime !== undefined ? props.hoverTime : ownHover;
  const summaryId = useId();
  const iw = Math.max(10, width - MARGIN.left - MARGIN.right);
  const ih = Math.max(10, height - MARGIN.top - MARGIN.bottom);
  const [t0, t1] = domain[1] > domain[0] ? domain : [domain[0], domain[0] + 1];
  const runsKey = runs.map((r) => `${r.name}\u0000${r.colour}\u0000${r.limit ? 1 : 0}`).join('|');

  // The y domain follows the data (recomputed when the data or the window changes); a boot
  // spike far above the rest is drawn off the top unless the reader asks for the whole peak.
  const [showPeak, setShowPeak] = useState(false);
  const robust = useMemo(
    () => robustYDomain(runs, [t0, t1], yFloor, scale),
    // runs are read through `version` (typed arrays may be refilled in place)
    [version, runsKey, t0, t1, yFloor, scale],
  );
  // the whole peak when asked: the top is then the highest value drawn
  const yDom = useMemo<[number, number]>(
    () =>
      showPeak && robust.clipped !== null ? [robust.domain[0], robust.clipped] : robust.domain,
    [robust, showPeak],
  );
  const clipId = useId();
  const x = useMemo(() => scaleLinear().domain([t0, t1]).range([0, iw]), [t0, t1, iw]);
  // The y scale is rebuilt only when its nice domain changes (the data's extent moves on every
  // update, the rounded axis rarely), so the axes below are redrawn only then.
  const niceDom = useMemo(() => scaleLinear().domain(yDom).nice().domain(), [yDom]);
  const [yLo, yHi] = niceDom;
  const y = useMemo(() => scaleLinear().domain([yLo, yHi]).range([ih, 0]), [yLo, yHi, ih]);

  // Axes and grid: when the scales or the size change (a layout effect, so a resize never paints
  // new sizes with old paths). D3's axis rebuild is the dearer half of a redraw.
  useLayoutEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const root = select(svg);
    root.select<SVGGElement>('g.agl-x').call(
      axisBottom(x)
        .ticks(Math.max(2, Math.floor(iw / 90)))
        .tickFormat((d) => `${+d} s`),
    );
    root.select<SVGGElement>('g.agl-y').call(
      axisLeft(y)
        .ticks(Math.max(2, Math.floor(ih / 36)))
        .tickFormat((d) => tickFormat(+d)),
    );
    root.select<SVGGElement>('g.agl-grid').call(
      axisLeft(y)
        .ticks(Math.max(2, Math.floor(ih / 36)))
        .tickSize(-iw)
        .tickFormat(() => ''),
    );
  }, [x, y, iw, ih]);

  // Lines: when the data version, window, size or runs change.
  useLayoutEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const root = select(svg);
    const lines = root.select<SVGGElement>('g.agl-lines');
    const paths: { d: string; colour: string; dashed: boolean }[] = [];
    for (const r of runs) {
      const n = runCount(r);
      const series: [Float64Array, boolean][] = [[r.values, false]];
      if (variant === 'usage-limit' && r.limit) series.push([r.limit, true]);
      for (const [values, dashed] of series) {
        const ids = decimate(r.at, values, Math.min(n, values.length), t0, t1, iw);
        const gen = line<number>()
          .defined((i) => Number.isFinite(values[i]) && Number.isFinite(r.at[i]))
          .x((i) => x(r.at[i]))
          .y((i) => y(values[i] * scale));
        paths.push({ d: gen(ids) ?? '', colour: r.colour, dashed });
      }
    }
    lines
      .selectAll<SVGPathElement, (typeof paths)[number]>('path')
      .data(paths)
      .join('path')
      .attr('fill', 'none')
      .attr('stroke', (p) => p.colour)
      .attr('stroke-width', (p) => (p.dashed ? 1.5 : 1.75))
      .attr('stroke-dasharray', (p) => (p.dashed ? '5 4' : null))
      .attr('stroke-linejoin', 'round')
      .attr('d', (p) => p.d);
    // runs are read through `version` (typed arrays may be refilled in place)
  }, [version, runsKey, x, y, iw, ih, variant, t0, t1, scale]);

  // The brush (only with onBrush); the callback is read through a ref so it may change freely.
  // Callback and scale through refs: the brush lives across domain changes (the domain grows on
  // every tick while playing; re-creating the brush would drop a drag in progress).
  const onBrushRef = useRef(onBrush);
  onBrushRef.current = onBrush;
  const xRef = useRef(x);
  xRef.current = x;
  const hasBrush = onBrush !== undefined;
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg || !hasBrush) return;
    const g = select(svg).select<SVGGElement>('g.agl-brush');
    const brush = brushX<unknown>()
      .extent([
        [0, 0],
        [iw, ih],
      ])
      .on('end', (ev: { selection: [number, number] | null; sourceEvent?: unknown }) => {
        if (!ev.sourceEvent) return; // moved by code, not by the user
        const sel = ev.selection;
        const sx = xRef.current;
        onBrushRef.current?.(sel ? [sx.invert(sel[0]), sx.invert(sel[1])] : null);
        if (sel) g.call(brush.move, null); // the new window is the parent's to show
      });
    g.call(brush);
    return () => {
      g.on('.brush', null).selectAll('*').remove();
    };
  }, [hasBrush, iw, ih]);

  const step = typicalStep(runs);
  const hoverIn = hoverTime !== null && hoverTime >= t0 && hoverTime <= t1;
  const hovered = hoverIn ? valuesAt(runs, hoverTime, Math.max(step, (t1 - t0) / 50)) : [];
  const latest = latestValues(runs);
  const hx = hoverIn ? x(hoverTime) : 0;

  const setHover = (t: number | null): void => {
    if (onHoverTime) onHoverTime(t);
    if (props.hoverTime === undefined) setOwnHover(t);
  };
  const onPointerMove = (e: PointerEvent<SVGGElement>): void => {
    const left = svgRef.current?.getBoundingClientRect().left ?? 0;
    const px = e.clientX - left - MARGIN.left;
    setHover(px < 0 || px > iw ? null : x.invert(px));
  };

  return (
    <figure className="agl-chart" style={chartVars}>
      <figcaption className="agl-chart-head">
        <h3 className="agl-chart-title">
          {title} {unit && <span className="agl-chart-unit">({unit})</span>}
        </h3>
        {/* The legend is the tooltip: latest values, or the values under the hover rule. */}
        <ul className="agl-legend" aria-hidden="true">
          <li className="agl-legend-time">
            {hoverIn ? `t = ${formatSeconds(hoverTime)}` : 'latest'}
          </li>
          {(hoverIn ? hovered : latest).map((v) => (
            <li key={v.name}>
              <LineKey colour={v.colour} />
              {v.name} <b>{legendValue(v.value, v.limit, scale)}</b>
            </li>
          ))}
          {variant === 'usage-limit' && (
            <li>
              <LineKey colour="currentColor" /> {pairLabels[0]}{' '}
              <LineKey colour="currentColor" dashed /> {pairLabels[1]}
            </li>
          )}
        </ul>
        {robust.clipped !== null && (
          <button
            type="button"
            className="agl-peak"
            aria-pressed={showPeak}
            aria-label={`${showPeak ? 'Clip' : 'Show'} the peak of ${title}`}
            title="At boot every page faults in at once; the axis leaves that peak off so the steady state shows"
            onClick={() => setShowPeak(!showPeak)}
          >
            {showPeak
              ? 'clip the boot peak'
              : `▲ peak ${withUnit(robust.clipped, '')} off the top: show`}
          </button>
        )}
      </figcaption>
      <div
        ref={ref}
        className="agl-plot"
        role="img"
        aria-label={props.ariaLabel ?? `${title} chart`}
        aria-describedby={summaryId}
      >
        <svg ref={svgRef} width={width} height={height} aria-hidden="true" focusable="false">
          <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
            <g className="agl-grid" />
            <g className="agl-y" />
            <g className="agl-x" transform={`translate(0,${ih})`} />
            <clipPath id={clipId}>
              <rect x={0} y={-2} width={iw} height={ih + 2} />
            </clipPath>
            <g className="agl-lines" clipPath={`url(#${clipId})`} />
            {hoverIn && (
              <g className="agl-hover" pointerEvents="none">
                <line x1={hx} x2={hx} y1={0} y2={ih} stroke="var(--agl-text)" strokeOpacity={0.5} />
                {hovered.map((v) =>
                  Number.isFinite(v.value) ? (
                    <circle
                      key={v.name}
                      cx={x(v.time)}
                      cy={y(v.value * scale)}
                      r={3}
                      fill={v.colour}
                      stroke="var(--agl-bg)"
                    />
                  ) : null,
                )}
              </g>
            )}
            <g
              className="agl-brush"
              onPointerMove={onPointerMove}
              onPointerLeave={() => setHover(null)}
            >
              {!hasBrush && <rect width={iw} height={ih} fill="transparent" />}
            </g>
          </g>
        </svg>
      </div>
      <p id={summaryId} style={visuallyHidden}>
        {chartSummary(title, unit, runs, scale, pairLabels)}
      </p>
    </figure>
  );
}

/** "1,234" or, for a pair, "90.1 / 93.8" (the unit is in the title). */
function legendValue(value: number, second: number, scale: number): string {
  const a = withUnit(value * scale, '');
  return Number.isNaN(second) ? a : `${a} / ${withUnit(second * scale, '')}`;
}

function LineKey({ colour, dashed = false }: { colour: string; dashed?: boolean }) {
  return (
    <svg width={16} height={8} aria-hidden="true" focusable="false">
      <line
        x1={0}
        x2={16}
        y1={4}
        y2={4}
        stroke={colour}
        strokeWidth={2}
        strokeDasharray={dashed ? '4 3' : undefined}
      />
    </svg>
  );
}
