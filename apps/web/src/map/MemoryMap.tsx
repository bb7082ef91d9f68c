import { useEffect, useRef, useState } from 'react';
import { select } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, type ZoomTransform } from 'd3-zoom';
import { scaleLinear } from 'd3-scale';
import { axisLeft, axisRight } from 'd3-axis';
import { useCells, useConn, useUi } from '../store.ts';
import { fmtInt, fmtMiB, MiB_PAGES } from '../format.ts';
import {
  alarmIndices,
  cellClass,
  cellCounts,
  cellRange,
  diffClass,
  gridLayout,
  isShares,
  isSingle,
  pagesPerCell,
  type CellBuffer,
} from './cells.ts';
import { lensColours, rgba32, PAGE_BACKGROUND } from './colours.ts';
import { lensInfo, serverLensId } from './lens.ts';
import { useSelection } from '../inspector/store.ts';

/** Smallest range a zoom may show, in pages (1 MiB). */
const MIN_PAGES = 256;
const AXIS_LEFT = 52;
/** Right axis (gfn); on a narrow column the gfn range is in the caption and the hover line instead. */
const axisRightFor = (areaWidth: number): number => (areaWidth < 520 ? 6 : 64);

/** Map height for a width: half as tall as wide, within bounds. */
export const mapHeightFor = (w: number): number =>
  Math.round(Math.max(150, Math.min(420, w * 0.5)));

/** The geometry a drawing used, so that hover and export read the same cells. */
interface Drawn {
  buf: CellBuffer;
  cols: number;
  rows: number;
  size: number;
}

/** Shortest time between two redraws of one map's cells (a lens change redraws at once). */
const MAP_REDRAW_MS = 100;

/**
 * One run’s memory map: a static canvas of cells (redrawn at most every MAP_REDRAW_MS,
 * from the cells store, outside React) and an interactive canvas on top for hover and d3-zoom.
 * Zoom is linked through the store: every map shows the store's [from, to).
 */
