import { useEffect, useRef } from 'react';
import { axisBottom, axisLeft } from 'd3-axis';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { line } from 'd3-shape';
import { useWidth } from '../charts/use-width.ts';
import { curveRises, policyColour, policyLabel, type ClassicAnswer } from './classic-model.ts';

const H = 240;
const M = { top: 12, right: 16, bottom: 36, left: 66 };

/**
 * Faults against the number of frames, a line per policy (D3 on SVG). A segment where a curve
 * rises (Belady's anomaly) is ringed; the legend and the sentences are React's, beside it.
 */
export function FaultCurve({
  curve,
  policies,
}: {
  curve: ClassicAnswer['curve'];
  policies: string[];
}) {
  const [box, width] = useWidth<HTMLDivElement>(600);
  const svg = useRef<SVGSVGElement>(null);
  const w = Math.max(260, width);
  useEffect(() => {
    const g = select(svg.current!);
    g.selectAll('*').remove();
    const xs = curve.map((c) => c.frames);
    const maxY = Math.max(1, ...curve.flatMap((c) => policies.map((p) => c.faults[p] ?? 0)));
    const x = scaleLinear()
      .domain([Math.min(...xs), Math.max(...xs)])
      .range([M.left, w - M.right]);
    const y = scaleLinear()
      .domain([0, maxY])
      .nice()
      .range([H - M.bottom, M.top]);
    const integerTicks = (s: typeof x, n: number) => s.ticks(n).filter(Number.isInteger);
    g.append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${H - M.bottom})`)
      .call(
        axisBottom(x)
          .tickValues(integerTicks(x, Math.min(xs.length, Math.floor(w / 50))))
          .tickFormat((d) => String(d)),
      );
    g.append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(${M.left},0)`)
      .call(axisLeft(y).ticks(5));
    g.append('text')
      .attr('class', 'axis-title')
      .attr('x', (M.left + w - M.right) / 2)
      .attr('y', H - 4)
      .attr('text-anchor', 'middle')
      .text('frames');
    g.append('text')
      .attr('class', 'axis-title')
      .attr('transform', `translate(12,${(M.top + H - M.bottom) / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text('page faults');
    // lines that coincide (FIFO and CLOCK often do) stay visible: the first drawn is the widest
    policies.forEach((p, k) => {
      const pts = curve.filter((c) => c.faults[p] !== undefined);
      const path = line<(typeof curve)[number]>()
        .x((c) => x(c.frames))
        .y((c) => y(c.faults[p]));
      g.append('path')
        .attr('d', path(pts) ?? '')
        .attr('fill', 'none')
        .attr('stroke', policyColour(p))
        .attr('stroke-width', 1.5 + (policies.length - 1 - k))
        .attr('stroke-opacity', 0.9)
        .attr('data-policy', p);
      g.selectAll(`circle.p-${p}`)
        .data(pts)
        .join('circle')
        .attr('class', `p-${p}`)
        .attr('cx', (c) => x(c.frames))
        .attr('cy', (c) => y(c.faults[p]))
        .attr('r', pts.length > 40 ? 1.5 : 3)
        .attr('fill', policyColour(p))
        .append('title')
        .text((c) => `${policyLabel(p)}: ${c.faults[p]} faults with ${c.frames} frames`);
    });
    for (const r of curveRises(curve)) {
      g.append('circle')
        .attr('cx', x(r.to))
        .attr('cy', y(r.faultsTo))
        .attr('r', 9)
        .attr('fill', 'none')
        .attr('stroke', '#ffd166')
        .attr('stroke-width', 2);
    }
  }, [curve, policies, w]);
  const last = curve.at(-1);
  const label =
    `Fault curve, frames ${curve[0]?.frames} to ${last?.frames}: ` +
    policies.map((p) => `${policyLabel(p)} ${curve.map((c) => c.faults[p]).join(', ')}`).join('; ');
  return (
    <div className="cl-curve-box" ref={box}>
      <svg ref={svg} width={w} height={H} role="img" aria-label={label} />
      <ul className="legend-list" aria-label="Policies on the curve">
        {policies.map((p) => (
          <li key={p}>
            <span className="swatch" style={{ background: policyColour(p) }} aria-hidden="true" />
            {policyLabel(p)}
          </li>
        ))}
      </ul>
    </div>
  );
}
