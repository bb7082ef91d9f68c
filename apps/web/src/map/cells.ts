import {
  ALARM_CLASSES,
  CELLS_DELTA,
  CELLS_SHARES,
  CELLS_SINGLE,
  LENSES,
  LENS_NAMES,
  NO_PAGE,
  type CellsFrame,
} from '@agelab/protocol';
import { DIFFERENCE } from '../palette.ts';

/**
 * The cells of one run's viewport, as the last keyframe and the deltas since made them.
 * `values` is mutated in place by deltas (a keyframe's decoded bytes are adopted, not copied);
 * its geometry (`from`, `to`, `cells`, `lens`, `flags`) is the frame's own, so a drawing is
 * always consistent even while a newer viewport is on its way.
 */
export interface CellBuffer {
  viewport: number;
  lens: number;
  classes: number;
  flags: number;
  cells: number;
  from: number;
  to: number;
  refIndex: number;
  values: Uint8Array;
  /**
   * Cells that deltas changed since the map last drew this buffer (the map empties it), or null
   * when every cell must be drawn (a keyframe, or more changes than a full redraw costs).
   */
  changed?: number[] | null;
}

/** Past this share of the cells changed, a map redraws them all instead of one by one. */
const CHANGED_MAX_SHARE = 1 / 8;

export const isSingle = (b: CellBuffer): boolean => (b.flags & CELLS_SINGLE) !== 0;
export const isShares = (b: CellBuffer): boolean => (b.flags & CELLS_SHARES) !== 0;
export const pagesPerCell = (b: { from: number; to: number; cells: number }): number =>
  (b.to - b.from) / Math.max(1, b.cells);

/**
 * Apply a CELLS frame. A keyframe replaces the buffer; a delta updates it in place when it
 * answers the same viewport in the same form, and is refused (returns `stale`) otherwise: the
 * caller then waits for (or asks for) a keyframe. Frames of a viewport older than `latest` are
 * dropped.
 */
export function applyCells(
  buf: CellBuffer | null,
  f: CellsFrame,
  latest: number,
): { buf: CellBuffer | null; result: 'keyframe' | 'delta' | 'stale' | 'old' } {
  if (f.viewport < latest) return { buf, result: 'old' };
  if ((f.flags & CELLS_DELTA) === 0) {
    return {
      buf: {
        viewport: f.viewport,
        lens: f.lens,
        classes: f.classes,
        flags: f.flags & ~CELLS_DELTA,
        cells: f.cells,
        from: f.from,
        to: f.to,
        refIndex: f.refIndex,
        values: f.values,
        changed: null,
      },
      result: 'keyframe',
    };
  }
  const flags = f.flags & ~CELLS_DELTA;
  if (
    !buf ||
    buf.viewport !== f.viewport ||
    buf.lens !== f.lens ||
    buf.flags !== flags ||
    buf.cells !== f.cells
  )
    return { buf, result: 'stale' };
  const per = flags & CELLS_SINGLE ? 1 : f.classes;
  const v = buf.values;
  if (per === 1) {
    for (let i = 0; i < f.index.length; i++) v[f.index[i]] = f.values[i];
  } else {
    for (let i = 0; i < f.index.length; i++) {
      const dst = f.index[i] * per;
      const src = i * per;
      for (let c = 0; c < per; c++) v[dst + c] = f.values[src + c];
    }
  }
  buf.refIndex = f.refIndex;
  if (buf.changed) {
    if (buf.changed.length + f.index.length > buf.cells * CHANGED_MAX_SHARE) buf.changed = null;
    else for (let i = 0; i < f.index.length; i++) buf.changed.push(f.index[i]);
  }
  return { buf, result: 'delta' };
}

/** Indices of a lens's alarm classes, most alarming first (the legend's priority rule). */
export function alarmIndices(lens: number): number[] {
  const name = LENS_NAMES[lens];
  if (!name) return [];
  const classes = LENSES[name].classes as readonly string[];
  return (ALARM_CLASSES[name] ?? []).map((c) => classes.indexOf(c)).filter((i) => i >= 0);
}

/**
 * The class a cell is drawn in: its page's class (one page per cell), else any alarm class
 * present (in priority order), else its most frequent class (lowest index on a tie). −1: no page.
 */
