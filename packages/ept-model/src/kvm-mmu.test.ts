import { describe, expect, it } from 'vitest';
import { KVM_COUNTERS, countersToRecord } from './index.ts';
import {
  HOST_FAULT_MAJOR,
  HOST_FAULT_NONE,
  KvmMmu,
  SPTE_ACCESSED,
  SPTE_PRESENT,
  type HostFault,
  type KvmHost,
} from './kvm-mmu.ts';
import { alwaysOld, eptAdBits, getPolicy, unmapEmulation } from './policies/index.ts';
import type { AgingPolicy } from './policy.ts';

function fakeHost(over: Partial<KvmHost> = {}): KvmHost & { accessed: number[] } {
  const accessed: number[] = [];
  return {
    accessed,
    gfnToPfn: () => HOST_FAULT_NONE,
    pageTransCompound: () => false,
    setPfnAccessed: (g) => accessed.push(g),
    ...over,
  };
}

function mmu(policy: AgingPolicy, host: KvmHost = fakeHost(), opts = {}) {
  return new KvmMmu({ guestPages: 2048, ...opts }, policy, host);
}
const stats = (m: KvmMmu) => countersToRecord(KVM_COUNTERS, m.stats);

describe('tdp_page_fault (v2.6.33)', () => {
  it('maps the gfn with one 4K spte, counts pf_fixed, exits and one rmap add, no descriptor', () => {
    const m = mmu(unmapEmulation);
    expect(m.tdpPageFault(5, 0)).toBe(HOST_FAULT_NONE);
    expect(m.isMapped(5)).toBe(true);
    const s = stats(m);
    expect(s.pf_fixed).toBe(1);
    expect(s.exits).toBe(1);
    expect(s.sim_rmap_add).toBe(1);
    expect(s.sim_rmap_desc_alloc).toBe(0);
  });

  it('sets the accessed bit in a new spte only where hardware has one (set_spte)', () => {
    const a = mmu(eptAdBits);
    a.tdpPageFault(1, 0);
    expect(a.spte4k[1]).toBe(SPTE_PRESENT | SPTE_ACCESSED);
    const b = mmu(alwaysOld);
    b.tdpPageFault(1, 0);
    expect(b.spte4k[1]).toBe(SPTE_PRESENT);
  });

  it('maps a THP-backed gfn with one 2M spte and counts largepages', () => {
    const m = mmu(unmapEmulation, fakeHost({ pageTransCompound: () => true }), {
      largePages: true,
    });
    m.tdpPageFault(600, 0);
    expect(m.spte2m[1] & SPTE_PRESENT).toBe(SPTE_PRESENT);
    expect(m.isMapped(1023)).toBe(true);
    expect(m.isMapped(1024)).toBe(false);
    expect(stats(m).largepages).toBe(1);
  });

  it('retries the fault when the host fault ran an invalidation (mmu_notifier_retry)', () => {
    const ref: { m?: KvmMmu } = {};
    const host = fakeHost({
      gfnToPfn: (): HostFault => {
        const m = ref.m;
        if (m && !m.isMapped(9) && m.notifierSeq === 0) {
          m.invalidatePage(100); // reclaim inside the host fault
          return HOST_FAULT_MAJOR;
        }
        return HOST_FAULT_NONE;
      },
    });
    const m = (ref.m = mmu(unmapEmulation, host));
    m.tdpPageFault(9, 0);
    const s = stats(m);
    expect(s.sim_mmu_notifier_retry).toBe(1);
    expect(s.exits).toBe(2);
    expect(s.pf_fixed).toBe(1);
    expect(m.isMapped(9)).toBe(true);
  });
});

