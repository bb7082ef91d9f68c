import {
  KVM_COUNTERS,
  EV,
  KvmMmu,
  NO_EVENTS,
  REACH_2M,
  REACH_4K,
  REACH_MIXED,
  SPTE_ACCESSED,
  SPTE_PRESENT,
  countersToRecord,
  getPolicy,
  type AgingPolicy,
} from '@agelab/ept-model';
import { ALL_COUNTERS, C, KVM_OFFSET, type CounterName } from './counters.ts';
import { EventLog, type EventMode } from './event-log.ts';
import { HostMm, type HostConfig } from './host/host-mm.ts';
import { khugepagedScan } from './host/huge-memory.ts';
import { memCgroupResizeLimit } from './host/memcontrol.ts';
import { HPAGE_SHIFT, PG_HEAD, PG_PRESENT, PG_TAIL, PTE_PRESENT } from './host/page-flags.ts';
import { hostKernelOf, hostRamMiB, pagesOf, type Scenario } from './scenario.ts';
import { bootRefs } from './workload/build.ts';

/** In sampled event mode, one page reference in this many is offered to the event log. */
export const REF_SAMPLE_STRIDE = 1024;

export function hostConfigOf(
  s: Scenario,
  policy: AgingPolicy = getPolicy('always-old'),
): HostConfig {
  const hotWindowRefs = Math.max(1, Math.round((s.truth.hotWindowMs / 1000) * s.rate));
  return {
    guestPages: pagesOf(s.guest.memoryMiB),
    limitPages: pagesOf(s.host.memcgLimitMiB),
    swapPages: pagesOf(s.host.swapMiB),
    swappiness: s.host.swappiness,
    pageCluster: s.host.pageCluster,
    thp: s.thp.enabled,
    khugepaged: { ...s.thp.khugepaged },
    hotWindowRefs,
    // boot touches every page once: those touches say nothing about the working set
    truthFromRefs: (s.boot ? bootRefs(pagesOf(s.guest.memoryMiB)) : 0) + hotWindowRefs,
    ramPages: pagesOf(hostRamMiB(s)),
    kernel: hostKernelOf(s, policy),
    steadyFromRefs: Math.round(s.steadyFromSeconds * s.rate),
  };
}

/**
 * One guest under one aging policy: the host (HostMm) and KVM (KvmMmu) wired together, one
 * counter vector, one event log. It consumes references handed to it; the clock, the workload
 * and lockstep comparison live in Comparison.
 */
/** Spte bytes (one per 4K gfn) that stay in a core's L2 cache with the rest of the hot loop's data. */
const SPTE_BYTES_IN_CACHE = 1 << 18;

export class Simulation {
  readonly counters: Float64Array;
  readonly host: HostMm;
  readonly kvm: KvmMmu;
  readonly events: EventLog;
  readonly policy: AgingPolicy;

  constructor(
    readonly scenario: Scenario,
    policyName: string,
    eventMode: EventMode = 'off',
    from?: Simulation,
  ) {
    this.policy = getPolicy(policyName);
    if (from) {
      this.counters = from.counters.slice();
      this.host = from.host.cloneWith(this.counters, NO_EVENTS);
      this.events = new EventLog(eventMode, this.host);
      this.host.events = this.events;
      this.kvm = from.kvm.cloneFor(this.host, this.kvmStats(), this.events);
    } else {
      this.counters = new Float64Array(ALL_COUNTERS.names.length);
      this.host = new HostMm(hostConfigOf(scenario, this.policy), this.counters);
      this.events = new EventLog(eventMode, this.host);
      this.host.events = this.events;
      const a = scenario.guest.aliases;
      this.kvm = new KvmMmu(
        {
          guestPages: this.host.n,
          aliases: a.count,
          aliasedPages: pagesOf(a.sizeMiB),
          largePages: true,
          vcpus: scenario.guest.vcpus,
        },
        this.policy,
        this.host,
        this.kvmStats(),
        this.events,
      );
    }
    this.host.kvm = this.kvm;
    this.host.syncGauges();
  }

  private kvmStats(): Float64Array {
    return this.counters.subarray(KVM_OFFSET, KVM_OFFSET + KVM_COUNTERS.names.length);
  }

  get guestPages(): number {
    return this.host.n;
  }

