import {
  HOST_FAULT_NONE,
  KvmMmu,
  NO_EVENTS,
  type EventSink,
  type HostFault,
  type HostKernel,
  type KvmHost,
} from '@agelab/ept-model';
import { C, HOST_COUNTERS } from '../counters.ts';
import { hvaToPfn, markPageAccessed } from './fault.ts';
import { LruLists } from './lru.ts';
import {
  HPAGE_PMD_NR,
  HPAGE_SHIFT,
  PG_HEAD,
  PG_PRESENT,
  PG_TAIL,
  PTE_PRESENT,
} from './page-flags.ts';
import { SwapDevice } from './swap.ts';

export interface HostConfig {
  guestPages: number;
  limitPages: number;
  swapPages: number;
  swappiness: number;
  /** page_cluster: swap-in readahead reads 1 << pageCluster slots. */
  pageCluster: number;
  thp: boolean;
  khugepaged: { enabled: boolean; pagesToScan: number; scanSleepMs: number; maxPtesNone: number };
  /** Width of the true working set, in guest references (W of domain.md 7). */
  hotWindowRefs: number;
  /** Reference index from which the ground truth counts hot pages (after the boot scan). */
  truthFromRefs: number;
  /** Host RAM in pages: the memcg's charged pages plus uncharged swap cache must fit (F1). */
  ramPages: number;
  /** The host kernel whose reclaim runs (2.6.33: page_referenced clears PG_referenced; 2.6.34: page_check_references). */
  kernel: HostKernel;
  /** Reference index from which the summary's steady-state window counts (a counter snapshot is taken there). */
  steadyFromRefs: number;
}

/**
 * Zone watermarks of host RAM, in pages: setup_per_zone_wmarks() with min_free_kbytes =
 * int_sqrt(lowmem_kbytes · 16) clamped to [128, 65536] (mm/page_alloc.c v2.6.33); low = min·5/4,
 * high = min·3/2. kswapd is woken below low and reclaims until high.
 */
export function zoneWatermarks(ramPages: number): { min: number; low: number; high: number } {
  const kb = ramPages * 4;
  const minFreeKb = Math.min(65536, Math.max(128, Math.floor(Math.sqrt(kb * 16))));
  const min = Math.floor(minFreeKb / 4);
  return { min, low: min + Math.floor(min / 4), high: min + Math.floor(min / 2) };
}

/**
 * The host's view of the guest: the QEMU process's anonymous memory (one hva page per gfn), its
 * memory cgroup, the anon LRU, swap and THP state. All per-page state is typed arrays indexed by
 * gfn; the kernel functions that act on it live in the sibling modules, named as in mm/.
 */
const TOUCH_LIMIT = 2 ** 30;
const TOUCH_KEEP = 2 ** 29;