export function MemoryMap({ run, policy }: { run: number; policy: string }) {
  const area = useRef<HTMLDivElement>(null);
  const staticCanvas = useRef<HTMLCanvasElement>(null);
  const hoverCanvas = useRef<HTMLCanvasElement>(null);
  const axisSvg = useRef<SVGSVGElement>(null);
  const summary = useRef<HTMLParagraphElement>(null);
  const hoverText = useRef<HTMLParagraphElement>(null);
  const drawn = useRef<Drawn | null>(null);
  const [size, setSize] = useState({ w: 0, h: 0, right: 64 });
  const guestPages = useConn((s) => s.welcome?.guestPages ?? 0);
  const zoom = useUi((s) => s.zoom);
  const lens = useUi((s) => s.lens);
  const [from, to] = zoom ?? [0, guestPages];
  const reply = useCells((s) => s.reply);

  // size: every map is as wide as its column; map 0 tells the store (the viewport asks for it)
  useEffect(() => {
    const el = area.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const right = axisRightFor(el.clientWidth);
      const w = Math.max(60, Math.floor(el.clientWidth - AXIS_LEFT - right));
      const h = mapHeightFor(w);
      setSize((s) => (s.w === w && s.h === h && s.right === right ? s : { w, h, right }));
      if (run === 0) {
        const cur = useUi.getState().mapSize;
        if (cur.w !== w || cur.h !== h) useUi.setState({ mapSize: { w, h } });
      }
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [run]);

  // the static scene: redraw on new cells, lens or size, at most once per frame
  useEffect(() => {
    const canvas = staticCanvas.current;
    if (!canvas || size.w === 0) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(size.w * dpr);
    canvas.height = Math.round(size.h * dpr);
    const off = document.createElement('canvas');
    let raf = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastDraw = 0;
    let img: ImageData | null = null;
    let lastSummary = '';
    // What the image holds: the buffer and lens it was drawn from, each cell's class, the tally
    let drawnBuf: CellBuffer | null = null;
    let drawnLens = '';
    let cls = new Int16Array(0);
    let tally = new Float64Array(0);
    const draw = () => {
      raf = 0;
      lastDraw = performance.now();
      const cells = useCells.getState();
      const lensNow = useUi.getState().lens;
      const buf = cells.runs[run];
      if (!buf || buf.lens !== serverLensId(lensNow)) return;
      const other = lensNow === 'difference' ? cells.runs[run === 0 ? 1 : 0] : null;
      if (lensNow === 'difference' && !other) return;
      const { cols, rows, size: cell } = gridLayout(buf.cells, size.w, size.h);
      if (off.width !== cols || off.height !== rows) {
        off.width = cols;
        off.height = rows;
      }
      const octx = off.getContext('2d');
      const ctx = canvas.getContext('2d');
      if (!octx || !ctx) return;
      const palette = lensColours(lensNow).map(rgba32);
      const none = rgba32(PAGE_BACKGROUND);
      const alarms = alarmIndices(buf.lens);
      const paint = (i: number, c: number) => {
        const was = cls[i];
        if (was === c) return;
        if (was >= 0) tally[was]--;
        if (c >= 0) tally[c]++;
        cls[i] = c;
        px[i] = c < 0 ? none : (palette[c] ?? none);
      };
      // Deltas name the cells they change: redraw only those when the image holds this very
      // buffer in this lens (the difference lens compares two buffers: always in full).
      const same =
        img !== null &&
        img.width === cols &&
        img.height === rows &&
        drawnBuf === buf &&
        drawnLens === lensNow &&
        !other &&
        Array.isArray(buf.changed);
      if (!img || img.width !== cols || img.height !== rows) img = octx.createImageData(cols, rows);
      const px = new Uint32Array(img.data.buffer);
      if (same) {
        for (const i of buf.changed!) paint(i, cellClass(buf, i, alarms));
      } else {
        if (cls.length !== px.length) cls = new Int16Array(px.length);
        cls.fill(-1);
        px.fill(none);
        tally = new Float64Array(palette.length);
        for (let i = 0; i < buf.cells; i++)
          paint(i, other ? diffClass(buf, other, i) : cellClass(buf, i, alarms));
      }
      buf.changed = [];
      drawnBuf = buf;
      drawnLens = lensNow;
      octx.putImageData(img, 0, 0);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = PAGE_BACKGROUND;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(off, 0, 0, cols * cell * dpr, rows * cell * dpr);
      drawn.current = { buf, cols, rows, size: cell };
      canvas.dataset.version = String(cells.version);
      canvas.dataset.cols = String(cols);
      canvas.dataset.cell = String(cell);
      // a changed text lays the page out again: only when it says something new
      const text = summarise(buf, lensNow, tally, policy);
      if (summary.current && text !== lastSummary) summary.current.textContent = lastSummary = text;
    };
    const schedule = () => {
      if (!raf) raf = requestAnimationFrame(draw);
    };
    // Cells arrive with every frame (25 a second while playing); a full redraw of a large map
    // costs milliseconds, so each map redraws at most every MAP_REDRAW_MS, the columns out of
    // phase so that two maps never draw in the same animation frame.
    const scheduleCells = () => {
      if (raf || timer) return;
      const wait = MAP_REDRAW_MS - (performance.now() - lastDraw);
      if (wait <= 0) schedule();
      else
        timer = setTimeout(() => {
          timer = null;
          schedule();
        }, wait);
    };
    lastDraw = performance.now() - MAP_REDRAW_MS + (run % 2) * (MAP_REDRAW_MS / 2);
    schedule();
    const un1 = useCells.subscribe(scheduleCells);
    const un2 = useUi.subscribe((s, p) => {
      if (s.lens !== p.lens) schedule();
    });
    return () => {
      un1();
      un2();
      if (raf) cancelAnimationFrame(raf);
      if (timer) clearTimeout(timer);
    };
  }, [run, size, policy]);

  // the interactive layer: hover outline (the same cell in every column) and its counts
  useEffect(() => {
    const canvas = hoverCanvas.current;
    if (!canvas || size.w === 0) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(size.w * dpr);
    canvas.height = Math.round(size.h * dpr);
    const paint = () => {
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, size.w, size.h);
      const i = useUi.getState().hover;
      const d = drawn.current;
      if (i === null || !d || i >= d.buf.cells) {
        if (hoverText.current)
          hoverText.current.textContent =
            'Hover a cell for its pages; click it (or Enter) to inspect its first page.';
        return;
      }
      const x = (i % d.cols) * d.size;
      const y = Math.floor(i / d.cols) * d.size;
      const s = Math.max(d.size, 3);
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1.5;
      ctx.strokeRect(x - (s - d.size) / 2 - 1, y - (s - d.size) / 2 - 1, s + 2, s + 2);
      if (hoverText.current)
        hoverText.current.textContent = describeCell(d.buf, i, useUi.getState().lens);
    };
    paint();
    const un = useUi.subscribe((s, p) => {
      if (s.hover !== p.hover) paint();
    });
    const un2 = useCells.subscribe(() => {
      if (useUi.getState().hover !== null) paint();
    });
    const move = (e: PointerEvent) => {
      const d = drawn.current;
      if (!d || d.size === 0) return;
      const r = canvas.getBoundingClientRect();
      const col = Math.floor((e.clientX - r.left) / d.size);
      const row = Math.floor((e.clientY - r.top) / d.size);
      const i = row * d.cols + col;
      const next = col >= 0 && col < d.cols && row >= 0 && i < d.buf.cells ? i : null;
      if (useUi.getState().hover !== next) useUi.setState({ hover: next });
    };
    const leave = () => useUi.setState({ hover: null });
    // a click selects the cell's page for the page inspector (a cell of many pages: its first frame)
    const click = (e: MouseEvent) => {
      move(e as PointerEvent);
      selectCell(drawn.current, useUi.getState().hover);
    };
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerleave', leave);
    canvas.addEventListener('click', click);
    return () => {
      un();
      un2();
      canvas.removeEventListener('pointermove', move);
      canvas.removeEventListener('pointerleave', leave);
      canvas.removeEventListener('click', click);
    };
  }, [size]);

  // d3-zoom on the interactive canvas, vertical (the address axis), linked through the store
  useEffect(() => {
    const canvas = hoverCanvas.current;
    if (!canvas || size.h === 0 || guestPages === 0) return;
    const G = guestPages;
    const h = size.h;
    const z = d3zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([1, Math.max(1, G / MIN_PAGES)])
      .extent([
        [0, 0],
        [size.w, h],
      ])
      .translateExtent([
        [0, 0],
        [size.w, h],
      ])
      .on('zoom', (ev: { transform: ZoomTransform; sourceEvent: unknown }) => {
        if (!ev.sourceEvent) return;
        const next = domainOf(ev.transform, G, h);
        const cur = useUi.getState().zoom;
        if (!cur || cur[0] !== next[0] || cur[1] !== next[1])
          useUi.setState({ zoom: next[0] === 0 && next[1] === G ? null : next });
      });
    const sel = select(canvas);
    sel.call(z);
    sel.on('dblclick.zoom', null);
    const apply = (zm: [number, number] | null) => {
      const [a, b] = zm ?? [0, G];
      const cur = domainOf(transformOf(canvas), G, h);
      if (cur[0] === a && cur[1] === b) return;
      const k = G / (b - a);
      sel.call(z.transform, zoomIdentity.translate(0, (-a * k * h) / G).scale(k));
    };
    apply(useUi.getState().zoom);
    const un = useUi.subscribe((s, p) => {
      if (s.zoom !== p.zoom) apply(s.zoom);
    });
    return () => {
      un();
      sel.on('.zoom', null);
    };
  }, [size, guestPages]);

  // the address axis: MiB on the left, gfn on the right, over the rows actually drawn
  useEffect(() => {
    const svg = axisSvg.current;
    if (!svg || size.h === 0 || to <= from) return;
    const n = Math.min(to - from, Math.max(1, reply?.cells ?? to - from));
    const { rows, size: cell } = gridLayout(n, size.w, size.h);
    const y = scaleLinear()
      .domain([from, to])
      .range([0, Math.min(size.h, rows * cell)]);
    const s = select(svg);
    s.selectAll('*').remove();
    const ticks = Math.max(2, Math.floor(size.h / 48));
    s.append('g')
      .attr('transform', `translate(${AXIS_LEFT - 1},0)`)
      .call(
        axisLeft(y)
          .ticks(ticks)
          .tickFormat((d) => fmtMiB(Number(d))),
      );
    if (size.right > 20)
      s.append('g')
        .attr('transform', `translate(${AXIS_LEFT + size.w + 1},0)`)
        .call(
          axisRight(y)
            .ticks(ticks)
            .tickFormat((d) => `gfn ${fmtInt(Number(d))}`),
        );
  }, [size, from, to, reply]);

  const ppc = reply ? (reply.to - reply.from) / Math.max(1, reply.cells) : 1;
  return (
    <div className="map" ref={area}>
      <div
        className="map-stage"
        style={{ height: size.h, paddingLeft: AXIS_LEFT, paddingRight: size.right }}
      >
        <svg
          className="map-axis"
          ref={axisSvg}
          width={size.w + AXIS_LEFT + size.right}
          height={size.h + 8}
          aria-hidden="true"
        />
        <canvas
          ref={staticCanvas}
          className="map-static"
          data-map-static={run}
          data-policy={policy}
          role="img"
          aria-label={`Memory map, ${policy}`}
          aria-describedby={`map-summary-${run}`}
          tabIndex={0}
          onKeyDown={(e) => {
            if (mapKey(e.key, drawn.current)) e.preventDefault();
          }}
          style={{ width: size.w, height: size.h, left: AXIS_LEFT }}
        />
        <canvas
          ref={hoverCanvas}
          className="map-hover"
          aria-hidden="true"
          style={{ width: size.w, height: size.h, left: AXIS_LEFT }}
        />
      </div>
      <p className="map-scale" data-testid={`map-scale-${run}`}>
        {lensInfo(lens).title}: gfn {fmtInt(from)}–{fmtInt(to - 1)} ({fmtMiB(to - from)}),{' '}
        <span data-testid={`pages-per-cell-${run}`}>{ppcText(ppc)}</span>
        {zoom && (
          <button className="link" onClick={() => useUi.setState({ zoom: null })}>
            show all
          </button>
        )}
      </p>
      <p className="map-summary" id={`map-summary-${run}`} ref={summary} aria-live="off" />
      <p className="map-hovertext" ref={hoverText} />
    </div>
  );
}