  /**
   * The guest runs: refs[0..n) are its page references, the first at reference index `base`.
   * A reference through a present spte costs nothing but the ground-truth bookkeeping (and the
   * accessed bit hardware sets, where it has one); any other takes an EPT violation.
   */
  consume(refs: Uint32Array, n: number, base: number): void {
    // The steady-state snapshot is taken at a chunk's start (ensureTouchRange): a chunk that
    // runs across cfg.steadyFromRefs is cut there, so the window starts at that very reference
    // however the caller chunks the stream.
    const cut = this.host.cfg.steadyFromRefs - base;
    if (this.host.steadyBase === null && cut > 0 && cut < n) {
      this.consume(refs.subarray(0, cut), cut, base);
      this.consume(refs.subarray(cut, n), n - cut, base + cut);
      return;
    }
    // References are far the most numerous events: traced only for a subscriber who asked.
    if (this.events.on && this.events.wants(EV.REF)) {
      if (this.events.eventMode === 'all') return this.consumeTraced(refs, n, base);
      this.sampleRefs(refs, n, base);
    }
    this.consumeRefs(refs, n, base);
  }

  /**
   * The per-reference loop: the hot path of the whole simulator. Kept branch-light and free of
   * out-of-bounds typed-array accesses (V8 deoptimizes such a loop for good): idle slots and
   * aliased gfns leave through one unsigned range check. An spte byte is non-zero iff present.
   *
   * When every plain frame is 4K-mapped (KvmMmu.framesNot4k === 0) it only stores the
   * last-touch time. Otherwise, per reference it stores that time and reads only the frame's
   * reach byte (KvmMmu.reach, one byte per 2M frame: 32 KiB at 16M pages, so it stays in cache); the
   * per-gfn spte bytes are read only in frames where some gfn lacks a present spte. A random
   * load from a large per-page array costs several times a random store on this kind of machine
   * (a store retires into the store buffer, a load's miss holds up the loop): measured in
   * BENCHMARKS.md (hot-path).
   */
  private consumeRefs(refs: Uint32Array, n: number, base: number): void {
    const spte4k = this.kvm.spte4k;
    const spte2m = this.kvm.spte2m;
    const reach = this.kvm.reach;
    const lastTouch = this.host.lastTouch;
    const lo = this.kvm.aliasedPages;
    const span = this.host.n - lo;
    this.host.ensureTouchRange(base + n, base);
    const t0 = base + 1 - this.host.touchEpoch;
    // Imported constants are module bindings; as locals they are plain constants to the JIT.
    const SHIFT = HPAGE_SHIFT;
    const R4K = REACH_4K;
    const R2M = REACH_2M;
    // A guest whose spte bytes fit in the core's cache reads the gfn's own spte first: under
    // pressure most frames are REACH_MIXED, and the frame's byte would be a second load and an
    // unpredictable branch before it. Larger guests read the frame's byte first, since a random
    // load from a large per-gfn array holds up the loop (BENCHMARKS.md, hot-path). Either order
    // finds the same spte: a present 2M spte leaves no 4K spte in its frame.
    const byFrame = spte4k.length > SPTE_BYTES_IN_CACHE;
    let via2m = 0;
    let idle = 0;
    if (this.policy.shadowAccessedMask) {
      const a = SPTE_PRESENT | SPTE_ACCESSED;
      for (let i = 0; i < n; i++) {
        const g = refs[i];
        if ((g - lo) >>> 0 >= span) {
          idle += this.slowRef(g, base + i);
          continue;
        }
        lastTouch[g] = t0 + i;
        const f = g >>> SHIFT;
        if (byFrame) {
          const r = reach[f];
          if (r === R4K) {
            spte4k[g] = a; // the hardware sets the accessed bit
            continue;
          }
          if (r === R2M) {
            via2m++;
            spte2m[f] = a;
            continue;
          }
        }
        const v = spte4k[g];
        if (v !== 0) {
          if (v !== a) spte4k[g] = a;
          continue;
        }
        if (spte2m[f] !== 0) {
          via2m++;
          if (spte2m[f] !== a) spte2m[f] = a;
          continue;
        }
        this.slowRef(g, base + i);
      }
    } else {
      let i = 0;
      // Every plain frame all 4K-mapped (no THP, nothing unmapped since): no reference can exit,
      // so the loop is the ground-truth store alone, until one leaves the plain range (an idle
      // slot or an aliased gfn), from which the general loop below goes on. Nothing in this
      // loop changes an spte, so the condition holds for the whole stretch.
      if (this.kvm.framesNot4k === 0) {
        for (; i < n; i++) {
          const g = refs[i];
          if ((g - lo) >>> 0 >= span) break;
          lastTouch[g] = t0 + i;
        }
      }
      for (; i < n; i++) {
        const g = refs[i];
        if ((g - lo) >>> 0 >= span) {
          idle += this.slowRef(g, base + i);
          continue;
        }
        lastTouch[g] = t0 + i;
        const f = g >>> SHIFT;
        if (byFrame) {
          const r = reach[f];
          if (r === R4K) continue;
          if (r === R2M) {
            via2m++;
            continue;
          }
        }
        if (spte4k[g] !== 0) continue;
        if (spte2m[f] !== 0) {
          via2m++;
          continue;
        }
        this.slowRef(g, base + i);
      }
    }
    this.counters[C.sim_guest_refs] += n - idle;
    this.counters[C.sim_guest_refs_2m] += via2m;
    // The clock the host reads (hot window, page view) stands at the last reference consumed.
    if (n > 0) this.host.now = base + n - 1;
  }

