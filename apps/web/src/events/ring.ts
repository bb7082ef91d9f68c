/**
 * A bounded ring of decoded event records, column-wise in typed arrays (no object per event), so
 * the log can hold 100,000 rows and filter them in one tight loop. Rows are numbered oldest first
 * (0 … size − 1); when the ring is full the oldest rows are overwritten and counted.
 */
export interface EventColumns {
  kind: Uint8Array;
  gfn: Uint32Array;
  arg: Int32Array;
  at: Float64Array;
  path: Uint16Array;
}

export const DEFAULT_CAPACITY = 100_000;

export class EventRing {
  readonly capacity: number;
  readonly kind: Uint8Array;
  readonly run: Uint8Array;
  readonly gfn: Uint32Array;
  readonly arg: Int32Array;
  readonly at: Float64Array;
  readonly path: Uint16Array;
  /** Physical slot of row 0. */
  private head = 0;
  private count = 0;
  /** Rows pushed out by newer ones since the last clear. */
  overwritten = 0;

  constructor(capacity = DEFAULT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`EventRing capacity: ${capacity} is not a positive integer`);
    this.capacity = capacity;
    this.kind = new Uint8Array(capacity);
    this.run = new Uint8Array(capacity);
    this.gfn = new Uint32Array(capacity);
    this.arg = new Int32Array(capacity);
    this.at = new Float64Array(capacity);
    this.path = new Uint16Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The physical slot of row i (0 = oldest). */
  slot(i: number): number {
    const s = this.head + i;
    return s >= this.capacity ? s - this.capacity : s;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.overwritten = 0;
  }

  /** Append a frame's records for one run, oldest first; returns how many were stored. */
  push(run: number, cols: EventColumns): number {
    const n = cols.kind.length;
    for (let i = 0; i < n; i++) {
      let s: number;
      if (this.count < this.capacity) {
        s = this.slot(this.count);
        this.count++;
      } else {
        s = this.head;
        this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
        this.overwritten++;
      }
      this.kind[s] = cols.kind[i];
      this.run[s] = run;
      this.gfn[s] = cols.gfn[i];
      this.arg[s] = cols.arg[i];
      this.at[s] = cols.at[i];
      this.path[s] = cols.path[i];
    }
    return n;
  }

  /**
   * Drop every row at reference index ≥ ref, keeping the order of the rest (after a seek back,
   * the run's future is simulated again and its events arrive anew). Returns the rows removed.
   */
  dropFrom(ref: number): number {
    let w = 0;
    const n = this.count;
    for (let i = 0; i < n; i++) {
      const s = this.slot(i);
      if (this.at[s] >= ref) continue;
      if (w !== i) {
        const d = this.slot(w);
        this.kind[d] = this.kind[s];
        this.run[d] = this.run[s];
        this.gfn[d] = this.gfn[s];
        this.arg[d] = this.arg[s];
        this.at[d] = this.at[s];
        this.path[d] = this.path[s];
      }
      w++;
    }
    this.count = w;
    return n - w;
  }

  /** Rows (oldest first) that pass `keep`, as row numbers in a reusable array. */
  filter(
    keep: (slot: number) => boolean,
    out: Uint32Array = new Uint32Array(this.capacity),
  ): { rows: Uint32Array; n: number } {
    let n = 0;
    for (let i = 0; i < this.count; i++) if (keep(this.slot(i))) out[n++] = i;
    return { rows: out, n };
  }
}
