import { CELLS_SHARES, CELLS_SINGLE, MAX_CLASSES, NO_PAGE, classCount } from '@agelab/protocol';
import {
  CLASS_BITS,
  CLASS_MASK,
  DIRTY_CHUNK_SHIFT,
  PageClassifier,
  type Simulation,
} from '@agelab/sim-core';

const CHUNK = 1 << DIRTY_CHUNK_SHIFT;

/**
 * The page map of one run as the server keeps it for its viewers: one packed class word per
 * page (sim-core page-classes.ts), brought up to date by `update` at each publish.
 *
 * Invariants (the caching rules):
 * - A word is recomputed when its chunk is dirty: the event log marks the 2M frame of every
 *   event, and every change of residency, LRU list, EPT mapping or THP state raises one, so those
 *   classes are exact after every update.
 * - Classes that change with time alone (heat; "hot" and the verdicts of belief vs truth, which
 *   may change without an event) are refreshed by a rolling sweep that visits every chunk at least
 *   once per `refreshMs` of wall time (protocol TIME_CLASS_REFRESH_MS), bounded per update.
 * - `changed[c]` is 1 when some word of chunk c changed in the last update: cells over other
 *   chunks need no recount.
 */
export class RunMap {
  readonly words: Uint16Array;
  readonly chunks: number;
  /** Chunks whose words changed in the last update. */
  readonly changed: Uint8Array;
  /** Number of chunks with changed[c] = 1. */
  changedCount = 0;
  private sweep = 0;
  private lastUpdate = -Infinity;
  /** The whole map was recomputed in the last update (a restore, the first one). */
  full = true;

  constructor(
    readonly pages: number,
    private readonly refreshMs: number,
  ) {
    this.words = new Uint16Array(pages);
    this.chunks = Math.ceil(pages / CHUNK);
    this.changed = new Uint8Array(this.chunks);
  }

  /**
   * Bring the words up to date with `sim`. `dirty` is the event log's dirty map (cleared here);
   * null recomputes every chunk (no log, or the simulation was replaced by a restore).
   */
  update(sim: Simulation, dirty: Uint8Array | null, now = performance.now()): void {
    const c = new PageClassifier(sim);
    this.changed.fill(0);
    this.changedCount = 0;
    const all = dirty === null || this.lastUpdate === -Infinity;
    this.full = all;
    // The rolling sweep: enough chunks that every chunk is visited within refreshMs.
    const elapsed = Math.min(this.refreshMs, Math.max(0, now - this.lastUpdate));
    let sweepLeft = all ? 0 : Math.ceil((this.chunks * elapsed) / this.refreshMs);
    this.lastUpdate = now;
    for (let k = 0; k < this.chunks; k++) {
      if (!all && !dirty![k]) continue;
      if (dirty) dirty[k] = 0;
      this.refresh(c, k);
    }
    while (sweepLeft-- > 0) {
      const k = this.sweep;
      this.sweep = k + 1 === this.chunks ? 0 : k + 1;
      if (!this.changed[k]) this.refresh(c, k);
    }
  }

  private refresh(c: PageClassifier, k: number): void {
    const from = k * CHUNK;
    if (c.fill(this.words, from, Math.min(this.pages, from + CHUNK)) > 0 && !this.changed[k]) {
      this.changed[k] = 1;
      this.changedCount++;
    }
  }
}

/** A viewport as the server answers it: a range of gfns in `cells` cells of one lens. */
export interface ViewportSpec {
  from: number;
  to: number;
  cells: number;
  lens: number;
}

/** The key under which viewers of the same run and viewport share their cells. */
export const viewportKey = (run: number, v: ViewportSpec): string =>
  `${run}:${v.from}:${v.to}:${v.cells}:${v.lens}`;

/** Clamp a viewport to the guest: the range inside [0, pages), at most one cell a page. */
export function clampViewport(v: ViewportSpec, pages: number, maxCells: number): ViewportSpec {
  const from = Math.min(Math.max(0, Math.floor(v.from)), pages - 1);
  const to = Math.max(from + 1, Math.min(pages, Math.floor(v.to)));
  return { from, to, cells: Math.max(1, Math.min(v.cells, maxCells, to - from)), lens: v.lens };
}

/**
 * The cells of one viewport of one run, kept between publishes so a publish sends the cells that
 * changed. Cell i covers gfns [from + ⌊i·len/cells⌋, from + ⌊(i+1)·len/cells⌋).
 *
 * Values per cell: with one page a cell (SINGLE), the page's class index; with at most 255 pages
 * a cell, the exact count of pages per class; with more (SHARES), shares of 255 by largest
 * remainder where a class with any page gets at least 1, so an alarm class is never rounded away.
 */
export class CellView {
  readonly flags: number;
  readonly per: number;
  readonly classes: number;
  /** The values last computed, cells × per. */
  values: Uint8Array;
  private scratch = new Uint32Array(MAX_CLASSES);

  constructor(readonly spec: ViewportSpec) {
    const len = spec.to - spec.from;
    this.classes = classCount(spec.lens);
    const single = spec.cells === len;
    const maxPages = Math.ceil(len / spec.cells);
    this.flags = single ? CELLS_SINGLE : maxPages > 255 ? CELLS_SHARES : 0;
    this.per = single ? 1 : this.classes;
    this.values = new Uint8Array(spec.cells * this.per);
  }

  cellStart(i: number): number {
    const s = this.spec;
    return s.from + Math.floor((i * (s.to - s.from)) / s.cells);
  }

