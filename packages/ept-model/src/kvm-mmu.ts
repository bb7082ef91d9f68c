import { EV, NO_EVENTS, type EventSink } from './events.ts';
import {
  AGE_OLD,
  AGE_YOUNG,
  EXITS,
  FAULT_GUP_FAST,
  FAULT_HOST_MAJOR,
  FAULT_HOST_MINOR,
  KVM_COUNTERS,
  LARGE_SPTES,
  LARGEPAGES,
  NOTIFIER_RETRY,
  PF_FIXED,
  REMOTE_TLB_FLUSH,
  RMAP_ADD,
  RMAP_DESC_ALLOC,
  RMAP_DESC_FREE,
  RMAP_REMOVE,
  TEST_AGE_YOUNG,
  TLB_FLUSH_CALLS,
  TLB_FLUSH_IPI_VCPUS,
  UNMAP_AGING,
  UNMAP_INVALIDATE,
} from './kvm-stats.ts';
import type { AgingPolicy } from './policy.ts';
import { RmapTable } from './rmap.ts';

/** KVM_PAGES_PER_HPAGE(PT_DIRECTORY_LEVEL), arch/x86/include/asm/kvm_host.h v2.6.33. */
export const KVM_PAGES_PER_HPAGE = 512;
export const HPAGE_SHIFT = 9;

/** Bits of an spte byte. Only what aging needs: present, and the accessed bit where hardware has one. */
export const SPTE_PRESENT = 1;
export const SPTE_ACCESSED = 2;

/**
 * KvmMmu.reach, one byte per 2M frame: how the guest reaches every gfn of the frame through its
 * own (non-aliased) address. Not kernel state: a summary of spte4k/spte2m kept so the simulator's
 * per-reference loop reads one byte of a small array (cache-resident) instead of a per-gfn byte.
 */
export const REACH_MIXED = 0; // some gfn may lack a present spte: look at spte4k/spte2m per gfn
export const REACH_4K = 1; // every gfn of the frame has a present 4K spte
export const REACH_2M = 2; // a present 2M spte maps the frame (no 4K spte then)

/** What gfn_to_pfn had to do on the host to find the page (hva_to_pfn, virt/kvm/kvm_main.c v2.6.33). */
export const HOST_FAULT_NONE = 0; // get_user_pages_fast found a present, writable pte
export const HOST_FAULT_MINOR = 1; // handle_mm_fault without I/O (zero-fill, swap-cache hit)
export const HOST_FAULT_MAJOR = 2; // do_swap_page read from swap
export type HostFault = 0 | 1 | 2;

/** Why sptes are being dropped, for the counters. */
export const DROP_AGING = 0;
export const DROP_INVALIDATE = 1;

/**
 * The host as KVM sees it: the QEMU process's memory behind the memslot. Implemented by sim-core.
 */
export interface KvmHost {
  /** gfn_to_pfn() → hva_to_pfn(), v2.6.33: pin the host page for `gfn`, faulting it in if needed. */
  gfnToPfn(gfn: number): HostFault;
  /** PageTransCompound(pfn) as transparent_hugepage_adjust() asks it (THP series, v2.6.38). */
  pageTransCompound(gfn: number): boolean;
  /** kvm_set_pfn_accessed() → mark_page_accessed(), called by rmap_remove() for a young spte. */
  setPfnAccessed(gfn: number): void;
}

export interface KvmMmuOptions {
  guestPages: number;
  /** Extra guest-physical aliases of the first `aliasedPages` gfns (2.6.33 memory aliases); 0 on a plain EPT guest. */
  aliases?: number;
  aliasedPages?: number;
  /** Map gfns backed by a host THP with 2M sptes (transparent_hugepage_adjust, v2.6.38). */
  largePages?: boolean;
  /** vCPUs of the guest, each loaded on its own host CPU (default 1). */
  vcpus?: number;
}

/**
 * The per-VM EPT state of one guest: a 4K spte byte for every gfn (and for every alias), a 2M spte
 * byte for every 2M frame, the two rmaps (memslot->rmap and lpage_info[0].rmap_pde) and the
 * MMU-notifier sequence protocol. Everything is typed arrays indexed by gfn or frame.
 */