describe('kvm_age_rmapp return values (domain.md 1.6)', () => {
  const cases: [string, boolean, number, boolean][] = [
    // policy, mapped?, expected return, spte still present afterwards?
    ['always-old', true, 0, true],
    ['always-old', false, 0, false],
    ['unmap-emulation', true, 1, false],
    ['unmap-emulation', false, 0, false],
    ['ept-ad-bits', true, 1, true],
    ['ept-ad-bits', false, 0, false],
  ];
  for (const [name, mapped, ret, present] of cases) {
    it(`${name}, ${mapped ? 'mapped' : 'unmapped'} gfn → ${ret}`, () => {
      const m = mmu(getPolicy(name));
      if (mapped) m.tdpPageFault(3, 0);
      expect(m.clearFlushYoung(3)).toBe(ret);
      expect(m.isMapped(3)).toBe(present);
      // one kvm_flush_remote_tlbs() per young answer, none per old one; from the only vCPU's
      // own thread it sends no IPI, so the kernel's remote_tlb_flush stays 0
      expect(stats(m).sim_tlb_flush_calls).toBe(ret);
      expect(stats(m).remote_tlb_flush).toBe(0);
    });
  }

  it('ept-ad-bits clears the bit: a second aging without a guest touch is old', () => {
    const m = mmu(eptAdBits);
    m.tdpPageFault(3, 0);
    expect(m.clearFlushYoung(3)).toBe(1);
    expect(m.clearFlushYoung(3)).toBe(0);
    m.spte4k[3] |= SPTE_ACCESSED; // the hardware sets it on the next guest access
    expect(m.clearFlushYoung(3)).toBe(1);
  });

  it('unmap-emulation costs one rmap remove per aging and one EPT violation per re-touch', () => {
    const m = mmu(unmapEmulation);
    m.tdpPageFault(3, 0);
    for (let pass = 0; pass < 5; pass++) {
      expect(m.clearFlushYoung(3)).toBe(1);
      m.tdpPageFault(3, 0);
    }
    const s = stats(m);
    expect(s.pf_fixed).toBe(6);
    expect(s.sim_rmap_add).toBe(6);
    expect(s.sim_rmap_remove).toBe(5);
    expect(s.sim_ept_unmap_aging).toBe(5);
    expect(s.sim_rmap_desc_alloc).toBe(0);
  });

  it('aging one 4K hva drops the 2M spte that covers it (kvm_handle_hva visits rmap_pde)', () => {
    const m = mmu(unmapEmulation, fakeHost({ pageTransCompound: () => true }), {
      largePages: true,
    });
    m.tdpPageFault(512, 0);
    expect(m.clearFlushYoung(700)).toBe(1);
    expect(m.isMapped(512)).toBe(false);
    // kvm_unmap_rmapp never decrements kvm->stat.lpages: the debugfs counter is a ratchet
    expect(stats(m).largepages).toBe(1);
    expect(stats(m).sim_large_sptes).toBe(0);
  });
});

describe('aliases: several sptes per gfn', () => {
  it('allocates rmap descriptors only when a gfn gains a second spte, and frees them on unmap', () => {
    const m = mmu(unmapEmulation, fakeHost(), { aliases: 2, aliasedPages: 16 });
    m.tdpPageFault(4, 0);
    m.tdpPageFault(4, 1);
    m.tdpPageFault(4, 2);
    expect(m.rmap4k.count(4)).toBe(3);
    expect(stats(m).sim_rmap_desc_alloc).toBe(1);
    expect(m.clearFlushYoung(4)).toBe(1);
    const s = stats(m);
    expect(s.sim_rmap_remove).toBe(3);
    expect(s.sim_rmap_desc_free).toBe(1);
    expect(s.sim_tlb_flush_calls).toBe(1); // one flush per notifier call, not per spte
  });
});

