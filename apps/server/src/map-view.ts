import { CELLS_SHARES, CELLS_SINGLE, classCount } from '@agelab/protocol';
import {
  CLASS_BITS,
  CLASS_MASK,
  PageClassifier,
  type DirtyPages,
  type Simulation,
} from '@agelab/sim-core';

/** Pages the rolling sweep refreshes at a time. */
const CHUNK = 64;

/**
 * The page map of one run as the server keeps it for its viewers: one packed class word per
 * page (sim-core page-classes.ts), brought up to date by `update` at each publish, and the list
 * of pages whose word changed in that update (so cell views update by difference).
 *
 * Invariants (the caching rules):
 * - A word is recomputed when its page is dirty: the event log marks the gfn of every event (the
 *   whole 2M frame for an event on a frame's first gfn, where THP events are raised), and every
 *   change of residency, LRU list, EPT mapping, verdict or THP state raises one, so those classes
 *   are exact after every update, at a cost proportional to the pages that changed.
 * - Classes that change with time alone (heat; "hot") are in the words only while someone
 *   watches a lens that shows them (otherwise a dirty page's word would change with the time
 *   that passed, not with what happened); then a rolling sweep visits every page at least once
 *   per `refreshMs` of wall time.
 * - After an update, `changes` lists every page whose word changed, with its old word, unless
 *   `full`: then so much changed (or the simulation was replaced) that views recount everything.
 */
export class RunMap {
  readonly words: Uint16Array;
  readonly chunks: number;
  /** Pages whose word changed in the last update, and their words before it. */
  changedPages: Int32Array;
  oldWords: Uint16Array;
  changeCount = 0;
  /** The last update recomputed everything, or changed too much to list: recount all. */
  full = true;
  private sweep = 0;
  private lastUpdate = -Infinity;
  /** The words hold the time classes (heat, hot): someone watches a lens that shows them. */
  private timed = false;
  private readonly maxChanges: number;

  constructor(
    readonly pages: number,
    readonly refreshMs: number,
  ) {
    this.words = new Uint16Array(pages);
    this.chunks = Math.ceil(pages / CHUNK);
    this.maxChanges = Math.max(1024, pages >>> 1);
    this.changedPages = new Int32Array(1024);
    this.oldWords = new Uint16Array(1024);
  }

  /**
   * Bring the words up to date with `sim`. `dirty` is the event log's dirty pages (taken here);
   * null recomputes every page (the simulation was replaced by a restore, or it is the first).
   */
  update(
    sim: Simulation,
    dirty: DirtyPages | null,
    now = performance.now(),
    /** Someone watches a time-dependent lens (heat, belief): run the rolling sweep. */
    sweep = true,
  ): void {
    const c = new PageClassifier(sim, !sweep);
    this.changeCount = 0;
    const taken = dirty?.take();
    // Time classes are in the words only while someone watches them: a change either way
    // recomputes every word.
    const timedChanged = sweep !== this.timed;
    this.timed = sweep;
    if (!taken || taken.all || timedChanged || this.lastUpdate === -Infinity) {
      c.fill(this.words, 0, this.pages);
      this.full = true;
      this.lastUpdate = now;
      return;
    }
    this.full = false;
    const elapsed = Math.min(this.refreshMs, Math.max(0, now - this.lastUpdate));
    let sweepLeft = sweep ? Math.ceil((this.chunks * elapsed) / this.refreshMs) : 0;
    this.lastUpdate = now;
    for (let i = 0; i < taken.count; i++) this.refreshPage(c, taken.pages[i]);
    while (sweepLeft-- > 0 && !this.full) {
      const k = this.sweep;
      this.sweep = k + 1 === this.chunks ? 0 : k + 1;
      this.refresh(c, k);
    }
  }

  private refresh(c: PageClassifier, k: number): void {
    const to = Math.min(this.pages, (k + 1) * CHUNK);
    for (let g = k * CHUNK; g < to; g++) this.refreshPage(c, g);
  }

  private refreshPage(c: PageClassifier, g: number): void {
    const w = this.words;
    const nw = c.word(g);
    const ow = w[g];
    if (nw === ow) return;
    w[g] = nw;
    if (this.full) return;
    if (this.changeCount === this.maxChanges) {
      this.full = true;
      return;
    }
    if (this.changeCount === this.changedPages.length) this.grow();
    this.changedPages[this.changeCount] = g;
    this.oldWords[this.changeCount++] = ow;
  }

