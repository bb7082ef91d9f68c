/** RMAP_EXT, arch/x86/kvm/mmu.c v2.6.33: sptes per kvm_rmap_desc. */
export const RMAP_EXT = 4;
const DESC_WORDS = RMAP_EXT + 1; // sptes[RMAP_EXT] then `more`

/**
 * The reverse map from a gfn (or a 2M frame) to the sptes that map it, with the kernel's encoding
 * (arch/x86/kvm/mmu.c, v2.6.33): a head word that is empty, points at one spte, or points at a
 * chain of `kvm_rmap_desc` blocks of RMAP_EXT sptes. Descriptors live in one Int32Array pool, so
 * the table holds no object per gfn, and every descriptor allocation and free is exactly the
 * kernel's.
 *
 * Encoding of `head[i]`: 0 empty; n > 0 one spte with id n-1; n < 0 first descriptor is -n-1.
 * In a descriptor, a spte slot holds id+1 (0 = empty) and `more` holds next descriptor + 1.
 */
export class RmapTable {
  readonly head: Int32Array;
  private pool: Int32Array;
  private freeDesc = -1; // free descriptors chained through their `more` word
  private poolUsed = 0;
  liveDescs = 0;

  constructor(size: number, initialDescs = 64) {
    this.head = new Int32Array(size);
    this.pool = new Int32Array(initialDescs * DESC_WORDS);
  }

  /** mmu_alloc_rmap_desc(), v2.6.33: a zeroed descriptor from the per-vCPU cache. */
  private allocDesc(): number {
    let d: number;
    if (this.freeDesc >= 0) {
      d = this.freeDesc;
      this.freeDesc = this.pool[d * DESC_WORDS + RMAP_EXT] - 1;
    } else {
      if ((this.poolUsed + 1) * DESC_WORDS > this.pool.length) {
        const bigger = new Int32Array(this.pool.length * 2);
        bigger.set(this.pool);
        this.pool = bigger;
      }
      d = this.poolUsed++;
    }
    this.pool.fill(0, d * DESC_WORDS, (d + 1) * DESC_WORDS);
    this.liveDescs++;
    return d;
  }

  /** mmu_free_rmap_desc(), v2.6.33. */
  private freeDescriptor(d: number): void {
    this.pool[d * DESC_WORDS + RMAP_EXT] = this.freeDesc + 1;
    this.freeDesc = d;
    this.liveDescs--;
  }

  /**
   * rmap_add(), arch/x86/kvm/mmu.c v2.6.33. Returns the number of descriptors allocated (0 or 1):
   * 0→1 stores the spte in the head, 1→2 allocates a descriptor for both, and a full last
   * descriptor gets a new one chained behind it.
   */
  add(i: number, spte: number): number {
    const h = this.head[i];
    if (h === 0) {
      this.head[i] = spte + 1;
      return 0;
    }
    if (h > 0) {
      const d = this.allocDesc();
      this.pool[d * DESC_WORDS] = h;
      this.pool[d * DESC_WORDS + 1] = spte + 1;
      this.head[i] = -d - 1;
      return 1;
    }
    let d = -h - 1;
    let allocated = 0;
    while (
      this.pool[d * DESC_WORDS + RMAP_EXT - 1] !== 0 &&
      this.pool[d * DESC_WORDS + RMAP_EXT] !== 0
    ) {
      d = this.pool[d * DESC_WORDS + RMAP_EXT] - 1;
    }
    if (this.pool[d * DESC_WORDS + RMAP_EXT - 1] !== 0) {
      const next = this.allocDesc();
      this.pool[d * DESC_WORDS + RMAP_EXT] = next + 1;
      d = next;
      allocated = 1;
    }
    let s = 0;
    while (this.pool[d * DESC_WORDS + s] !== 0) s++;
    this.pool[d * DESC_WORDS + s] = spte + 1;
    return allocated;
  }