  /** The same loop, emitting a REF event per reference (a viewer is stepping). */
  private consumeTraced(refs: Uint32Array, n: number, base: number): void {
    const one = new Uint32Array(1);
    for (let i = 0; i < n; i++) {
      const g = refs[i];
      this.host.now = base + i;
      if (g < this.host.n)
        this.events.emit(EV.REF, g, this.kvm.spte2m[g >>> HPAGE_SHIFT] & SPTE_PRESENT);
      one[0] = g;
      this.consumeRefs(one, 1, base + i);
    }
  }

  /**
   * While running fast, page references are far too many to stream: one in REF_SAMPLE_STRIDE is
   * offered to the (reservoir-sampled) log; every other event kind is offered in full.
   */
  private sampleRefs(refs: Uint32Array, n: number, base: number): void {
    const saved = this.host.now;
    for (
      let i = (REF_SAMPLE_STRIDE - (base % REF_SAMPLE_STRIDE)) % REF_SAMPLE_STRIDE;
      i < n;
      i += REF_SAMPLE_STRIDE
    ) {
      const g = refs[i];
      if (g >= this.host.n) continue;
      this.host.now = base + i;
      this.events.emit(EV.REF, g, this.kvm.spte2m[g >>> HPAGE_SHIFT] & SPTE_PRESENT);
    }
    this.host.now = saved;
  }

  /** A reference that is idle, aliased, or needs an EPT violation. Returns 1 if idle. */
  private slowRef(g: number, at: number): number {
    if (g >= this.host.n) return 1;
    const kvm = this.kvm;
    let alias = 0;
    if (g < kvm.aliasedPages) {
      this.host.lastTouch[g] = at + 1 - this.host.touchEpoch;
      alias = at % (kvm.aliases + 1);
      const i = kvm.spteIndex(g, alias);
      if (kvm.spte4k[i] & SPTE_PRESENT) {
        if (this.policy.shadowAccessedMask) kvm.spte4k[i] |= SPTE_ACCESSED;
        return 0;
      }
      if (alias === 0 && kvm.spte2m[g >>> HPAGE_SHIFT] & SPTE_PRESENT) {
        this.counters[C.sim_guest_refs_2m]++;
        if (this.policy.shadowAccessedMask) kvm.spte2m[g >>> HPAGE_SHIFT] |= SPTE_ACCESSED;
        return 0;
      }
    }
    this.host.now = at;
    kvm.tdpPageFault(g, alias);
    return 0;
  }

  /** khugepaged wakes up (the clock decides when). */
  khugepagedWake(at: number): void {
    if (!this.host.cfg.thp || !this.host.cfg.khugepaged.enabled) return;
    this.host.now = at;
    khugepagedScan(this.host);
  }

  /** Writing memory.limit_in_bytes (see memCgroupResizeLimit). */
  setLimitPages(pages: number, at: number): void {
    this.host.now = at;
    memCgroupResizeLimit(this.host, pages);
  }

  setThp(enabled: boolean): void {
    this.host.cfg.thp = enabled;
  }

  setKhugepaged(pagesToScan?: number, scanSleepMs?: number): void {
    const k = this.host.cfg.khugepaged;
    if (pagesToScan !== undefined) k.pagesToScan = pagesToScan;
    if (scanSleepMs !== undefined) k.scanSleepMs = scanSleepMs;
  }