  private grow(): void {
    const n = Math.min(this.maxChanges, this.changedPages.length * 2);
    const p = new Int32Array(n);
    p.set(this.changedPages);
    const o = new Uint16Array(n);
    o.set(this.oldWords);
    this.changedPages = p;
    this.oldWords = o;
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
 * The cells of one viewport of one run, kept between publishes so a publish costs what changed
 * and sends the cells that changed. Cell i covers gfns [from + ⌊i·len/cells⌋, from +
 * ⌊(i+1)·len/cells⌋).
 *
 * Values per cell: with one page a cell (SINGLE), the page's class index; with at most 255 pages
 * a cell, the exact count of pages per class; with more (SHARES), shares of 255 by largest
 * remainder where a class with any page gets at least 1, so an alarm class is never rounded away.
 * Aggregated cells keep exact counts per class, updated from the map's list of changed pages.
 */
export class CellView {
  readonly flags: number;
  readonly per: number;
  readonly classes: number;
  /** The values last computed, cells × per. */
  readonly values: Uint8Array;
  /** Exact page counts, cells × classes (aggregated views only). */
  private readonly counts: Uint16Array | Uint32Array | null;
  private readonly touched: Uint8Array | null;
  private readonly shift: number;

  constructor(readonly spec: ViewportSpec) {
    const len = spec.to - spec.from;
    this.classes = classCount(spec.lens);
    this.shift = spec.lens * CLASS_BITS;
    const single = spec.cells === len;
    const maxPages = Math.ceil(len / spec.cells);
    this.flags = single ? CELLS_SINGLE : maxPages > 255 ? CELLS_SHARES : 0;
    this.per = single ? 1 : this.classes;
    this.values = new Uint8Array(spec.cells * this.per);
    const n = single ? 0 : spec.cells * this.classes;
    this.counts = single ? null : maxPages < 65536 ? new Uint16Array(n) : new Uint32Array(n);
    this.touched = single ? null : new Uint8Array(spec.cells);
  }

  cellStart(i: number): number {
    const s = this.spec;
    return s.from + Math.floor((i * (s.to - s.from)) / s.cells);
  }

  /** The cell gfn g falls in (g inside the viewport). */
  cellOf(g: number): number {
    const s = this.spec;
    const i = Math.floor(((g - s.from) * s.cells) / (s.to - s.from));
    // floor((i·len)/cells) ≤ g − from < floor(((i+1)·len)/cells): correct a rounding either way
    if (i > 0 && this.cellStart(i) > g) return i - 1;
    if (i + 1 < s.cells && this.cellStart(i + 1) <= g) return i + 1;
    return i;
  }

  /** Recount every cell from the words. */
  computeAll(map: RunMap): void {
    const w = map.words;
    const s = this.spec;
    const shift = this.shift;
    if (!this.counts) {
      for (let i = 0; i < s.cells; i++) this.values[i] = (w[s.from + i] >>> shift) & CLASS_MASK;
      return;
    }
    const k = this.classes;
    const counts = this.counts;
    counts.fill(0);
    for (let i = 0; i < s.cells; i++) {
      const b = this.cellStart(i + 1);
      for (let g = this.cellStart(i); g < b; g++) counts[i * k + ((w[g] >>> shift) & CLASS_MASK)]++;
      this.encode(i);
    }
  }

  /**
   * Bring the cells up to date with the map's last update; returns the indices of cells whose
   * values changed (ascending).
   */
  update(map: RunMap): Uint32Array {
    if (map.full) {
      const old = this.values.slice();
      this.computeAll(map);
      const out: number[] = [];
      for (let i = 0; i < this.spec.cells; i++)
        for (let j = 0; j < this.per; j++)
          if (old[i * this.per + j] !== this.values[i * this.per + j]) {
            out.push(i);
            break;
          }
      return Uint32Array.from(out);
    }
    const s = this.spec;
    const shift = this.shift;
    const w = map.words;
    const out: number[] = [];
    const n = map.changeCount;
    const pages = map.changedPages;
    const olds = map.oldWords;
    if (!this.counts) {
      for (let j = 0; j < n; j++) {
        const g = pages[j];
        if (g < s.from || g >= s.to) continue;
        const c = (w[g] >>> shift) & CLASS_MASK;
        if (this.values[g - s.from] === c) continue;
        this.values[g - s.from] = c;
        out.push(g - s.from);
      }
      return Uint32Array.from(out).sort();
    }
    const k = this.classes;
    const counts = this.counts;
    const touched = this.touched!;
    const cells: number[] = [];
    for (let j = 0; j < n; j++) {
      const g = pages[j];
      if (g < s.from || g >= s.to) continue;
      const oc = (olds[j] >>> shift) & CLASS_MASK;
      const nc = (w[g] >>> shift) & CLASS_MASK;
      if (oc === nc) continue;
      const i = this.cellOf(g);
      counts[i * k + oc]--;
      counts[i * k + nc]++;
      if (!touched[i]) {
        touched[i] = 1;
        cells.push(i);
      }
    }
    const row = new Uint8Array(k);
    for (const i of cells) {
      touched[i] = 0;
      row.set(this.values.subarray(i * k, (i + 1) * k));
      this.encode(i);
      for (let j = 0; j < k; j++)
        if (row[j] !== this.values[i * k + j]) {
          out.push(i);
          break;
        }
    }
    return Uint32Array.from(out).sort();
  }

  /** The values of the listed cells, in order (a delta's payload). */
  pick(index: Uint32Array): Uint8Array {
    const out = new Uint8Array(index.length * this.per);
    for (let k = 0; k < index.length; k++)
      out.set(this.values.subarray(index[k] * this.per, (index[k] + 1) * this.per), k * this.per);
    return out;
  }

  /** Values of aggregated cell i from its counts. */
  private encode(i: number): void {
    const k = this.classes;
    const counts = this.counts!;
    const at = i * k;
    if (!(this.flags & CELLS_SHARES)) {
      for (let j = 0; j < k; j++) this.values[at + j] = counts[at + j];
      return;
    }
    quantise(
      counts.subarray(at, at + k),
      k,
      this.cellStart(i + 1) - this.cellStart(i),
      this.values,
      at,
    );
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
  const frac: number[] = [];
  for (let j = 0; j < k; j++) {
    frac[j] = 0;
    if (counts[j] === 0) {
      out[at + j] = 0;
      continue;
    }
    const exact = (counts[j] * spare) / total;
    const whole = Math.floor(exact);
    frac[j] = exact - whole;
    out[at + j] = 1 + whole;
    given += 1 + whole;
    rem.push(j);
  }
  // largest remainders first; ties to the lower class index (deterministic)
  rem.sort((x, y) => frac[y] - frac[x] || x - y);
  for (let r = 0; given < 255 && rem.length > 0; r = (r + 1) % rem.length, given++)
    out[at + rem[r]]++;
}
