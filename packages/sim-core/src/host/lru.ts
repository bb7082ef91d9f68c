import { HPAGE_PMD_NR, PG_HEAD } from './page-flags.ts';

export const LRU_INACTIVE_ANON = 0;
export const LRU_ACTIVE_ANON = 1;
/**
 * Swap-cache pages no memcg has charged (readahead neighbours, read_swap_cache_async v2.6.33):
 * on the zone's inactive anon list only, invisible to memcg reclaim (mem_cgroup_add_lru_list
 * skips a page_cgroup that is not Used). Global reclaim (kswapd) frees them.
 */
export const LRU_UNCHARGED = 2;
const NR_LISTS = 3;

/**
 * The memcg's two anon LRU lists (include/linux/mmzone.h LRU_INACTIVE_ANON, LRU_ACTIVE_ANON), and
 * the zone-only list of uncharged swap cache (LRU_UNCHARGED), as index-linked circular lists over
 * gfns, with one sentinel per list. The kernel adds at the head
 * and reclaims from the tail (`list->prev`). Sizes are in pages: a THP head counts 512.
 */
export class LruLists {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly nrPages = new Float64Array(NR_LISTS);
  private readonly base: number;

  constructor(
    n: number,
    private readonly flags: Uint8Array,
  ) {
    this.base = n;
    this.next = new Int32Array(n + NR_LISTS);
    this.prev = new Int32Array(n + NR_LISTS);
    for (let l = 0; l < NR_LISTS; l++) {
      this.next[n + l] = n + l;
      this.prev[n + l] = n + l;
    }
  }

  private pages(g: number): number {
    return this.flags[g] & PG_HEAD ? HPAGE_PMD_NR : 1;
  }

  /** list_add(): at the head (most recently added). */
  addHead(lru: number, g: number): void {
    this.insertAfter(this.base + lru, g);
    this.nrPages[lru] += this.pages(g);
  }

  /** list_add_tail(): at the tail, where reclaim looks first. */
  addTail(lru: number, g: number): void {
    this.insertAfter(this.prev[this.base + lru], g);
    this.nrPages[lru] += this.pages(g);
  }

  private insertAfter(at: number, g: number): void {
    const nx = this.next[at];
    this.next[at] = g;
    this.prev[g] = at;
    this.next[g] = nx;
    this.prev[nx] = g;
  }

  del(lru: number, g: number): void {
    const p = this.prev[g];
    const nx = this.next[g];
    this.next[p] = nx;
    this.prev[nx] = p;
    this.nrPages[lru] -= this.pages(g);
  }

  /** The tail gfn, or -1 if empty. */
  tail(lru: number): number {
    const t = this.prev[this.base + lru];
    return t === this.base + lru ? -1 : t;
  }

  /** Every gfn on a list from head to tail (tests, invariants). */
  toArray(lru: number): number[] {
    const out: number[] = [];
    for (let g = this.next[this.base + lru]; g !== this.base + lru; g = this.next[g]) out.push(g);
    return out;
  }

  cloneWith(flags: Uint8Array): LruLists {
    // from the constructor, not Object.create (see RmapTable.clone)
    const c = new LruLists(0, flags);
    Object.assign(c, this, {
      next: this.next.slice(),
      prev: this.prev.slice(),
      nrPages: this.nrPages.slice(),
      flags,
    });
    return c;
  }
}