/** Select the first guest frame of cell i (the page inspector shows useUi.selectedGfn). */
function selectCell(d: Drawn | null, i: number | null): void {
  if (!d || i === null || i >= d.buf.cells) return;
  useSelection.setState({ hint: null });
  useUi.setState({ selectedGfn: cellRange(d.buf, i)[0] });
}

/** Keyboard on a focused map: arrows move the hovered cell, Enter selects it. True if handled. */
function mapKey(key: string, d: Drawn | null): boolean {
  if (!d) return false;
  const cur = useUi.getState().hover;
  if (key === 'Enter') {
    selectCell(d, cur ?? 0);
    if (cur === null) useUi.setState({ hover: 0 });
    return true;
  }
  const step: Record<string, number> = {
    ArrowRight: 1,
    ArrowLeft: -1,
    ArrowDown: d.cols,
    ArrowUp: -d.cols,
  };
  if (!(key in step)) return false;
  const next = Math.min(d.buf.cells - 1, Math.max(0, (cur ?? 0) + (cur === null ? 0 : step[key])));
  useUi.setState({ hover: next });
  return true;
}

function ppcText(ppc: number): string {
  if (ppc <= 1) return '1 page per cell (exact)';
  return `${ppc >= 10 ? Math.round(ppc) : ppc.toFixed(1)} pages per cell`;
}

