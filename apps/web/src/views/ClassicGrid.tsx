import { useEffect, useRef } from 'react';
import { select } from 'd3-selection';
import { useWidth } from '../charts/use-width.ts';
import {
  MAX_TEXTBOOK_REFERENCES,
  policyLabel,
  stepColumn,
  type ClassicSteps,
} from './classic-model.ts';

const FAULT = '#ce5a0a';
const HIT = '#0ea06f';
const TEXT = '#dde1e8';
const MUTED = '#9aa3b2';
const LINE = '#2c313c';
const LABEL_W = 52;

interface Props {
  steps: ClassicSteps;
  tokens: readonly string[];
  policy: string;
}

/**
 * One policy's step table: the reference string across, the frames down. Up to
 * MAX_TEXTBOOK_REFERENCES references it is the textbook grid (SVG drawn by D3, page numbers in
 * the cells, a fault's new page on a coloured cell, the page it evicted below); longer strings
 * are a raster on a canvas, one column per reference, each page its own colour, faults as ticks.
 */
export function ClassicGrid(props: Props) {
  const n = props.steps.faultAt.length;
  return n <= MAX_TEXTBOOK_REFERENCES ? <TextbookGrid {...props} /> : <RasterGrid {...props} />;
}

function label(props: Props): string {
  const n = props.steps.faultAt.length;
  const faults = props.steps.faultAt.reduce((a, b) => a + b, 0);
  return `Frames over the reference string, ${policyLabel(props.policy)}: ${faults} faults in ${n} references with ${props.steps.frameCount} frames`;
}

function TextbookGrid(props: Props) {
  const { steps, tokens } = props;
  const [box, width] = useWidth<HTMLDivElement>(360);
  const svg = useRef<SVGSVGElement>(null);
  const n = steps.faultAt.length;
  const cell = Math.max(18, Math.min(30, Math.floor((width - LABEL_W) / Math.max(1, n))));
  const rows = steps.frameCount + 3; // reference, frames, fault mark, evicted
  const w = LABEL_W + n * cell;
  const h = rows * cell;
  useEffect(() => {
    const g = select(svg.current!);
    g.selectAll('*').remove();
    const font = Math.round(cell * 0.46);
    const cols = Array.from({ length: n }, (_, i) => stepColumn(steps, tokens, i));
    const rowLabels = [
      'ref',
      ...Array.from({ length: steps.frameCount }, (_, f) => `frame ${f + 1}`),
      'fault',
      'out',
    ];
    g.selectAll('text.row')
      .data(rowLabels)
      .join('text')
      .attr('class', 'row')
      .attr('x', LABEL_W - 6)
      .attr('y', (_, r) => r * cell + cell / 2)
      .attr('text-anchor', 'end')
      .attr('dominant-baseline', 'central')
      .attr('fill', MUTED)
      .attr('font-size', Math.min(12, font))
      .text((d) => d);
    const col = g
      .selectAll('g.col')
      .data(cols)
      .join('g')
      .attr('class', 'col')
      .attr('transform', (_, i) => `translate(${LABEL_W + i * cell},0)`);
    col
      .append('text')
      .attr('x', cell / 2)
      .attr('y', cell / 2)
      .attr('text-anchor', 'middle')
      .attr('dominant-baseline', 'central')
      .attr('font-weight', 700)
      .attr('font-size', font)
      .attr('fill', TEXT)
      .text((c) => c.reference);
    col.each(function (c) {
      const gc = select(this);
      c.frames.forEach((page, f) => {
        const y = (f + 1) * cell;
        const mark = c.at === f;
        gc.append('rect')
          .attr('x', 1)
          .attr('y', y + 1)
          .attr('width', cell - 2)
          .attr('height', cell - 2)
          .attr('rx', 2)
          .attr('fill', mark && c.fault ? FAULT : 'none')
          .attr('stroke', mark && !c.fault ? HIT : LINE)
          .attr('stroke-width', mark && !c.fault ? 2 : 1);
        if (page !== null)
          gc.append('text')
            .attr('x', cell / 2)
            .attr('y', y + cell / 2)
            .attr('text-anchor', 'middle')
            .attr('dominant-baseline', 'central')
            .attr('font-size', font)
            .attr('fill', mark && c.fault ? '#ffffff' : TEXT)
            .text(String(page));
      });
      const yf = (steps.frameCount + 1) * cell;
      gc.append('text')
        .attr('x', cell / 2)
        .attr('y', yf + cell / 2)
        .attr('text-anchor', 'middle')
        .attr('dominant-baseline', 'central')
        .attr('font-size', font)
        .attr('font-weight', 700)
        .attr('fill', c.fault ? FAULT : HIT)
        .text(c.fault ? 'F' : '·');
      if (c.evicted !== null)
        gc.append('text')
          .attr('x', cell / 2)
          .attr('y', yf + cell + cell / 2)
          .attr('text-anchor', 'middle')
          .attr('dominant-baseline', 'central')
          .attr('font-size', font)
          .attr('fill', MUTED)
          .attr('text-decoration', 'line-through')
          .text(String(c.evicted));
    });
  }, [steps, tokens, n, cell]);
  return (
    <div className="cl-grid" ref={box}>
      <svg ref={svg} width={w} height={h} role="img" aria-label={label(props)} />
    </div>
  );
}