  /** The cell gfn g falls in. */
  cellOf(g: number): number {
    const s = this.spec;
    return Math.min(s.cells - 1, Math.floor(((g - s.from) * s.cells) / (s.to - s.from)));
  }

  /** Recompute every cell. */
  computeAll(map: RunMap): void {
    if (this.flags & CELLS_SINGLE) this.singles(map, 0, this.spec.cells, null);
    else for (let i = 0; i < this.spec.cells; i++) this.compute(map, i, this.values);
  }

  /**
   * One page a cell: cell i is page from + i, a tight loop over the words. With `changed`, the
   * cells whose class differs from before are appended to it.
   */
  private singles(map: RunMap, a: number, b: number, changed: number[] | null): void {
    const w = map.words;
    const v = this.values;
    const shift = this.spec.lens * CLASS_BITS;
    const from = this.spec.from;
    for (let i = a; i < b; i++) {
      const c = (w[from + i] >>> shift) & CLASS_MASK;
      if (v[i] === c) continue;
      v[i] = c;
      changed?.push(i);
    }
  }

  /**
   * Recompute the cells over chunks that changed; returns the indices of cells whose values
   * differ from before (ascending), with the values updated in place.
   */
  computeChanged(map: RunMap): Uint32Array {
    if (map.full) {
      const old = this.values.slice();
      this.computeAll(map);
      return this.diff(old, 0, this.spec.cells);
    }
    const s = this.spec;
    const out: number[] = [];
    if (this.flags & CELLS_SINGLE) {
      for (let k = s.from >>> DIRTY_CHUNK_SHIFT; k <= (s.to - 1) >>> DIRTY_CHUNK_SHIFT; k++)
        if (map.changed[k])
          this.singles(
            map,
            Math.max(0, k * CHUNK - s.from),
            Math.min(s.cells, (k + 1) * CHUNK - s.from),
            out,
          );
      return Uint32Array.from(out);
    }
    const row = new Uint8Array(this.per);
    let next = 0; // first cell not yet recomputed (chunks are visited in order)
    const first = s.from >>> DIRTY_CHUNK_SHIFT;
    const last = (s.to - 1) >>> DIRTY_CHUNK_SHIFT;
    for (let k = first; k <= last; k++) {
      if (!map.changed[k]) continue;
      const a = Math.max(next, this.cellOf(Math.max(s.from, k * CHUNK)));
      const b = this.cellOf(Math.min(s.to, (k + 1) * CHUNK) - 1);
      for (let i = a; i <= b; i++) {
        this.compute(map, i, row, 0);
        let same = true;
        for (let j = 0; j < this.per; j++)
          if (row[j] !== this.values[i * this.per + j]) same = false;
        if (same) continue;
        this.values.set(row, i * this.per);
        out.push(i);
      }
      next = Math.max(next, b + 1);
    }
    return Uint32Array.from(out);
  }

  private diff(old: Uint8Array, a: number, b: number): Uint32Array {
    const out: number[] = [];
    for (let i = a; i < b; i++) {
      for (let j = 0; j < this.per; j++)
        if (old[i * this.per + j] !== this.values[i * this.per + j]) {
          out.push(i);
          break;
        }
    }
    return Uint32Array.from(out);
  }

  /** The values of the listed cells, in order (a delta's payload). */
  pick(index: Uint32Array): Uint8Array {
    const out = new Uint8Array(index.length * this.per);
    for (let k = 0; k < index.length; k++)
      out.set(this.values.subarray(index[k] * this.per, (index[k] + 1) * this.per), k * this.per);
    return out;
  }

  private compute(map: RunMap, i: number, out: Uint8Array, at = i * this.per): void {
    const a = this.cellStart(i);
    const b = this.cellStart(i + 1);
    const shift = this.spec.lens * CLASS_BITS;
    const w = map.words;
    if (this.flags & CELLS_SINGLE) {
      out[at] = b > a ? (w[a] >>> shift) & CLASS_MASK : NO_PAGE;
      return;
    }
    const counts = this.scratch;
    counts.fill(0);
    for (let g = a; g < b; g++) counts[(w[g] >>> shift) & CLASS_MASK]++;
    const k = this.classes;
    if (!(this.flags & CELLS_SHARES)) {
      for (let j = 0; j < k; j++) out[at + j] = counts[j];
      return;
    }
    quantise(counts, k, b - a, out, at);
  }
}

/**
 * Shares of 255 for class counts that sum to `total`: every class with a page gets at least 1,
 * the rest is given by largest remainder, and the shares sum to exactly 255.
 */
export function quantise(
  counts: ArrayLike<number>,
  k: number,
  total: number,
  out: Uint8Array,
  at = 0,
): void {
  let present = 0;
  for (let j = 0; j < k; j++) if (counts[j] > 0) present++;
  const spare = 255 - present;
  let given = 0;
  const rem: number[] = [];
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) {
      out[at + j] = 0;
      continue;
    }
    const exact = (counts[j] * spare) / total;
    const whole = Math.floor(exact);
    out[at + j] = 1 + whole;
    given += 1 + whole;
    rem.push(j);
  }
  // largest remainders first; ties to the lower class index (deterministic)
  rem.sort((x, y) => {
    const rx = (counts[x] * spare) / total - Math.floor((counts[x] * spare) / total);
    const ry = (counts[y] * spare) / total - Math.floor((counts[y] * spare) / total);
    return ry - rx || x - y;
  });
  for (let r = 0; given < 255 && rem.length > 0; r = (r + 1) % rem.length, given++)
    out[at + rem[r]]++;
}
