/**
 * A swap device: `slots` page-sized slots, the owner gfn of each, and next-fit allocation from a
 * cursor as scan_swap_map() (mm/swapfile.c v2.6.33) does, so pages swapped out together sit in
 * neighbouring slots and swap-in readahead brings neighbours back together.
 */
export class SwapDevice {
  readonly owner: Int32Array;
  private cursor = 0;
  used = 0;

  constructor(readonly slots: number) {
    this.owner = new Int32Array(slots).fill(-1);
  }

  /** get_swap_page(): a free slot for gfn, or -1 when swap is full. */
  alloc(gfn: number): number {
    if (this.used >= this.slots) return -1;
    let s = this.cursor;
    while (this.owner[s] !== -1) s = s + 1 === this.slots ? 0 : s + 1;
    this.owner[s] = gfn;
    this.cursor = s + 1 === this.slots ? 0 : s + 1;
    this.used++;
    return s;
  }

  /** swap_free() of the last reference. */
  free(slot: number): void {
    this.owner[slot] = -1;
    this.used--;
  }

  /** vm_swap_full(), include/linux/swap.h v2.6.33: more than half of swap in use. */
  vmSwapFull(): boolean {
    return (this.slots - this.used) * 2 < this.slots;
  }

  clone(): SwapDevice {
    const c = Object.create(SwapDevice.prototype) as SwapDevice;
    Object.assign(c, this, { owner: this.owner.slice() });
    return c;
  }
}
