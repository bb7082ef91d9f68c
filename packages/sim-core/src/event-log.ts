import { EV, type EventKind, type EventSink } from '@agelab/ept-model';
import { DirtyPages } from './dirty-pages.ts';
import { Prng } from './prng.ts';

export type EventMode = 'off' | 'all' | 'sampled';

/** A batch of event records, column-wise: kind, gfn, arg and the reference index of each. */
export interface EventBatch {
  count: number;
  kind: Uint8Array;
  gfn: Uint32Array;
  arg: Int32Array;
  at: Float64Array;
  /** The kernel path each came from (ept-model SITE; see kernel-paths.ts). */
  site: Uint8Array;
  /** Events that happened in this window but are not in the batch (sampling or overflow). */
  dropped: number;
}

/** Kinds a 2M frame raises on its first gfn for the whole frame (THP split and collapse). */
const FRAME_KINDS = (1 << EV.THP_SPLIT) | (1 << EV.THP_COLLAPSE);
/** Kinds whose arg is the spte level: at level 2 they concern the whole 2M frame. */
const LEVEL_KINDS =
  (1 << EV.RMAP_ADD) |
  (1 << EV.RMAP_REMOVE) |
  (1 << EV.EPT_UNMAP) |
  (1 << EV.RMAP_DESC_ALLOC) |
  (1 << EV.RMAP_DESC_FREE);

/**
 * Where a run's events go between two drains. In `all` mode every event is kept (the viewer is
 * stepping, so windows are small) up to a hard cap; in `sampled` mode the window keeps a uniform
 * reservoir sample of fixed size (Vitter's algorithm R with a seeded PRNG, so runs stay
 * deterministic). Counters are exact in every mode; only this stream is sampled.
 */
export class EventLog implements EventSink {
  on: boolean;
  site = 0;
  /**
   * Pages whose state may have changed: every event marks its gfn, whatever the kind filter
   * (see DirtyPages). Lets a viewer's page map be recomputed for what changed, not the whole
   * guest. Null until someone asks for it.
   */
  dirty: DirtyPages | null = null;
  private kind: Uint8Array;
  private gfn: Uint32Array;
  private arg: Int32Array;
  private at: Float64Array;
  private siteCol: Uint8Array;
  private n = 0;
  private seen = 0;
  private readonly rng = new Prng(0x5eed);

  /** Bit k set: events of kind k are recorded (all kinds by default). */
  kinds = 0xffffffff;
  /**
   * Only events of gfns [gfnFrom, gfnTo) are kept (a page's history); reclaim-pass markers
   * always are, and so are events a 2M frame raises on its first gfn when the range lies in it.
   */
  gfnFrom = 0;
  gfnTo = Infinity;
  private frameBase = -1;

  /** Keep only events of gfns [from, to) (and reclaim passes, and their 2M frame's events). */
  filterGfns(from: number, to: number): void {
    this.gfnFrom = from;
    this.gfnTo = to;
    const base = (from >>> 9) << 9;
    this.frameBase = to - from <= 512 && base !== from ? base : -1;
  }

  constructor(
    private mode: EventMode,
    private readonly clock: { now: number },
    private capacity = mode === 'sampled' ? 4096 : 1 << 20,
  ) {
    this.on = mode !== 'off';
    const initial = Math.min(this.capacity, 4096);
    this.kind = new Uint8Array(initial);
    this.gfn = new Uint32Array(initial);
    this.arg = new Int32Array(initial);
    this.at = new Float64Array(initial);
    this.siteCol = new Uint8Array(initial);
  }

  /** Start keeping dirty pages for a guest of `pages` pages (all dirty at first). */
  trackDirty(pages: number): DirtyPages {
    if (this.dirty?.pages !== pages) this.dirty = new DirtyPages(pages);
    return this.dirty;
  }

  /** Is kind k recorded? */
  wants(kind: EventKind): boolean {
    return ((this.kinds >>> kind) & 1) === 1;
  }

  get eventMode(): EventMode {
    return this.mode;
  }

