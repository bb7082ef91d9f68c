/**
 * Linux 2.6.33's split anon LRU (two lists, active and inactive) applied to a reference string,
 * so its faults can be set beside FIFO, LRU and OPT.
 *
 * What is modelled, page by page:
 * - A reference to a resident page only sets its pte young bit, as the MMU does; no list moves.
 *   That is the whole point of the approximation: the kernel learns of references only when
 *   reclaim asks page_referenced().
 * - A first-touch fault puts the page at the head of the ACTIVE list: do_anonymous_page() calls
 *   page_add_new_anon_rmap(), which in 2.6.33 does lru_cache_add_lru(page, LRU_ACTIVE_ANON).
 * - A refault of a page evicted earlier is a swap-in: read_swap_cache_async() adds the page with
 *   lru_cache_add_anon(), i.e. to the head of the INACTIVE list.
 * - A faulting page's pte is young (x86 protections include _PAGE_ACCESSED, and the access
 *   happened).
 * - With every frame full, a fault reclaims one frame: while the inactive list is smaller than
 *   the active one (inactive_anon_is_low() with inactive_ratio 1, i.e. guests under 1 GiB),
 *   shrink_active_list() moves the active tail to the inactive head, testing and clearing its
 *   reference bits but deactivating it regardless (2.6.33 keeps only referenced VM_EXEC file
 *   pages active); then shrink_page_list() looks at the inactive tail: referenced since last
 *   looked at → activated (active head), otherwise evicted.
 *
 * Simplifications: reclaim works one page at a time (the kernel scans SWAP_CLUSTER_MAX = 32
 * pages per batch, which would empty a textbook-sized memory at once) and stops at the first
 * eviction; no pagevecs, no swap cache, no writeback. PG_referenced is not kept: in 2.6.33 only
 * mark_page_accessed() sets it, and the anon fault path stopped calling that in 2.6.29 (commit
 * bf3f3bc5 "mm: don't mark_page_accessed in fault path"), so for a reference string it is never
 * set and page_referenced() reduces to test-and-clear of the young bit.
 */
import type { StepRecorder } from './recorder.ts';
import type { ClassicPolicy } from './types.ts';

const INACTIVE = 0;
const ACTIVE = 1;

/** Frames threaded on two intrusive lists (head = most recently added), as struct page->lru. */
class TwoLists {
  readonly prev: Int32Array;
  readonly next: Int32Array;
  readonly list: Uint8Array;
  readonly head = [-1, -1];
  readonly tail = [-1, -1];
  readonly count = [0, 0];

  constructor(frames: number) {
    this.prev = new Int32Array(frames).fill(-1);
    this.next = new Int32Array(frames).fill(-1);
    this.list = new Uint8Array(frames);
  }

  /** models list_add() onto zone->lru[lru].list: new entries go to the head. */
  add(frame: number, lru: number): void {
    const head = this.head[lru]!;
    this.list[frame] = lru;
    this.prev[frame] = -1;
    this.next[frame] = head;
    if (head >= 0) this.prev[head] = frame;
    else this.tail[lru] = frame;
    this.head[lru] = frame;
    this.count[lru]!++;
  }

  /** models list_del() */
  remove(frame: number): void {
    const lru = this.list[frame]!;
    const p = this.prev[frame]!;
    const n = this.next[frame]!;
    if (p >= 0) this.next[p] = n;
    else this.head[lru] = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail[lru] = p;
    this.count[lru]!--;
  }
}

class TwoListLru {
  private readonly lists: TwoLists;
  private readonly young: Uint8Array;

  constructor(
    frames: number,
    private readonly framePage: Int32Array,
    /** false: references through EPT without accessed bits, before the patch (always-old). */
    private readonly seesReferences = true,
  ) {
    this.lists = new TwoLists(frames);
    this.young = new Uint8Array(frames);
  }

  /**
   * The MMU sets the accessed bit in the pte on every access. A guest on 2010 EPT before the
   * patch touches its pages through sptes with no accessed bit, and kvm_age_rmapp() answers old:
   * reclaim never learns of the reference.
   */
  touch(frame: number): void {
    if (this.seesReferences) this.young[frame] = 1;
  }

  /** A fault just mapped a page into `frame`; `swapIn` when the page had been evicted before. */
  addNewPage(frame: number, swapIn: boolean): void {
    this.young[frame] = 1;
    this.lists.add(frame, swapIn ? INACTIVE : ACTIVE);
  }