function transformOf(el: HTMLCanvasElement): ZoomTransform {
  return (el as unknown as { __zoom?: ZoomTransform }).__zoom ?? zoomIdentity;
}

/** The guest frames a zoom transform shows, for a map of height h over G pages. */
export function domainOf(t: ZoomTransform, G: number, h: number): [number, number] {
  const a = Math.max(0, Math.floor(((-t.y / t.k) * G) / h));
  const b = Math.min(G, Math.ceil((((h - t.y) / t.k) * G) / h));
  return [a, Math.max(a + 1, b)];
}

function summarise(
  buf: CellBuffer,
  lens: ReturnType<typeof useUi.getState>['lens'],
  tally: Float64Array,
  policy: string,
): string {
  const info = lensInfo(lens);
  const total = buf.cells;
  const parts: string[] = [];
  info.labels.forEach((label, c) => {
    if (tally[c] > 0) parts.push(`${label} ${Math.round((tally[c] / total) * 1000) / 10} %`);
  });
  const unit = isSingle(buf) ? 'pages' : 'cells';
  return `${policy}, ${info.title.toLowerCase()}: ${fmtMiB(buf.to - buf.from)} shown; ${unit} by class: ${parts.join(', ') || 'none yet'}.`;
}

function describeCell(
  buf: CellBuffer,
  i: number,
  lens: ReturnType<typeof useUi.getState>['lens'],
): string {
  const [a, b] = cellRange(buf, i);
  const info = lensInfo(lens === 'difference' ? 'residency' : lens);
  const counts = cellCounts(buf, i);
  const what = isShares(buf) ? 'share of 255' : 'pages';
  const parts = counts.map((n, c) => (n > 0 ? `${info.labels[c]}: ${n}` : '')).filter(Boolean);
  const range = b - a <= 1 ? `gfn ${fmtInt(a)}` : `gfn ${fmtInt(a)}–${fmtInt(b - 1)}`;
  return `${range} (${(a / MiB_PAGES).toFixed(2)} MiB, ${fmtInt(pagesPerCell(buf) > 1 ? b - a : 1)} page${b - a > 1 ? 's' : ''}): ${parts.join(' · ') || 'no page'}${parts.length && isShares(buf) ? ` (${what})` : ''}`;
}