export class KvmMmu {
  readonly guestPages: number;
  readonly frames: number;
  readonly aliases: number;
  readonly aliasedPages: number;
  readonly largePages: boolean;
  readonly vcpus: number;
  /**
   * Whether the host code now running is in a vCPU thread (the faulting vCPU: memcg direct reclaim
   * runs there) or in another thread on another CPU (kswapd, khugepaged, a limit write). The host
   * sets it on entry to those paths; it decides whom kvm_flush_remote_tlbs() must IPI.
   */
  inVcpuThread = true;
  /** 4K sptes: index gfn for the main slot, guestPages + (a-1)*aliasedPages + gfn for alias a. */
  readonly spte4k: Uint8Array;
  readonly spte2m: Uint8Array;
  /** Present 4K sptes inside each 2M frame, so installing a 2M spte need not scan 512 entries. */
  readonly small4kInFrame: Uint16Array;
  /** REACH_* per frame; frames holding an aliased gfn stay REACH_MIXED. */
  readonly reach: Uint8Array;
  /** First frame with no aliased gfn in it: only those get a REACH_4K or REACH_2M summary. */
  readonly firstPlainFrame: number;
  /**
   * Plain frames (from firstPlainFrame) whose reach is not REACH_4K. At 0 every gfn the guest
   * reaches through its own address has a present 4K spte, and the per-reference loop needs no
   * per-frame read at all (Simulation.consumeRefs): the steady state of a guest without THP.
   */
  framesNot4k: number;
  readonly rmap4k: RmapTable;
  readonly rmap2m: RmapTable;
  /** kvm->mmu_notifier_seq and mmu_notifier_count, include/linux/kvm_host.h v2.6.33. */
  notifierSeq = 0;
  notifierCount = 0;

  constructor(
    opts: KvmMmuOptions,
    readonly policy: AgingPolicy,
    readonly host: KvmHost,
    /** A view of KVM_COUNTERS.names.length entries inside the run's counter vector. */
    readonly stats: Float64Array = new Float64Array(KVM_COUNTERS.names.length),
    public events: EventSink = NO_EVENTS,
  ) {
    this.guestPages = opts.guestPages;
    this.frames = Math.ceil(opts.guestPages / KVM_PAGES_PER_HPAGE);
    this.aliases = opts.aliases ?? 0;
    this.aliasedPages = this.aliases > 0 ? Math.min(opts.aliasedPages ?? 0, opts.guestPages) : 0;
    this.largePages = opts.largePages ?? false;
    this.vcpus = Math.max(1, opts.vcpus ?? 1);
    this.spte4k = new Uint8Array(this.guestPages + this.aliases * this.aliasedPages);
    this.spte2m = new Uint8Array(this.frames);
    this.small4kInFrame = new Uint16Array(this.frames);
    this.reach = new Uint8Array(this.frames);
    this.firstPlainFrame = Math.ceil(this.aliasedPages / KVM_PAGES_PER_HPAGE);
    this.framesNot4k = Math.max(0, this.frames - this.firstPlainFrame);
    this.rmap4k = new RmapTable(this.guestPages);
    this.rmap2m = new RmapTable(this.frames);
  }

  /** Index of the 4K spte through which alias `alias` of `gfn` is mapped. */
  spteIndex(gfn: number, alias: number): number {
    return alias === 0 ? gfn : this.guestPages + (alias - 1) * this.aliasedPages + gfn;
  }

  spteGfn(spte: number): number {
    return spte < this.guestPages ? spte : (spte - this.guestPages) % this.aliasedPages;
  }

  /** Is gfn reachable by the guest without an exit (any present leaf spte)? */
  isMapped(gfn: number, alias = 0): boolean {
    return (
      (this.spte4k[this.spteIndex(gfn, alias)] & SPTE_PRESENT) !== 0 ||
      (this.spte2m[gfn >>> HPAGE_SHIFT] & SPTE_PRESENT) !== 0
    );
  }

  /**
   * handle_ept_violation() → kvm_mmu_page_fault() → tdp_page_fault(), arch/x86/kvm/{vmx,mmu}.c
   * v2.6.33 (+ transparent_hugepage_adjust() of v2.6.38 for THP-backed gfns). Called when the
   * guest touches a gfn with no present spte. Returns what the host had to do.
   */
  tdpPageFault(gfn: number, alias: number): HostFault {
    const s = this.stats;
    s[EXITS]++;
    if (this.events.on) this.events.emit(EV.EPT_VIOLATION, gfn, alias);
    const seq = this.notifierSeq;
    const fault = this.host.gfnToPfn(gfn);
    if (fault === HOST_FAULT_NONE) s[FAULT_GUP_FAST]++;
    else if (fault === HOST_FAULT_MINOR) s[FAULT_HOST_MINOR]++;
    else s[FAULT_HOST_MAJOR]++;
    // mmu_notifier_retry(): the host fault may have run reclaim, whose invalidations bump the
    // sequence. The fault is then abandoned without installing an spte; the guest re-executes
    // the access and exits again, and that second gfn_to_pfn finds the page with gup-fast.
    if (this.notifierSeq !== seq || this.notifierCount !== 0) {
      s[NOTIFIER_RETRY]++;
      s[EXITS]++;
      s[FAULT_GUP_FAST]++;
      if (this.events.on) this.events.emit(EV.EPT_VIOLATION, gfn, alias);
      this.host.gfnToPfn(gfn);
    }
    if (this.largePages && alias === 0 && this.host.pageTransCompound(gfn)) {
      this.mmuSetSpte2m(gfn >>> HPAGE_SHIFT);
    } else {
      this.mmuSetSpte4k(gfn, alias);
    }
    s[PF_FIXED]++; // __direct_map(): ++vcpu->stat.pf_fixed
    return fault;
  }