/** A page's colour on the raster: hues spread by a multiplicative hash, light enough on dark. */
function pageRgb(page: number): [number, number, number] {
  const hue = ((Math.imul(page + 1, 2654435761) >>> 0) % 360) / 60;
  const c = 0.55;
  const x = c * (1 - Math.abs((hue % 2) - 1));
  const [r, g, b] =
    hue < 1
      ? [c, x, 0]
      : hue < 2
        ? [x, c, 0]
        : hue < 3
          ? [0, c, x]
          : hue < 4
            ? [0, x, c]
            : hue < 5
              ? [x, 0, c]
              : [c, 0, x];
  const m = 0.3;
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}

function RasterGrid(props: Props) {
  const { steps } = props;
  const [box, width] = useWidth<HTMLDivElement>(360);
  const canvas = useRef<HTMLCanvasElement>(null);
  const n = steps.faultAt.length;
  const colW = Math.max(1, Math.floor(width / n));
  const cw = Math.max(1, n * colW);
  const cellH = Math.max(1, Math.min(10, Math.floor(160 / steps.frameCount)));
  const tick = 6;
  const ch = tick + 2 + steps.frameCount * cellH;
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(cw, ch);
    const d = img.data;
    const put = (x: number, y: number, [r, g, b]: readonly number[]) => {
      const o = (y * cw + x) * 4;
      d[o] = r;
      d[o + 1] = g;
      d[o + 2] = b;
      d[o + 3] = 255;
    };
    const fault = [0xce, 0x5a, 0x0a] as const;
    const empty = [0x1c, 0x1f, 0x26] as const;
    for (let i = 0; i < n; i++) {
      for (let x = i * colW; x < (i + 1) * colW; x++) {
        if (steps.faultAt[i]) for (let y = 0; y < tick; y++) put(x, y, fault);
        for (let f = 0; f < steps.frameCount; f++) {
          const page = steps.frames[i * steps.frameCount + f];
          const rgb = page === undefined || page < 0 ? empty : pageRgb(page);
          for (let y = 0; y < cellH; y++) put(x, tick + 2 + f * cellH + y, rgb);
        }
      }
    }
    ctx.putImageData(img, 0, 0);
  }, [steps, n, colW, cw, ch, cellH]);
  return (
    <div className="cl-grid cl-raster" ref={box}>
      <canvas ref={canvas} width={cw} height={ch} role="img" aria-label={label(props)} />
      <p className="cl-hint">
        Each column a reference, each row a frame, each page its own colour; faults are the ticks on
        top.
      </p>
    </div>
  );
}