export function cellClass(b: CellBuffer, i: number, alarms: readonly number[]): number {
  if (isSingle(b)) {
    const c = b.values[i];
    return c === NO_PAGE ? -1 : c;
  }
  const per = b.classes;
  const o = i * per;
  const v = b.values;
  for (let a = 0; a < alarms.length; a++) if (v[o + alarms[a]] > 0) return alarms[a];
  let best = -1;
  let bestN = 0;
  for (let c = 0; c < per; c++)
    if (v[o + c] > bestN) {
      bestN = v[o + c];
      best = c;
    }
  return best;
}

/** A cell's pages per class (exact counts, or shares of 255 when `isShares`). */
export function cellCounts(b: CellBuffer, i: number): number[] {
  if (isSingle(b)) {
    const c = b.values[i];
    const out = new Array<number>(b.classes).fill(0);
    if (c !== NO_PAGE && c < b.classes) out[c] = 1;
    return out;
  }
  return Array.from(b.values.subarray(i * b.classes, (i + 1) * b.classes));
}

/** The guest frames [from, to) cell i covers (cells split the range evenly, as the server does). */
export function cellRange(
  b: { from: number; to: number; cells: number },
  i: number,
): [number, number] {
  const span = b.to - b.from;
  return [
    b.from + Math.floor((i * span) / b.cells),
    b.from + Math.floor(((i + 1) * span) / b.cells),
  ];
}

/** The "difference" lens: computed here from two runs' residency cells, never sent (palette.ts names its classes). */
export const DIFF_CLASSES = DIFFERENCE.classes;
export const DIFF_LABELS = DIFFERENCE.labels;
const RES = LENSES.residency.classes as readonly string[];
const SWAPPED = RES.indexOf('swapped');

/**
 * How cell i of `here` differs from the same cell of `there` (both residency, same geometry):
 * 1 resident here and swapped out there, 2 the reverse, 3 any other difference of residency
 * (EPT-mapped against unmapped, swap cache, untouched), 0 the same. One page per cell compares
 * the page; a cell of many pages compares how many of its pages are swapped out in each run
 * first, then the other classes. −1: no page, or the buffers do not describe the same cells.
 */
export function diffClass(here: CellBuffer, there: CellBuffer, i: number): number {
  if (
    here.cells !== there.cells ||
    here.from !== there.from ||
    here.to !== there.to ||
    here.flags !== there.flags ||
    here.lens !== there.lens
  )
    return -1;
  if (isSingle(here)) {
    const a = here.values[i];
    const b = there.values[i];
    if (a === NO_PAGE || b === NO_PAGE) return -1;
    if (a === b) return 0;
    if (b === SWAPPED) return 1;
    if (a === SWAPPED) return 2;
    return 3;
  }
  const per = here.classes;
  const o = i * per;
  const sa = here.values[o + SWAPPED];
  const sb = there.values[o + SWAPPED];
  if (sa < sb) return 1;
  if (sa > sb) return 2;
  for (let c = 0; c < per; c++) if (here.values[o + c] !== there.values[o + c]) return 3;
  return 0;
}

/**
 * A row-major grid for n cells in a w×h box: square cells as large as fit. Address grows along
 * a row, then down, so the vertical axis is linear in guest frames.
 */
export function gridLayout(
  n: number,
  w: number,
  h: number,
): { cols: number; rows: number; size: number } {
  if (n <= 0 || w <= 0 || h <= 0) return { cols: 1, rows: 1, size: 0 };
  let cols = Math.max(1, Math.min(n, Math.ceil(Math.sqrt((n * w) / h))));
  let rows = Math.ceil(n / cols);
  let size = Math.min(w / cols, h / rows);
  // one column more can make the cells larger when the rows overflow the height
  const cols2 = cols + 1;
  const rows2 = Math.ceil(n / cols2);
  const size2 = Math.min(w / cols2, h / rows2);
  if (size2 > size) {
    cols = cols2;
    rows = rows2;
    size = size2;
  }
  return { cols, rows, size };
}

/** How many cells to ask for a w×h (CSS pixels) map showing `pages` frames: one per pixel at most. */
export function cellsFor(pages: number, w: number, h: number, maxCells: number): number {
  return Math.max(1, Math.min(Math.floor(pages), Math.floor(w) * Math.floor(h), maxCells));
}