  /**
   * Change mode, and optionally the window's capacity and which kinds are recorded (e.g. only
   * reclaim passes for a trace export). Takes effect from the next event.
   */
  setMode(mode: EventMode, opts: { capacity?: number; kinds?: readonly EventKind[] } = {}): void {
    this.mode = mode;
    this.on = mode !== 'off';
    if (opts.capacity !== undefined) this.capacity = Math.max(1, Math.floor(opts.capacity));
    if (mode === 'sampled') this.capacity = Math.min(this.capacity, 1 << 20);
    if (opts.kinds) this.kinds = opts.kinds.reduce<number>((m, k) => m | (1 << k), 0);
  }

  /** Take another log's mode, capacity and kind filter (a restored run keeps its viewers' settings). */
  configureLike(other: EventLog): void {
    this.mode = other.mode;
    this.on = other.on;
    this.capacity = other.capacity;
    this.kinds = other.kinds;
    // A restored state differs from the last one anywhere: a dirty map starts all dirty.
    if (other.dirty) this.dirty = new DirtyPages(other.dirty.pages);
  }

  emit(kind: EventKind, gfn: number, arg: number): void {
    if (this.dirty !== null && kind !== 0) this.dirty.mark(gfn);
    if (!((this.kinds >>> kind) & 1)) return;
    if ((gfn < this.gfnFrom || gfn >= this.gfnTo) && kind !== EV.RECLAIM) {
      if (gfn !== this.frameBase) return;
      const bit = 1 << kind;
      if (!(bit & FRAME_KINDS) && !(bit & LEVEL_KINDS && arg === 2)) return;
    }
    this.seen++;
    let slot = this.n;
    if (slot >= this.capacity) {
      if (this.mode !== 'sampled') return;
      slot = Math.floor(this.rng.next() * this.seen);
      if (slot >= this.capacity) return;
    } else {
      if (slot >= this.kind.length) this.grow();
      this.n++;
    }
    this.kind[slot] = kind;
    this.gfn[slot] = gfn;
    this.arg[slot] = arg;
    this.at[slot] = this.clock.now;
    this.siteCol[slot] = this.site;
  }

  private grow(): void {
    const size = Math.min(this.kind.length * 2, this.capacity);
    const k = new Uint8Array(size);
    k.set(this.kind);
    const g = new Uint32Array(size);
    g.set(this.gfn);
    const a = new Int32Array(size);
    a.set(this.arg);
    const t = new Float64Array(size);
    t.set(this.at);
    const st = new Uint8Array(size);
    st.set(this.siteCol);
    this.siteCol = st;
    this.kind = k;
    this.gfn = g;
    this.arg = a;
    this.at = t;
  }

  get pending(): number {
    return this.n;
  }

  /** Take the window's events (in time order) and start a new window. */
  drain(): EventBatch {
    const n = this.n;
    let order: Uint32Array | null = null;
    if (this.mode === 'sampled') {
      // A reservoir holds its sample out of order: sort slots by time. Keys pack (time rank,
      // slot) into one double so the sort is the typed array's numeric one (fast at 10^5).
      const keys = new Float64Array(n);
      const SLOTS = 2 ** 21; // more than any sampled capacity (setMode caps it)
      let min = Infinity;
      for (let i = 0; i < n; i++) min = Math.min(min, this.at[i]);
      for (let i = 0; i < n; i++) keys[i] = (this.at[i] - min) * SLOTS + i;
      keys.sort();
      order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = keys[i] % SLOTS;
    }
    const pick = <T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(src: T): T => {
      const out = src.slice(0, n) as T;
      if (order) for (let i = 0; i < n; i++) out[i] = src[order[i]];
      return out;
    };
    const batch: EventBatch = {
      count: n,
      kind: pick(this.kind),
      gfn: pick(this.gfn),
      arg: pick(this.arg),
      at: pick(this.at),
      site: pick(this.siteCol),
      dropped: this.seen - n,
    };
    this.n = 0;
    this.seen = 0;
    return batch;
  }
}