  /** mmu_set_spte() at PT_PAGE_TABLE_LEVEL with rmap_add(), arch/x86/kvm/mmu.c v2.6.33. */
  private mmuSetSpte4k(gfn: number, alias: number): void {
    const i = this.spteIndex(gfn, alias);
    if (this.spte4k[i] & SPTE_PRESENT) return;
    // set_spte() puts shadow_accessed_mask into every non-speculative spte.
    this.spte4k[i] = this.policy.shadowAccessedMask ? SPTE_PRESENT | SPTE_ACCESSED : SPTE_PRESENT;
    const f = gfn >>> HPAGE_SHIFT;
    if (++this.small4kInFrame[f] === this.framePages(f)) this.setReach(f, REACH_4K);
    this.rmapAdd(this.rmap4k, gfn, i, 1);
  }

  /**
   * mmu_set_spte() at PT_DIRECTORY_LEVEL, v2.6.33: a large spte, ++kvm->stat.lpages. A 4K table
   * of this memslot under the directory entry is unlinked and the TLBs flushed
   * (kvm_flush_remote_tlbs, v2.6.33 mmu_set_spte); its sptes are zapped here (later kernels'
   * behaviour; v2.6.33 orphaned the child sp, see docs/model.md). Other aliases' sptes live in
   * other tables (other guest-physical addresses) and stay.
   */
  private mmuSetSpte2m(frame: number): void {
    if (this.spte2m[frame] & SPTE_PRESENT) return;
    if (this.small4kInFrame[frame] !== 0) {
      const base = frame << HPAGE_SHIFT;
      const end = Math.min(base + KVM_PAGES_PER_HPAGE, this.guestPages);
      let zapped = 0;
      for (let g = base; g < end; g++) {
        if (!(this.spte4k[g] & SPTE_PRESENT)) continue;
        this.dropSpte(1, g, g, DROP_INVALIDATE);
        zapped++;
      }
      if (zapped) this.kvmFlushRemoteTlbs(1, base);
    }
    this.spte2m[frame] = this.policy.shadowAccessedMask
      ? SPTE_PRESENT | SPTE_ACCESSED
      : SPTE_PRESENT;
    this.setReach(frame, REACH_2M);
    this.stats[LARGEPAGES]++;
    this.stats[LARGE_SPTES]++;
    this.rmapAdd(this.rmap2m, frame, frame, 2);
  }

  /** Writes a frame's REACH_* summary, keeping framesNot4k (frames below firstPlainFrame stay MIXED). */
  private setReach(f: number, v: number): void {
    if (f < this.firstPlainFrame) return;
    const old = this.reach[f];
    if (old === v) return;
    if (old === REACH_4K) this.framesNot4k++;
    else if (v === REACH_4K) this.framesNot4k--;
    this.reach[f] = v;
  }

  /** Gfns in 2M frame f (the last frame of a guest may be partial). */
  private framePages(f: number): number {
    return Math.min(KVM_PAGES_PER_HPAGE, this.guestPages - f * KVM_PAGES_PER_HPAGE);
  }

  private rmapAdd(rmap: RmapTable, index: number, spte: number, level: number): void {
    const s = this.stats;
    s[RMAP_ADD]++;
    const gfn = level === 2 ? index << HPAGE_SHIFT : index;
    if (this.events.on) this.events.emit(EV.RMAP_ADD, gfn, level);
    if (rmap.add(index, spte)) {
      s[RMAP_DESC_ALLOC]++;
      if (this.events.on) this.events.emit(EV.RMAP_DESC_ALLOC, gfn, level);
    }
  }