export class HostMm implements KvmHost {
  readonly n: number;
  readonly frames: number;
  flags: Uint8Array;
  pte: Uint8Array;
  pmd: Uint8Array;
  /**
   * What became of each 2M frame's hugepage (THP_SPLIT_ONCE, THP_COLLAPSED), for the hugepage
   * lens: no kernel keeps this, but a reader wants to see which ranges were broken up.
   */
  thpHistory: Uint8Array;
  swapSlot: Int32Array;
  /**
   * Ground truth: the guest's last touch of each page, as reference index + 1 − touchEpoch
   * (0 = never). Uint32 relative to a moving epoch rather than Float64 absolute: the hot loop
   * writes it on every reference, and half the bytes is measurably faster (BENCHMARKS.md).
   */
  lastTouch: Uint32Array;
  touchEpoch = 0;
  /**
   * Ground truth: the last page_referenced verdict on the page, as reference index + 1 −
   * touchEpoch (0 = none, or long enough ago that the page was touched since). Relative to the
   * same epoch as lastTouch, so "touched since the verdict" is lastTouch[g] > verdictAt[g]; 4
   * bytes instead of a Float64's 8 (heap per page, BENCHMARKS.md scaling).
   */
  verdictAt: Uint32Array;
  /** Ground truth: the last verdict on each 4K page (VERDICT_* in page-flags.ts). */
  verdict: Uint8Array;
  /** page_cgroup's Used bit: 1 if the memcg has charged the page (uncharged swap cache has 0). */
  pcUsed: Uint8Array;
  /** Swap-cache pages no memcg has charged (on LRU_UNCHARGED). */
  nrUncharged = 0;
  /** Per-cpu charge stock (consume_stock/refill_stock, mm/memcontrol.c v2.6.33): pre-charged pages in res_counter usage. */
  stock = 0;
  /** scan_control.nr_scanned of the current priority (pages shrink_page_list looked at). */
  scNrScanned = 0;
  /** Pages written (pageout) during the current do_try_to_free_pages call. */
  passWrites = 0;
  /** Reclaim now running is global (kswapd), not the memcg's: decides pgscan_kswapd vs sim_pgscan_memcg. */
  globalReclaim = false;
  /** wakeup_kswapd() was called since kswapd last ran. */
  kswapdPending = false;
  readonly wmark: { min: number; low: number; high: number };
  /** The counter vector at cfg.steadyFromRefs (taken once the run passes it), for the steady-state summary. */
  steadyBase: Float64Array | null = null;
  steadyBaseAt = 0;
  lru: LruLists;
  swap: SwapDevice;
  kvm!: KvmMmu;
  /** res_counter usage and limit of the memcg, in pages. */
  usage = 0;
  limit: number;
  /** zone_reclaim_stat for anon (mm/vmscan.c v2.6.33 get_scan_ratio), and nr_saved_scan per list. */
  recentScanned = 0;
  recentRotated = 0;
  readonly nrSavedScan = new Float64Array(2);
  nrSwapcache = 0;
  nrThp = 0;
  khugepagedCursor = 0;
  /** Reference index the guest is at: reclaim reads it for the ground truth. */
  now = 0;
  /** Scratch for isolated pages (SWAP_CLUSTER_MAX at a time) and pages whose writeback completes. */
  readonly isolated = new Int32Array(32);
  readonly written = new Int32Array(32);
  nrWritten = 0;

  constructor(
    readonly cfg: HostConfig,
    /** The run's whole counter vector; host counters sit at its start. */
    readonly c: Float64Array,
    public events: EventSink = NO_EVENTS,
  ) {
    if (c.length < HOST_COUNTERS.names.length) throw new Error('counter vector too short');
    this.n = cfg.guestPages;
    this.frames = Math.ceil(cfg.guestPages / HPAGE_PMD_NR);
    this.flags = new Uint8Array(this.n);
    this.pte = new Uint8Array(this.n);
    this.pmd = new Uint8Array(this.frames);
    this.thpHistory = new Uint8Array(this.frames);
    this.swapSlot = new Int32Array(this.n).fill(-1);
    this.lastTouch = new Uint32Array(this.n);
    this.verdictAt = new Uint32Array(this.n);
    this.verdict = new Uint8Array(this.n);
    this.pcUsed = new Uint8Array(this.n);
    this.wmark = zoneWatermarks(cfg.ramPages);
    this.lru = new LruLists(this.n, this.flags);
    this.swap = new SwapDevice(cfg.swapPages);
    this.limit = cfg.limitPages;
  }

  // --- KvmHost: what KVM calls ---

  gfnToPfn(gfn: number): HostFault {
    if (this.pte[gfn] & PTE_PRESENT) return HOST_FAULT_NONE; // get_user_pages_fast
    return hvaToPfn(this, gfn);
  }

  pageTransCompound(gfn: number): boolean {
    return (this.flags[gfn] & (PG_HEAD | PG_TAIL)) !== 0;
  }

  setPfnAccessed(gfn: number): void {
    markPageAccessed(this, this.compoundHead(gfn));
  }

  // ---

  compoundHead(g: number): number {
    return this.flags[g] & PG_TAIL ? (g >>> HPAGE_SHIFT) << HPAGE_SHIFT : g;
  }

  /** Pages a struct page stands for on the LRU (hpage_nr_pages). */
  nrPages(g: number): number {
    return this.flags[g] & PG_HEAD ? HPAGE_PMD_NR : 1;
  }

  /** Reference index + 1 of the last guest touch of g, 0 if never. */
  touchedAt(g: number): number {
    const v = this.lastTouch[g];
    return v === 0 ? 0 : v + this.touchEpoch;
  }

