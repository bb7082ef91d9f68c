/**
 * A swap device: `slots` page-sized slots, the owner gfn of each, and next-fit allocation from a
 * cursor as scan_swap_map() (mm/swapfile.c v2.6.33) does, so pages swapped out together sit in
 * neighbouring slots and swap-in readahead brings neighbours back together. Slot 0 holds the swap
 * header and is never allocated (mkswap; sys_swapon sets lowest_bit = 1), so `capacity` =
 * slots − 1 is total_swap_pages.
 */
export class SwapDevice {
  readonly owner: Int32Array;
  readonly capacity: number;
  private cursor = 1;
  used = 0;

  constructor(readonly slots: number) {
    this.owner = new Int32Array(slots).fill(-1);
    this.capacity = Math.max(0, slots - 1);
  }

  /** get_swap_page() → scan_swap_map(), v2.6.33: a free slot ≥ 1 for gfn, or -1 when swap is full. */
  alloc(gfn: number): number {
    if (this.used >= this.capacity) return -1;
    let s = this.cursor;
    while (this.owner[s] !== -1) s = s + 1 === this.slots ? 1 : s + 1;
    this.owner[s] = gfn;
    this.cursor = s + 1 === this.slots ? 1 : s + 1;
    this.used++;
    return s;
  }

  /** swap_free() of the last reference. */
  free(slot: number): void {
    this.owner[slot] = -1;
    this.used--;
  }

  /** Is the slot allocated (swap_map[offset] != 0)? Slot 0, the header, never is. */
  inUse(slot: number): boolean {
    return slot > 0 && slot < this.slots && this.owner[slot] !== -1;
  }

  /** vm_swap_full(), include/linux/swap.h v2.6.33: nr_swap_pages·2 < total_swap_pages. */
  vmSwapFull(): boolean {
    return (this.capacity - this.used) * 2 < this.capacity;
  }

  /** nr_swap_pages <= 0: shrink_zone's noswap. */
  full(): boolean {
    return this.used >= this.capacity;
  }

  clone(): SwapDevice {
    // from the constructor, not Object.create (see RmapTable.clone)
    return Object.assign(new SwapDevice(0), this, { owner: this.owner.slice() });
  }
}