  /**
   * rmap_remove() and the spte write of kvm_unmap_rmapp(), v2.6.33. A young spte marks the host
   * page accessed (kvm_set_pfn_accessed), which only happens where shadow_accessed_mask != 0.
   */
  private dropSpte(level: number, index: number, spte: number, why: number): void {
    const s = this.stats;
    let gfn: number;
    let bits: number;
    let freed: number;
    if (level === 1) {
      gfn = this.spteGfn(spte);
      bits = this.spte4k[spte];
      this.spte4k[spte] = 0;
      this.small4kInFrame[gfn >>> HPAGE_SHIFT]--;
      this.setReach(gfn >>> HPAGE_SHIFT, REACH_MIXED);
      freed = this.rmap4k.remove(index, spte);
    } else {
      gfn = index << HPAGE_SHIFT;
      bits = this.spte2m[index];
      this.spte2m[index] = 0;
      this.setReach(index, REACH_MIXED);
      // kvm_unmap_rmapp() never decrements kvm->stat.lpages (arch/x86/kvm/mmu.c v2.6.33, v2.6.38)
      s[LARGE_SPTES]--;
      freed = this.rmap2m.remove(index, spte);
    }
    s[RMAP_REMOVE]++;
    s[why === DROP_AGING ? UNMAP_AGING : UNMAP_INVALIDATE]++;
    if (this.events.on) {
      this.events.emit(EV.RMAP_REMOVE, gfn, level);
      if (why === DROP_AGING) this.events.emit(EV.EPT_UNMAP, gfn, level);
    }
    if (freed) {
      s[RMAP_DESC_FREE]++;
      if (this.events.on) this.events.emit(EV.RMAP_DESC_FREE, gfn, level);
    }
    if (bits & SPTE_ACCESSED && this.policy.shadowAccessedMask) this.host.setPfnAccessed(gfn);
  }

  /**
   * kvm_unmap_rmapp(), arch/x86/kvm/mmu.c v2.6.33: drop every spte in one rmap.
   * Returns 1 iff at least one spte existed.
   */
  kvmUnmapRmapp(level: number, index: number, why: number): number {
    const rmap = level === 1 ? this.rmap4k : this.rmap2m;
    let need = 0;
    for (let spte = rmap.first(index); spte >= 0; spte = rmap.first(index)) {
      this.dropSpte(level, index, spte, why);
      need = 1;
    }
    return need;
  }

  /**
   * The accessed-bit loop of kvm_age_rmapp(), v2.6.33: test and clear bit 5 of each spte.
   * Returns 1 if any was young.
   */
  ageAccessedBits(level: number, index: number): number {
    const rmap = level === 1 ? this.rmap4k : this.rmap2m;
    const bits = level === 1 ? this.spte4k : this.spte2m;
    const h = rmap.head[index];
    if (h === 0) return 0;
    if (h > 0) {
      const young = bits[h - 1] & SPTE_ACCESSED;
      bits[h - 1] &= ~SPTE_ACCESSED;
      return young ? 1 : 0;
    }
    let young = 0;
    for (const spte of rmap.sptes(index)) {
      if (bits[spte] & SPTE_ACCESSED) {
        young = 1;
        bits[spte] &= ~SPTE_ACCESSED;
      }
    }
    return young;
  }

  /** kvm_test_age_rmapp(), arch/x86/kvm/mmu.c v2.6.38: the accessed bits, tested without clearing. */
  testAccessedBits(level: number, index: number): number {
    const rmap = level === 1 ? this.rmap4k : this.rmap2m;
    const bits = level === 1 ? this.spte4k : this.spte2m;
    const h = rmap.head[index];
    if (h === 0) return 0;
    if (h > 0) return bits[h - 1] & SPTE_ACCESSED ? 1 : 0;
    return rmap.sptes(index).some((spte) => (bits[spte] & SPTE_ACCESSED) !== 0) ? 1 : 0;
  }

  /**
   * kvm_mmu_notifier_clear_flush_young() → kvm_age_hva() → kvm_handle_hva(kvm_age_rmapp),
   * virt/kvm/kvm_main.c and arch/x86/kvm/mmu.c v2.6.33: ask the policy about the gfn's 4K rmap and
   * the 2M rmap_pde of its frame, OR the answers, and flush remote TLBs if young.
   */
  clearFlushYoung(gfn: number): number {
    const young =
      this.policy.kvmAgeRmapp(this, 1, gfn) | this.policy.kvmAgeRmapp(this, 2, gfn >>> HPAGE_SHIFT);
    this.stats[young ? AGE_YOUNG : AGE_OLD]++;
    if (this.events.on) this.events.emit(EV.AGE, gfn, young);
    if (young) this.kvmFlushRemoteTlbs(0, gfn);
    return young;
  }