describe('kvm_flush_remote_tlbs → make_all_cpus_request (virt/kvm/kvm_main.c v2.6.33)', () => {
  it('counts remote_tlb_flush only when an IPI goes to a vCPU on another CPU', () => {
    // 1 vCPU, flush from its own thread (direct reclaim in its EPT fault): cpu == me, no IPI
    const one = mmu(unmapEmulation);
    one.tdpPageFault(3, 0);
    one.clearFlushYoung(3);
    expect(stats(one).sim_tlb_flush_calls).toBe(1);
    expect(stats(one).remote_tlb_flush).toBe(0);
    expect(stats(one).sim_tlb_flush_ipi_vcpus).toBe(0);
    // 4 vCPUs, from the faulting vCPU's thread: the 3 others are IPI'd, one counted flush
    const four = mmu(unmapEmulation, fakeHost(), { vcpus: 4 });
    four.tdpPageFault(3, 0);
    four.clearFlushYoung(3);
    expect(stats(four).remote_tlb_flush).toBe(1);
    expect(stats(four).sim_tlb_flush_ipi_vcpus).toBe(3);
    // from another thread (kswapd, khugepaged): every vCPU is elsewhere
    const off = mmu(unmapEmulation);
    off.tdpPageFault(3, 0);
    off.inVcpuThread = false;
    off.clearFlushYoung(3);
    expect(stats(off).remote_tlb_flush).toBe(1);
    expect(stats(off).sim_tlb_flush_ipi_vcpus).toBe(1);
  });
});

describe('mmu_set_spte at the 2M level over a 4K table (arch/x86/kvm/mmu.c v2.6.33)', () => {
  it("unlinks this memslot's 4K sptes and flushes once; other aliases' sptes stay", () => {
    const host = fakeHost({ pageTransCompound: () => false });
    const m = mmu(unmapEmulation, host, { largePages: true, aliases: 1, aliasedPages: 1024 });
    m.tdpPageFault(520, 0); // alias 0, 4K
    m.tdpPageFault(521, 0);
    m.tdpPageFault(520, 1); // alias 1 of gfn 520, another guest-physical address
    host.pageTransCompound = () => true;
    m.tdpPageFault(600, 0); // the host page became a THP: 2M spte for frame 1
    const s = stats(m);
    expect(s.sim_ept_unmap_invalidate).toBe(2); // 520 and 521 on alias 0
    expect(s.sim_tlb_flush_calls).toBe(1);
    expect(m.isMapped(520, 1)).toBe(true);
    expect(m.rmap4k.count(520)).toBe(1);
    expect(s.largepages).toBe(1);
  });
});

describe('MMU-notifier invalidation', () => {
  it('invalidate_page drops the sptes and flushes; an unmapped gfn costs no flush', () => {
    const m = mmu(alwaysOld);
    m.tdpPageFault(8, 0);
    m.invalidatePage(8);
    m.invalidatePage(9);
    expect(m.isMapped(8)).toBe(false);
    const s = stats(m);
    expect(s.sim_tlb_flush_calls).toBe(1);
    expect(s.sim_ept_unmap_invalidate).toBe(1);
    expect(m.notifierSeq).toBe(2);
  });

  it('rmap_remove of a young spte marks the host page accessed only with an accessed bit', () => {
    const h1 = fakeHost();
    const a = mmu(eptAdBits, h1);
    a.tdpPageFault(8, 0);
    a.invalidatePage(8);
    expect(h1.accessed).toEqual([8]);
    const h2 = fakeHost();
    const b = mmu(unmapEmulation, h2);
    b.tdpPageFault(8, 0);
    b.invalidatePage(8);
    expect(h2.accessed).toEqual([]);
  });

  it('keeps sim_rmap_add − sim_rmap_remove equal to the present sptes', () => {
    const m = mmu(unmapEmulation, fakeHost({ pageTransCompound: (g) => g >= 1024 }), {
      largePages: true,
    });
    for (let g = 0; g < 2048; g += 7) m.tdpPageFault(g, 0);
    for (let g = 0; g < 2048; g += 13) m.clearFlushYoung(g);
    m.invalidateRangeStart(0, 300);
    m.invalidateRangeEnd();
    const s = stats(m);
    expect(s.sim_rmap_add - s.sim_rmap_remove).toBe(m.presentSptes());
  });
});
