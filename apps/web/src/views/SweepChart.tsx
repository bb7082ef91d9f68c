import { useEffect, useRef } from 'react';
import { axisBottom, axisLeft } from 'd3-axis';
import { scaleLinear, scaleLog, scalePoint } from 'd3-scale';
import { select } from 'd3-selection';
import { area, line } from 'd3-shape';
import { useWidth } from '../charts/use-width.ts';
import { runColour } from '../palette.ts';
import { fmt, numericAxis, type SweepLine, type SweepPoint } from './sweep-model.ts';

const H = 300;
const M = { top: 14, right: 18, bottom: 40, left: 66 };

interface Props {
  lines: SweepLine[];
  axis: string;
  figure: string;
  log: boolean;
}

/**
 * A sweep's figure against one axis (D3 on SVG): a line per policy through the means over seeds,
 * and the seeds' 95 % interval of the mean as a band around it.
 */
export function SweepChart({ lines, axis, figure, log }: Props) {
  const [box, width] = useWidth<HTMLDivElement>(640);
  const svg = useRef<SVGSVGElement>(null);
  const w = Math.max(280, width);
  useEffect(() => {
    const g = select(svg.current!);
    g.selectAll('*').remove();
    const xsRaw = lines[0]?.points.map((p) => p.x) ?? [];
    const numeric = numericAxis(xsRaw);
    const vals = lines.flatMap((l) =>
      l.points.flatMap((p) => [p.low, p.high, p.mean]).filter((v): v is number => v !== null),
    );
    const positive = vals.filter((v) => v > 0);
    const useLog = log && positive.length === vals.length && vals.length > 0;
    const lo = Math.min(...vals, useLog ? Infinity : 0);
    const hi = Math.max(...vals, useLog ? -Infinity : 1);
    const y = (useLog ? scaleLog() : scaleLinear())
      .domain(useLog ? [lo, hi] : [Math.min(0, lo), hi])
      .nice()
      .range([H - M.bottom, M.top]);
    let xOf: (p: SweepPoint) => number;
    if (numeric) {
      const xs = xsRaw as number[];
      const x = scaleLinear()
        .domain([Math.min(...xs), Math.max(...xs)])
        .range([M.left, w - M.right]);
      xOf = (p) => x(p.x as number);
      g.append('g')
        .attr('class', 'axis')
        .attr('transform', `translate(0,${H - M.bottom})`)
        .call(
          axisBottom(x)
            .tickValues(xs.length <= Math.floor(w / 45) ? xs : x.ticks(Math.floor(w / 60)))
            .tickFormat((d) => String(d)),
        );
    } else {
      const x = scalePoint<string>()
        .domain(xsRaw.map(String))
        .range([M.left, w - M.right])
        .padding(0.3);
      xOf = (p) => x(String(p.x)) ?? 0;
      g.append('g')
        .attr('class', 'axis')
        .attr('transform', `translate(0,${H - M.bottom})`)
        .call(axisBottom(x));
    }
    g.append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(${M.left},0)`)
      .call(axisLeft(y).ticks(6, useLog ? '~g' : undefined));
    g.append('text')
      .attr('class', 'axis-title')
      .attr('x', (M.left + w - M.right) / 2)
      .attr('y', H - 6)
      .attr('text-anchor', 'middle')
      .text(axis);
    g.append('text')
      .attr('class', 'axis-title')
      .attr('transform', `translate(13,${(M.top + H - M.bottom) / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text(figure + (useLog ? ' (log scale)' : ''));
    // lines that coincide (unmap-emulation and ept-ad-bits often do) stay visible: the first
    // drawn is the widest
    lines.forEach((l, k) => {
      const pts = l.points.filter((p) => p.mean !== null);
      const colour = runColour(l.policy);
      const band = area<SweepPoint>()
        .x(xOf)
        .y0((p) => y(p.low ?? p.mean!))
        .y1((p) => y(p.high ?? p.mean!));
      g.append('path')
        .attr('d', band(pts) ?? '')
        .attr('fill', colour)
        .attr('fill-opacity', 0.18)
        .attr('stroke', 'none')
        .attr('class', 'band')
        .attr('data-policy', l.policy);
      g.append('path')
        .attr(
          'd',
          line<SweepPoint>()
            .x(xOf)
            .y((p) => y(p.mean!))(pts) ?? '',
        )
        .attr('fill', 'none')
        .attr('stroke', colour)
        .attr('stroke-width', 1.5 + 1.5 * (lines.length - 1 - k))
        .attr('class', 'line')
        .attr('data-policy', l.policy);
      g.selectAll(`circle.pt-${l.policy}`)
        .data(pts)
        .join('circle')
        .attr('class', `pt-${l.policy}`)
        .attr('cx', xOf)
        .attr('cy', (p) => y(p.mean!))
        .attr('r', 3)
        .attr('fill', colour)
        .append('title')
        .text(
          (p) =>
            `${l.policy} at ${axis} ${String(p.x)}: ${fmt(p.mean)} (95 % interval ${fmt(p.low)} to ${fmt(p.high)}, ${p.n} seeds)`,
        );
    });
  }, [lines, axis, figure, log, w]);
  const label =
    `${figure} against ${axis}, a line per policy with the seeds' 95 % interval as a band: ` +
    lines
      .map((l) => `${l.policy} ${l.points.map((p) => `${String(p.x)}: ${fmt(p.mean)}`).join(', ')}`)
      .join('; ');
  return (
    <div className="sw-chart" ref={box}>
      <svg ref={svg} width={w} height={H} role="img" aria-label={label} />
      <ul className="legend-list" aria-label="Policies on the chart">
        {lines.map((l) => (
          <li key={l.policy}>
            <span
              className="swatch"
              style={{ background: runColour(l.policy) }}
              aria-hidden="true"
            />
            {l.policy}
          </li>
        ))}
        <li className="cl-hint">band: 95 % interval of the mean over seeds</li>
      </ul>
    </div>
  );
}