  /** kvm_mmu_notifier_test_young() → kvm_test_age_hva(), v2.6.38 (used by khugepaged). */
  testYoung(gfn: number): number {
    const young =
      this.policy.kvmTestAgeRmapp(this, 1, gfn) |
      this.policy.kvmTestAgeRmapp(this, 2, gfn >>> HPAGE_SHIFT);
    if (young) this.stats[TEST_AGE_YOUNG]++;
    return young;
  }

  /** kvm_unmap_hva() = kvm_handle_hva(kvm_unmap_rmapp), v2.6.33. */
  private kvmUnmapHva(gfn: number): number {
    let need = this.kvmUnmapRmapp(1, gfn, DROP_INVALIDATE);
    need |= this.kvmUnmapRmapp(2, gfn >>> HPAGE_SHIFT, DROP_INVALIDATE);
    return need;
  }

  /** kvm_mmu_notifier_invalidate_page(), virt/kvm/kvm_main.c v2.6.33: after the host pte is zapped. */
  invalidatePage(gfn: number): void {
    this.notifierSeq++;
    if (this.kvmUnmapHva(gfn)) this.kvmFlushRemoteTlbs(1, gfn);
  }

  /** kvm_mmu_notifier_invalidate_range_start(), v2.6.33: unmap every page of [start, end). */
  invalidateRangeStart(start: number, end: number): void {
    this.notifierCount++;
    let need = 0;
    for (let g = start; g < end; g++) need |= this.kvmUnmapHva(g);
    if (need) this.kvmFlushRemoteTlbs(1, start);
  }

  /** kvm_mmu_notifier_invalidate_range_end(), v2.6.33. */
  invalidateRangeEnd(): void {
    this.notifierSeq++;
    this.notifierCount--;
  }

  /**
   * kvm_flush_remote_tlbs() → make_all_cpus_request(), virt/kvm/kvm_main.c v2.6.33: every vCPU gets
   * KVM_REQ_TLB_FLUSH; an IPI goes to each one loaded on another CPU (cpu != me), and
   * remote_tlb_flush counts only calls that sent one. From a vCPU thread (direct reclaim inside its
   * EPT fault) that vCPU is on this CPU and flushes itself on its next entry; from kswapd,
   * khugepaged or a limit write every vCPU is elsewhere. Each vCPU is assumed to have handled its
   * previous request already (an upper bound with several vCPUs).
   */
  private kvmFlushRemoteTlbs(reason: number, gfn: number): void {
    const s = this.stats;
    s[TLB_FLUSH_CALLS]++;
    const ipis = this.inVcpuThread ? this.vcpus - 1 : this.vcpus;
    if (ipis > 0) {
      s[REMOTE_TLB_FLUSH]++;
      s[TLB_FLUSH_IPI_VCPUS] += ipis;
    }
    if (this.events.on) this.events.emit(EV.TLB_FLUSH, gfn, reason);
  }

  /** Number of present leaf sptes (for invariants: sim_rmap_add − sim_rmap_remove). */
  presentSptes(): number {
    let n = 0;
    for (let i = 0; i < this.spte4k.length; i++) if (this.spte4k[i] & SPTE_PRESENT) n++;
    for (let i = 0; i < this.spte2m.length; i++) if (this.spte2m[i] & SPTE_PRESENT) n++;
    return n;
  }

  /** A deep copy for checkpoints and forks; `stats`, `host` and `events` are supplied by the new owner. */
  cloneFor(host: KvmHost, stats: Float64Array, events: EventSink): KvmMmu {
    // From the constructor (an empty guest), then filled in: see RmapTable.clone.
    const c = new KvmMmu({ guestPages: 0 }, this.policy, host, stats, events);
    Object.assign(c, this, {
      spte4k: this.spte4k.slice(),
      spte2m: this.spte2m.slice(),
      small4kInFrame: this.small4kInFrame.slice(),
      reach: this.reach.slice(),
      rmap4k: this.rmap4k.clone(),
      rmap2m: this.rmap2m.clone(),
      host,
      stats,
      events,
    });
    return c;
  }

  heapBytes(): number {
    return (
      this.spte4k.byteLength +
      this.spte2m.byteLength +
      this.small4kInFrame.byteLength +
      this.reach.byteLength +
      this.rmap4k.heapBytes() +
      this.rmap2m.heapBytes()
    );
  }
}