  counterRecord(): Record<CounterName, number> {
    this.host.syncGauges();
    return countersToRecord(ALL_COUNTERS, this.counters);
  }

  /** A deep copy (for checkpoints and forks). */
  clone(eventMode: EventMode = this.events.eventMode): Simulation {
    return new Simulation(this.scenario, this.policy.name, eventMode, this);
  }

  heapBytes(): number {
    return this.host.heapBytes() + this.kvm.heapBytes();
  }

  /**
   * The conservation rules of domain.md 7.9; returns the violations found (empty when sound).
   * O(pages): for tests and debugging, never on a hot path.
   */
  checkInvariants(): string[] {
    const out: string[] = [];
    const h = this.host;
    const k = this.kvm;
    let present = 0;
    for (let g = 0; g < h.n; g++) {
      const fl = h.flags[g];
      const pte = h.pte[g];
      if (fl & PG_PRESENT) present++;
      if (pte & PTE_PRESENT && !(fl & PG_PRESENT)) out.push(`gfn ${g}: pte present without a page`);
      if (h.swapSlot[g] >= 0 && h.swap.owner[h.swapSlot[g]] !== g)
        out.push(`gfn ${g}: swap slot owned by another gfn`);
      if (!(pte & PTE_PRESENT) && k.isMapped(g))
        out.push(`gfn ${g}: spte present while the host pte is not`);
      if (fl & PG_TAIL && !(h.flags[(g >>> HPAGE_SHIFT) << HPAGE_SHIFT] & PG_HEAD))
        out.push(`gfn ${g}: tail page without a head`);
      if (h.lastTouch[g] !== 0 && !(fl & PG_PRESENT) && h.swapSlot[g] < 0)
        out.push(`gfn ${g}: touched page is neither resident nor swapped`);
    }
    if (present - h.nrUncharged !== h.usage)
      out.push(`memcg usage ${h.usage} != resident charged pages ${present - h.nrUncharged}`);
    const onLru = h.lru.toArray(0).concat(h.lru.toArray(1), h.lru.toArray(2));
    if (new Set(onLru).size !== onLru.length) out.push('a page is on the LRU twice');
    let lruPages = 0;
    for (const g of onLru) lruPages += h.nrPages(g);
    if (lruPages !== present) out.push(`LRU holds ${lruPages} pages, ${present} are resident`);
    const s = countersToRecord(ALL_COUNTERS, this.counters);
    if (s.sim_rmap_add - s.sim_rmap_remove !== k.presentSptes())
      out.push(
        `rmap adds − removes = ${s.sim_rmap_add - s.sim_rmap_remove}, present sptes = ${k.presentSptes()}`,
      );
    if (s.sim_rmap_desc_alloc - s.sim_rmap_desc_free !== k.rmap4k.liveDescs + k.rmap2m.liveDescs)
      out.push('rmap descriptor allocs − frees != live descriptors');
    for (let f = 0; f < k.frames; f++) {
      const base = f << HPAGE_SHIFT;
      const end = Math.min(base + (1 << HPAGE_SHIFT), h.n);
      let all4k = true;
      for (let g = base; g < end && all4k; g++) all4k = (k.spte4k[g] & SPTE_PRESENT) !== 0;
      const want =
        f < k.firstPlainFrame
          ? REACH_MIXED
          : k.spte2m[f] & SPTE_PRESENT
            ? REACH_2M
            : all4k
              ? REACH_4K
              : REACH_MIXED;
      if (k.reach[f] !== want) out.push(`frame ${f}: reach ${k.reach[f]}, sptes say ${want}`);
    }
    let not4k = 0;
    for (let f = k.firstPlainFrame; f < k.frames; f++) if (k.reach[f] !== REACH_4K) not4k++;
    if (k.framesNot4k !== not4k)
      out.push(`framesNot4k ${k.framesNot4k}, but ${not4k} plain frames are not REACH_4K`);
    if (h.swap.used !== countSwapped(h))
      out.push(`swap slots used ${h.swap.used} != gfns holding a slot`);
    return out;
  }
}

function countSwapped(h: HostMm): number {
  let n = 0;
  for (let g = 0; g < h.n; g++) if (h.swapSlot[g] >= 0) n++;
  return n;
}
