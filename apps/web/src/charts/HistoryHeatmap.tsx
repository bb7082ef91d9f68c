/**
 * DAMON-style address × time heatmap of one run: guest address down (MiB on the left, gfn on the
 * right), simulated time across on the shared domain, each pixel coloured by the share of the
 * bucket's pages in one class (HISTORY_CLASSES). A canvas raster (one ImageData filled in one
 * loop, put once) inside SVG D3 axes; a colour bar below. One per run; the parent lays them out
 * side by side with the same domain and class.
 *
 * Usage:
 *   const { at, shares } = historyView(historyBuf[k]);
 *   <HistoryHeatmap policy={policies[k]} version={historyBuf[k].version} domain={[0, state.time]}
 *     buckets={welcome.mapHistory.buckets} pagesPerBucket={welcome.mapHistory.pagesPerBucket}
 *     classes={welcome.mapHistory.classes.length} classIndex={HISTORY_CLASSES.indexOf('swapped')}
 *     at={at} shares={shares} hoverTime={hover} onHoverTime={setHover} />
 *
 * When zoomed out, a pixel covering several points or buckets shows their largest share, so a
 * bucket holding any page of the class stays visible (said in the colour bar's note).
 */
import { useId, useLayoutEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import { axisBottom, axisLeft, axisRight, scaleLinear, select } from 'd3';
import { HISTORY_CLASSES, HISTORY_LABELS, type HistoryClass } from '@agelab/protocol';
import './charts.css';
import { HISTORY_EMPTY, historyColour, historyLut } from '../palette';
import { addressTicks, formatAddress, formatGfn } from './address';
import { fillHeatmap, historyStep, latestSummary } from './heatmap-fill';
import { formatSeconds, lastAtOrBefore } from './plot';
import { chartVars, svgId, visuallyHidden } from './theme';
import { useWidth } from './use-width';

export interface HistoryHeatmapProps {
  /** The run's policy: in the title and the accessible name. */
  policy: string;
  /** Address buckets per point (welcome.mapHistory.buckets). */
  buckets: number;
  /** Guest pages per bucket (welcome.mapHistory.pagesPerBucket). */
  pagesPerBucket: number;
  /** Simulated seconds of each point. */
  at: Float64Array;
  /** points × classes × buckets shares of 255 (MapHistoryFrame order). */
  shares: Uint8Array;
  /** Classes per point (default HISTORY_CLASSES.length). */
  classes?: number;
  /** The class drawn (index in the history classes). */
  classIndex: number;
  /** Its legend label (default HISTORY_LABELS of HISTORY_CLASSES[classIndex]). */
  classLabel?: string;
  /** Simulated seconds [t0, t1] of the x axis (shared with the charts). */
  domain: readonly [number, number];
  /** Bump when the data changed: the raster is refilled only then (or on resize/domain/class). */
  version: number;
  /** Points to draw (default at.length). */
  count?: number;
  /** Seconds a point stands for (default: the spacing of the last two points). */
  step?: number;
  /** Pixel height of the raster (default 180). */
  height?: number;
  /** Show the gfn axis on the right (default: when wider than 480 px). */
  gfnAxis?: boolean;
  /** Shared hover time (seconds): drawn as a rule, as on the charts. */
  hoverTime?: number | null;
  /** Called with the time under the pointer, and null when it leaves. */
  onHoverTime?: (t: number | null) => void;
  /** Show the colour bar (default true; side by side, one is enough). */
  colourBar?: boolean;
}

const MARGIN = { top: 6, bottom: 22, left: 58 };

export { formatAddress, formatGfn } from './address';

/** The heatmap's text alternative. */
export function heatmapSummary(
  policy: string,
  label: string,
  pagesPerBucket: number,
  s: ReturnType<typeof latestSummary>,
): string {
  if (!s) return `${policy}, ${label}: no history yet.`;
  const from = s.peakBucket * pagesPerBucket;
  const densest =
    s.peakShare > 0
      ? `; densest at ${formatAddress(from)}–${formatAddress(from + pagesPerBucket)} (${Math.round(s.peakShare * 100)} % of its pages)`
      : '';
  return `${policy}, ${label}: at ${formatSeconds(s.time)}, ${(s.meanShare * 100).toFixed(1)} % of the guest's pages${densest}.`;
}

export function HistoryHeatmap(props: HistoryHeatmapProps) {
  const {
    policy,
    buckets,
    pagesPerBucket,
    at,
    shares,
    classes = HISTORY_CLASSES.length,
    classIndex,
    domain,
    version,
    step,
    height = 180,
    colourBar = true,
    onHoverTime,
  } = props;
  const [pointer, setPointer] = useState<{ t: number; gfn: number } | null>(null);
  const count = Math.min(props.count ?? at.length, at.length);
  const label =
    props.classLabel ??
    HISTORY_LABELS[HISTORY_CLASSES[classIndex] as HistoryClass] ??
    `class ${classIndex}`;
  const [ref, width] = useWidth<HTMLDivElement>(480);
  const gfnAxis = props.gfnAxis ?? width > 480;
  const right = gfnAxis ? 62 : 10;
  const iw = Math.max(10, width - MARGIN.left - right);
  const ih = Math.max(10, height);
  const svgRef = useRef<SVGSVGElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const imageRef = useRef<ImageData | null>(null);
  const summaryId = useId();
  const [t0, t1] = domain[1] > domain[0] ? domain : [domain[0], domain[0] + 1];
  const totalPages = buckets * pagesPerBucket;

  const x = useMemo(() => scaleLinear().domain([t0, t1]).range([0, iw]), [t0, t1, iw]);
  const y = useMemo(() => scaleLinear().domain([0, totalPages]).range([0, ih]), [totalPages, ih]);

  useLayoutEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const root = select(svg);
    root.select<SVGGElement>('g.agl-x').call(
      axisBottom(x)
        .ticks(Math.max(2, Math.floor(iw / 90)))
        .tickFormat((d) => `${+d} s`),
    );
    const ticks = addressTicks(totalPages, Math.max(2, Math.floor(ih / 36)));
    root.select<SVGGElement>('g.agl-y').call(
      axisLeft(y)
        .tickValues(ticks)
        .tickFormat((d) => formatAddress(+d)),
    );
    const gy = root.select<SVGGElement>('g.agl-gfn');
    if (gfnAxis)
      gy.call(
        axisRight(y)
          .tickValues(ticks)
          .tickFormat((d) => formatGfn(+d)),
      );
    else gy.selectAll('*').remove();
  }, [x, y, iw, ih, gfnAxis, totalPages]);

  // The raster: device pixels, one fill, one putImageData.
  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    const w = Math.max(1, Math.round(iw * dpr));
    const h = Math.max(1, Math.round(ih * dpr));
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    let img = imageRef.current;
    if (!img || img.width !== w || img.height !== h)
      img = imageRef.current = ctx.createImageData(w, h);
    fillHeatmap(
      img.data,
      w,
      h,
      { at, count, shares, classes, buckets, classIndex, step },
      t0,
      t1,
      historyLut(),
    );
    ctx.putImageData(img, 0, 0);
    // at and shares are read through `version` (buffers are refilled in place)
  }, [version, iw, ih, t0, t1, classIndex, classes, buckets, count, step]);

  const gradId = svgId(useId(), 'grad');
  const summary = heatmapSummary(
    policy,
    label,
    pagesPerBucket,
    latestSummary({ at, count, shares, classes, buckets, classIndex }),
  );
  const barW = Math.min(200, Math.max(80, iw / 3));
  const hoverTime = props.hoverTime ?? pointer?.t ?? null;
  const hoverIn = hoverTime !== null && hoverTime >= t0 && hoverTime <= t1;

  const onPointerMove = (e: PointerEvent<SVGRectElement>): void => {
    const r = e.currentTarget.getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    if (px < 0 || px > iw || py < 0 || py > ih) return;
    const p = { t: x.invert(px), gfn: y.invert(py) };
    setPointer(p);
    onHoverTime?.(p.t);
  };
  const onPointerLeave = (): void => {
    setPointer(null);
    onHoverTime?.(null);
  };
  // The share under the pointer, in words (shown in the caption while hovering).
  let readout = '';
  if (pointer) {
    const i = lastAtOrBefore(at, pointer.t, count);
    const b = Math.min(buckets - 1, Math.max(0, Math.floor(pointer.gfn / pagesPerBucket)));
    const covered = i >= 0 && pointer.t < at[i] + historyStep(at, count, step);
    const share = covered ? shares[i * classes * buckets + classIndex * buckets + b] : NaN;
    readout = `${formatSeconds(pointer.t)}, ${formatAddress(b * pagesPerBucket)}–${formatAddress((b + 1) * pagesPerBucket)}: ${
      Number.isNaN(share) ? 'no data' : `${Math.round((share / 255) * 100)} %`
    }`;
  }

  return (
    <figure className="agl-chart agl-heatmap" style={chartVars}>
      <figcaption className="agl-chart-head">
        <h3 className="agl-chart-title">
          {policy} <span className="agl-chart-unit">· {label}</span>
        </h3>
        {readout && (
          <span className="agl-chart-unit" aria-hidden="true">
            {readout}
          </span>
        )}
      </figcaption>
      <div
        ref={ref}
        className="agl-plot"
        role="img"
        aria-label={`Address × time heatmap, ${policy}`}
        aria-describedby={summaryId}
      >
        <canvas
          ref={canvasRef}
          aria-hidden="true"
          style={{
            left: MARGIN.left,
            top: MARGIN.top,
            width: iw,
            height: ih,
            background: HISTORY_EMPTY,
          }}
        />
        <svg
          ref={svgRef}
          width={width}
          height={ih + MARGIN.top + MARGIN.bottom}
          aria-hidden="true"
          focusable="false"
          style={{ position: 'relative' }}
        >
          <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
            <g className="agl-y" />
            <g className="agl-gfn" transform={`translate(${iw},0)`} />
            <g className="agl-x" transform={`translate(0,${ih})`} />
            {hoverIn && (
              <line
                x1={x(hoverTime)}
                x2={x(hoverTime)}
                y1={0}
                y2={ih}
                stroke="var(--agl-text)"
                strokeOpacity={0.7}
                pointerEvents="none"
              />
            )}
            <rect
              width={iw}
              height={ih}
              fill="transparent"
              onPointerMove={onPointerMove}
              onPointerLeave={onPointerLeave}
            />
          </g>
        </svg>
      </div>
      {colourBar && (
        <div className="agl-colourbar" aria-hidden="true">
          <svg width={barW + 96} height={24} focusable="false">
            <defs>
              <linearGradient id={gradId}>
                {[1, 32, 64, 96, 128, 160, 192, 224, 255].map((s) => (
                  <stop key={s} offset={`${((s - 1) / 254) * 100}%`} stopColor={historyColour(s)} />
                ))}
              </linearGradient>
            </defs>
            <rect
              x={0.5}
              y={1.5}
              width={10}
              height={10}
              fill={HISTORY_EMPTY}
              stroke="var(--agl-axis)"
            />
            <text x={14} y={10} fill="var(--agl-muted)" fontSize={10}>
              none
            </text>
            <rect x={44} y={1.5} width={barW} height={10} fill={`url(#${gradId})`} />
            <text x={44} y={22} fill="var(--agl-muted)" fontSize={10}>
              any
            </text>
            <text x={44 + barW} y={22} fill="var(--agl-muted)" fontSize={10} textAnchor="end">
              all
            </text>
          </svg>
          <span>of a bucket’s pages are {label}; zoomed out, a pixel shows its largest share</span>
        </div>
      )}
      <p id={summaryId} style={visuallyHidden}>
        {summary}
      </p>
    </figure>
  );
}
