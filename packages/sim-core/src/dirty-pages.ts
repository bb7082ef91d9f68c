/**
 * The guest pages whose state may have changed since they were last taken: a bit per page and
 * the list of set bits, so whoever keeps a per-page view (the server's page maps) recomputes
 * exactly those pages. The event log marks the gfn of every event (every change of page state
 * the views show raises one, readahead included), and the whole 2M frame for an event on a
 * frame's first gfn, where THP events are raised and change every tail.
 *
 * Bounded: past half the guest listed it stops listing and says `all` (recompute everything).
 */
export class DirtyPages {
  private readonly bits: Uint32Array;
  private list: Int32Array;
  private count = 0;
  /** Everything may have changed (a restore, an overflow, the start). */
  private all = true;
  private readonly max: number;

  constructor(readonly pages: number) {
    this.bits = new Uint32Array((pages + 31) >>> 5);
    this.max = Math.max(4096, pages >>> 1);
    this.list = new Int32Array(Math.min(this.max, 4096));
  }

  /** Mark gfn g (and its 2M frame when g is a frame's first page). */
  mark(g: number): void {
    if (this.all || g >= this.pages) return;
    if ((g & 511) === 0) {
      const end = Math.min(this.pages, g + 512);
      for (let p = g; p < end; p++) this.one(p);
    } else this.one(g);
  }

  private one(g: number): void {
    const w = g >>> 5;
    const b = 1 << (g & 31);
    if (this.bits[w] & b) return;
    if (this.count === this.max) {
      this.all = true;
      return;
    }
    this.bits[w] |= b;
    if (this.count === this.list.length) {
      const l = new Int32Array(Math.min(this.max, this.list.length * 2));
      l.set(this.list);
      this.list = l;
    }
    this.list[this.count++] = g;
  }

  /** Everything is dirty (the state was replaced). */
  markAll(): void {
    this.all = true;
  }

  /**
   * The pages marked since the last take (`all`: recompute every page instead), and start again.
   * The returned list is valid until the next mark.
   */
  take(): { all: boolean; pages: Int32Array; count: number } {
    const out = { all: this.all, pages: this.list, count: this.all ? 0 : this.count };
    if (this.all) this.bits.fill(0);
    else for (let i = 0; i < this.count; i++) this.bits[this.list[i] >>> 5] = 0;
    this.count = 0;
    this.all = false;
    return out;
  }
}