  /**
   * Make room for touches up to reference index `end`: stored values stay below 2^30 (small
   * integers for V8). Every 2^29 references the epoch moves and each stored touch and verdict
   * time shifts with it; a touch more than 2^29 references old is kept as "long ago" (1), and a
   * verdict that old becomes 1 if the page was not touched since it and 0 if it was, so "touched
   * since the last verdict" stays exact however long a run lasts.
   */
  ensureTouchRange(end: number, base = end): void {
    // Once per chunk of references, not per reference: the steady-state snapshot is taken before
    // the first chunk that runs past cfg.steadyFromRefs (Simulation.consume cuts a chunk there,
    // so exactly there); steadyBaseAt records where.
    if (this.steadyBase === null && end > this.cfg.steadyFromRefs) {
      this.syncGauges();
      this.steadyBase = this.c.slice();
      this.steadyBaseAt = base;
    }
    if (end + 1 - this.touchEpoch < TOUCH_LIMIT) return;
    const epoch = end + 1 - TOUCH_KEEP;
    const shift = epoch - this.touchEpoch;
    const lt = this.lastTouch;
    const va = this.verdictAt;
    for (let g = 0; g < lt.length; g++) {
      const v = lt[g];
      const w = va[g];
      if (w > shift) va[g] = w - shift;
      else if (w !== 0) va[g] = v > w ? 0 : 1;
      if (v !== 0) lt[g] = v > shift ? v - shift : 1;
    }
    this.touchEpoch = epoch;
  }

  /** Was gfn touched within the hot window (the true working set)? */
  isHot(g: number): boolean {
    if (this.now < this.cfg.truthFromRefs) return false;
    const t = this.touchedAt(g);
    return t !== 0 && this.now + 1 - t <= this.cfg.hotWindowRefs;
  }

  /** Write the gauges into the counter vector. */
  syncGauges(): void {
    const c = this.c;
    c[C.nr_inactive_anon] = this.lru.nrPages[0];
    c[C.nr_active_anon] = this.lru.nrPages[1];
    c[C.nr_anon_pages] = this.usage - (this.nrSwapcache - this.nrUncharged);
    c[C.nr_swapcache] = this.nrSwapcache;
    c[C.nr_anon_transparent_hugepages] = this.nrThp;
    c[C.usage_in_bytes] = (this.usage + this.stock) * 4096;
    c[C.nr_free_pages] = this.freePages();
    c[C.sim_swapcache_uncharged] = this.nrUncharged;
    c[C.limit_in_bytes] = this.limit * 4096;
    c[C.sim_swap_used] = this.swap.used;
  }

  /** Free host RAM: what neither the memcg (charged pages and its stock) nor uncharged swap cache holds. */
  freePages(): number {
    return this.cfg.ramPages - this.usage - this.stock - this.nrUncharged;
  }

  /** Pages with a host page behind them (tests and invariants). */
  countPresent(): number {
    let n = 0;
    for (let g = 0; g < this.n; g++) if (this.flags[g] & PG_PRESENT) n++;
    return n;
  }

  /** A deep copy sharing nothing; KVM and the counter vector are re-attached by the caller. */
  cloneWith(c: Float64Array, events: EventSink): HostMm {
    // from the constructor (an empty guest, no swap), not Object.create (see RmapTable.clone)
    const m = new HostMm({ ...this.cfg, guestPages: 0, swapPages: 0 }, c, events);
    const flags = this.flags.slice();
    Object.assign(m, this, {
      c,
      events,
      flags,
      cfg: { ...this.cfg, khugepaged: { ...this.cfg.khugepaged } },
      pte: this.pte.slice(),
      pmd: this.pmd.slice(),
      thpHistory: this.thpHistory.slice(),
      swapSlot: this.swapSlot.slice(),
      lastTouch: this.lastTouch.slice(),
      verdictAt: this.verdictAt.slice(),
      verdict: this.verdict.slice(),
      pcUsed: this.pcUsed.slice(),
      steadyBase: this.steadyBase ? this.steadyBase.slice() : null,
      lru: this.lru.cloneWith(flags),
      swap: this.swap.clone(),
      nrSavedScan: this.nrSavedScan.slice(),
      isolated: new Int32Array(32),
      written: new Int32Array(32),
    });
    return m;
  }

  heapBytes(): number {
    return (
      this.flags.byteLength +
      this.pte.byteLength +
      this.pmd.byteLength +
      this.thpHistory.byteLength +
      this.swapSlot.byteLength +
      this.lastTouch.byteLength +
      this.verdictAt.byteLength +
      this.verdict.byteLength +
      this.pcUsed.byteLength +
      this.lru.next.byteLength +
      this.lru.prev.byteLength +
      this.swap.owner.byteLength
    );
  }
}