  /**
   * rmap_remove() with rmap_desc_remove_entry(), arch/x86/kvm/mmu.c v2.6.33. Returns the number
   * of descriptors freed (0 or 1). The last spte of a descriptor is moved into the hole; a
   * descriptor is freed only when it becomes empty, and the head then becomes empty (it does not
   * collapse back to a single pointer while a descriptor still holds one spte).
   */
  remove(i: number, spte: number): number {
    const h = this.head[i];
    if (h === 0) throw new Error(`rmap_remove: spte ${spte} not in empty rmap ${i} (kernel BUG)`);
    if (h > 0) {
      if (h !== spte + 1)
        throw new Error(`rmap_remove: rmap ${i} holds spte ${h - 1}, not ${spte} (kernel BUG)`);
      this.head[i] = 0;
      return 0;
    }
    let prev = -1;
    let d = -h - 1;
    while (d >= 0) {
      const base = d * DESC_WORDS;
      for (let s = 0; s < RMAP_EXT && this.pool[base + s] !== 0; s++) {
        if (this.pool[base + s] === spte + 1) return this.removeEntry(i, d, s, prev);
      }
      prev = d;
      d = this.pool[base + RMAP_EXT] - 1;
    }
    throw new Error(`rmap_remove: spte ${spte} not found in rmap ${i} (kernel BUG)`);
  }

  private removeEntry(i: number, d: number, s: number, prev: number): number {
    const base = d * DESC_WORDS;
    let j = RMAP_EXT - 1;
    while (this.pool[base + j] === 0 && j > s) j--;
    this.pool[base + s] = this.pool[base + j];
    this.pool[base + j] = 0;
    if (j !== 0) return 0;
    const more = this.pool[base + RMAP_EXT];
    if (prev < 0 && more === 0) this.head[i] = 0;
    else if (prev >= 0) this.pool[prev * DESC_WORDS + RMAP_EXT] = more;
    else this.head[i] = -(more - 1) - 1;
    this.freeDescriptor(d);
    return 1;
  }

  /** rmap_next(kvm, rmapp, NULL), v2.6.33: the first spte, or -1. */
  first(i: number): number {
    const h = this.head[i];
    if (h === 0) return -1;
    if (h > 0) return h - 1;
    return this.pool[(-h - 1) * DESC_WORDS] - 1;
  }

  /** Number of sptes in rmap i (walks the chain; for tests and invariants). */
  count(i: number): number {
    const h = this.head[i];
    if (h >= 0) return h === 0 ? 0 : 1;
    let n = 0;
    for (let d = -h - 1; d >= 0; d = this.pool[d * DESC_WORDS + RMAP_EXT] - 1) {
      for (let s = 0; s < RMAP_EXT && this.pool[d * DESC_WORDS + s] !== 0; s++) n++;
    }
    return n;
  }

  /** All sptes of rmap i, in rmap order. */
  sptes(i: number): number[] {
    const h = this.head[i];
    if (h === 0) return [];
    if (h > 0) return [h - 1];
    const out: number[] = [];
    for (let d = -h - 1; d >= 0; d = this.pool[d * DESC_WORDS + RMAP_EXT] - 1) {
      for (let s = 0; s < RMAP_EXT && this.pool[d * DESC_WORDS + s] !== 0; s++)
        out.push(this.pool[d * DESC_WORDS + s] - 1);
    }
    return out;
  }

  clone(): RmapTable {
    // Built by the constructor (an empty table) and filled in, not Object.create: V8 gives an object from Object.create another hidden class than one its constructor builds, and the kernel code's property accesses then see two (measured: a comparison continued after a seek ran at about half speed).
    // The other clones of per-run state (KvmMmu, HostMm, LruLists, SwapDevice) do the same.
    return Object.assign(new RmapTable(0, 0), this, {
      head: this.head.slice(),
      pool: this.pool.slice(),
    });
  }

  heapBytes(): number {
    return this.head.byteLength + this.pool.byteLength;
  }
}