  /** Frees one frame and returns it; the caller unmaps `framePage[frame]`. */
  reclaimOne(): number {
    for (;;) {
      if (this.inactiveAnonIsLow()) this.shrinkActiveList();
      const evicted = this.shrinkInactiveList();
      if (evicted >= 0) return evicted;
    }
  }

  // models inactive_anon_is_low() with inactive_ratio 1, mm/vmscan.c, v2.6.33
  private inactiveAnonIsLow(): boolean {
    return this.lists.count[INACTIVE]! < this.lists.count[ACTIVE]!;
  }

  // models page_referenced() for a singly mapped anon page, mm/rmap.c, v2.6.33:
  // ptep_clear_flush_young() on its one pte, i.e. test and clear the young bit
  private pageReferenced(frame: number): boolean {
    const referenced = this.young[frame] === 1;
    this.young[frame] = 0;
    return referenced;
  }

  // models shrink_active_list(), mm/vmscan.c, v2.6.33, for one anon page: page_referenced()
  // clears the bits, and the page is deactivated whether or not it was referenced
  private shrinkActiveList(): void {
    const frame = this.lists.tail[ACTIVE]!;
    if (frame < 0) return;
    this.lists.remove(frame);
    this.pageReferenced(frame);
    this.lists.add(frame, INACTIVE);
  }

  // models shrink_inactive_list() → shrink_page_list(), mm/vmscan.c, v2.6.33, for one page:
  // referenced → activate_locked (back to the active head), else reclaimed.
  // Returns the freed frame, or -1 when the page was activated instead.
  private shrinkInactiveList(): number {
    const frame = this.lists.tail[INACTIVE]!;
    if (frame < 0) return -1;
    this.lists.remove(frame);
    if (this.pageReferenced(frame)) {
      this.lists.add(frame, ACTIVE);
      return -1;
    }
    return frame;
  }

  /** For tests: the pages on a list from head to tail. */
  listPages(lru: 'active' | 'inactive'): number[] {
    const out: number[] = [];
    const l = lru === 'active' ? ACTIVE : INACTIVE;
    for (let f = this.lists.head[l]!; f >= 0; f = this.lists.next[f]!) out.push(this.framePage[f]!);
    return out;
  }
}

export const linuxTwoList: ClassicPolicy = {
  name: 'linux',
  label: 'Linux 2.6.33 two-list',
  run(refs: Uint32Array, pageCount: number, frames: number, rec: StepRecorder | null): number {
    return runLinuxTwoList(refs, pageCount, frames, rec, null);
  },
};

/**
 * The same two lists when the references come from a KVM guest on EPT without accessed bits and
 * without the patch: only the fault that maps a page makes it young (the QEMU pte starts young),
 * later guest references are invisible. How far this falls from LRU and OPT is the 2010 story.
 */
export const linuxAlwaysOld: ClassicPolicy = {
  name: 'linux-always-old',
  label: 'Linux 2.6.33 two-list, EPT always-old',
  run(refs: Uint32Array, pageCount: number, frames: number, rec: StepRecorder | null): number {
    return runLinuxTwoList(refs, pageCount, frames, rec, null, false);
  },
};

/** One observation per reference, for tests that check the lists by hand. */
export type ListObserver = (step: number, active: number[], inactive: number[]) => void;

export function runLinuxTwoList(
  refs: Uint32Array,
  pageCount: number,
  frames: number,
  rec: StepRecorder | null,
  observe: ListObserver | null,
  seesReferences = true,
): number {
  const pageFrame = new Int32Array(pageCount).fill(-1);
  const evictedBefore = new Uint8Array(pageCount);
  const framePage = new Int32Array(frames).fill(-1);
  const lru = new TwoListLru(frames, framePage, seesReferences);
  let used = 0;
  let faults = 0;
  for (let i = 0; i < refs.length; i++) {
    const page = refs[i]!;
    const resident = pageFrame[page]!;
    let victim = -1;
    if (resident >= 0) {
      lru.touch(resident);
    } else {
      faults++;
      let frame: number;
      if (used < frames) {
        frame = used++;
      } else {
        frame = lru.reclaimOne();
        victim = framePage[frame]!;
        pageFrame[victim] = -1;
        evictedBefore[victim] = 1;
      }
      framePage[frame] = page;
      pageFrame[page] = frame;
      lru.addNewPage(frame, evictedBefore[page] === 1);
    }
    rec?.record(i, framePage, resident < 0, victim);
    observe?.(i, lru.listPages('active'), lru.listPages('inactive'));
  }
  return faults;
}
