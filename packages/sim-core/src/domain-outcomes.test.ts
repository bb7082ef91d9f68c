/**
 * The outcomes of domain.md §7 ("What a faithful simulation must reproduce"), on the presets.
 * Steady state = the last 40 of 60 simulated seconds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Comparison } from './comparison.ts';
import type { CounterName } from './counters.ts';
import { PMD_HUGE } from './host/page-flags.ts';
import { getPreset } from './presets.ts';
import { parseScenario } from './scenario.ts';
import { summarize } from './summary.ts';

const POLICIES = ['always-old', 'unmap-emulation', 'ept-ad-bits'];
type Counters = Record<CounterName, number>;

function steadyRun(preset: string) {
  const cmp = new Comparison(getPreset(preset), POLICIES, 1);
  cmp.runFor(20);
  const warm = summarize(cmp).map((r) => r.counters);
  const epochs: Counters[][] = [];
  for (let e = 0; e < 8; e++) {
    cmp.runFor(5);
    epochs.push(summarize(cmp).map((r) => r.counters));
  }
  const end = summarize(cmp);
  const delta = (i: number, name: CounterName) => end[i].counters[name] - warm[i][name];
  return { cmp, end, delta, epochs };
}

describe('classic preset: 256 MB guest, 128 MB memcg (domain.md 7.1-7.3)', () => {
  let r: ReturnType<typeof steadyRun>;
  beforeAll(() => (r = steadyRun('classic')));
  const [OLD, UNMAP, AD] = [0, 1, 2];

  it('always-old: hot pages are swapped out, and major faults grow every epoch', () => {
    expect(r.delta(OLD, 'sim_hot_pages_swapped_out')).toBeGreaterThan(1000);
    for (let e = 1; e < r.epochs.length; e++) {
      expect(r.epochs[e][OLD].pgmajfault).toBeGreaterThan(r.epochs[e - 1][OLD].pgmajfault);
      expect(r.epochs[e][OLD].pswpin).toBeGreaterThan(r.epochs[e - 1][OLD].pswpin);
    }
    expect(r.delta(OLD, 'pgmajfault')).toBeGreaterThan(r.delta(UNMAP, 'pgmajfault'));
    expect(r.delta(OLD, 'pswpout')).toBeGreaterThan(r.delta(UNMAP, 'pswpout'));
  });

  it('always-old: every verdict on a hot page after the first is false-old; aging never flushes', () => {
    expect(r.delta(OLD, 'sim_false_old')).toBeGreaterThan(1000);
    const c = r.end[OLD].counters;
    expect(c.sim_kvm_age_young).toBe(0);
    // flushes come only from invalidate_page, one per swap-out that found an spte...
    expect(c.sim_tlb_flush_calls).toBe(c.sim_rmap_remove);
    // ...and with one vCPU reclaiming in its own thread none sends an IPI, so the kernel's
    // remote_tlb_flush stays 0 (make_all_cpus_request skips cpu == me; kernel-notes.md)
    expect(c.remote_tlb_flush).toBe(0);
    expect(c.sim_ept_unmap_aging).toBe(0);
  });

  it('unmap-emulation keeps the hot set resident, paying EPT violations and rmap churn per aging pass', () => {
    expect(r.delta(UNMAP, 'sim_hot_pages_swapped_out')).toBe(0);
    expect(r.delta(UNMAP, 'sim_false_old')).toBe(0);
    const c = r.end[UNMAP].counters;
    // every aging call that found an spte unmapped it, reported young and flushed once
    expect(c.sim_kvm_age_young).toBe(c.sim_ept_unmap_aging);
    expect(c.sim_tlb_flush_calls).toBeGreaterThanOrEqual(c.sim_kvm_age_young);
    // re-faults are EPT violations fixed by gup-fast: pf_fixed rises, host page faults do not
    expect(r.delta(UNMAP, 'pf_fixed')).toBeGreaterThan(r.delta(AD, 'pf_fixed') + 1000);
    expect(r.delta(UNMAP, 'sim_rmap_add')).toBeGreaterThan(r.delta(AD, 'sim_rmap_add') + 1000);
    expect(c.pgfault).toBe(r.end[AD].counters.pgfault);
    expect(c.pgmajfault).toBe(r.end[AD].counters.pgmajfault);
    // one spte per gfn on EPT: no rmap descriptors
    expect(c.sim_rmap_desc_alloc).toBe(0);
    expect(c.sim_rmap_desc_free).toBe(0);
  });

  it('ept-ad-bits keeps the hot set resident with neither cost: every spte installed answers a host fault', () => {
    expect(r.delta(AD, 'sim_hot_pages_swapped_out')).toBe(0);
    const c = r.end[AD].counters;
    expect(c.sim_ept_unmap_aging).toBe(0);
    expect(c.pf_fixed).toBe(c.pgfault);
    expect(c.sim_kvm_age_young).toBeGreaterThan(0);
  });

  it('costs order as domain.md 7.10 in steady state: swap stalls dwarf the unmap overhead, which exceeds A/D bits', () => {
    // The whole run mixes boot with steady state, and under each policy's natural host kernel
    // (2.6.33 vs 2.6.34) boot costs differ for reasons that are not the policy's: compare the
    // steady-state window (summary.steady, 10 to 60 s).
    const [old, unmap, ad] = r.end.map((x) => x.steady!);
    expect(old.slowdown).toBeGreaterThan(unmap.slowdown);
    const overhead = (x: typeof unmap) =>
      x.cost.stallUs.ept_violation_resident + x.cost.stallUs.kvm_unmap_rmapp;
    expect(overhead(unmap)).toBeGreaterThan(overhead(ad));
    expect(
      old.cost.stallUs.major_fault_swapin - unmap.cost.stallUs.major_fault_swapin,
    ).toBeGreaterThan(10 * (overhead(unmap) - overhead(ad)));
    // F3: hardware accessed bits never cost more than the patch (no IPIs to price with 1 vCPU)
    expect(ad.slowdown).toBeLessThanOrEqual(unmap.slowdown);
    expect(r.end[AD].slowdown).toBeLessThanOrEqual(r.end[UNMAP].slowdown);
  });
});

describe('idle preset (domain.md 7.10, F3)', () => {
  it('hardware accessed bits cost no more than the patch', () => {
    const cmp = new Comparison(getPreset('idle'), POLICIES, 1);
    cmp.runFor(20);
    const [, unmap, ad] = summarize(cmp);
    expect(ad.slowdown).toBeLessThanOrEqual(unmap.slowdown);
  });
});

describe('classic-thp: hugepages under host-wide pressure (domain.md 7.7, 7.8)', () => {
  let r: ReturnType<typeof steadyRun>;
  beforeAll(() => (r = steadyRun('classic-thp')));

  it('always-old keeps splitting and recollapsing hugepages; the other policies stop after warm-up', () => {
    expect(r.delta(0, 'thp_split_page')).toBeGreaterThan(0);
    expect(r.delta(0, 'thp_collapse_alloc')).toBeGreaterThan(0);
    for (const i of [1, 2]) {
      expect(r.delta(i, 'thp_split_page')).toBe(0);
      expect(r.delta(i, 'thp_collapse_alloc')).toBeLessThan(r.delta(0, 'thp_collapse_alloc') / 4);
    }
    // the 2M sptes dropped by splits leave the live count, not kvm->stat.lpages (a ratchet)
    const c = r.end[0].counters;
    expect(c.largepages).toBeGreaterThan(c.sim_large_sptes);
  });

  it('the patch and A/D bits keep the whole hot set on hugepages; always-old loses some', () => {
    const hugeHotFrames = (i: number) => {
      let n = 0;
      for (let f = 32; f < 64; f++) if (r.cmp.sims[i].host.pmd[f] === PMD_HUGE) n++;
      return n;
    };
    expect(hugeHotFrames(1)).toBe(32);
    expect(hugeHotFrames(2)).toBe(32);
    expect(hugeHotFrames(0)).toBeLessThan(32);
    // what unmap emulation keeps, it keeps mapped at 2M: more guest references through 2M sptes
    expect(r.end[1].counters.sim_guest_refs_2m).toBeGreaterThan(
      r.end[0].counters.sim_guest_refs_2m,
    );
  });

  it('unmap emulation on a 2M spte answers young for all 512 pages: false-young per 4K page (F10)', () => {
    expect(r.delta(1, 'sim_false_young')).toBeGreaterThan(0);
    expect(r.delta(1, 'sim_false_old')).toBe(0);
  });
});

describe('THP in a full memory cgroup (mem_cgroup_charge_common, oom = false, v2.6.38)', () => {
  it('faults in hugepages only until the group is full, then falls back; never collapses', () => {
    // domain.md 7.8 amended (docs/kernel-notes.md): a huge charge reclaims once and gives up, so
    // in a group at its limit khugepaged collapses nothing under any policy
    const base = getPreset('classic-thp');
    const s = parseScenario({ ...base, host: { ...base.host, memcgLimitMiB: 128, ramMiB: 512 } });
    const cmp = new Comparison(s, POLICIES, 1);
    cmp.runFor(20);
    for (const { counters: c } of summarize(cmp)) {
      expect(c.thp_fault_alloc).toBe(128 / 2); // 128 MB of 2 MB pages, then the limit
      expect(c.thp_fault_fallback).toBeGreaterThan(0);
      expect(c.thp_collapse_alloc).toBe(0);
    }
  });
});

describe('aging is reclaim-driven (domain.md 7.4)', () => {
  it('without memory pressure all policies produce identical host counters and no aging at all', () => {
    const base = getPreset('classic');
    const s = parseScenario({ ...base, host: { ...base.host, memcgLimitMiB: 512 } });
    const cmp = new Comparison(s, POLICIES, 7);
    cmp.runFor(10);
    const [a, b, c] = summarize(cmp).map((x) => x.counters);
    for (const k of Object.keys(a) as CounterName[]) {
      expect(b[k], k).toBe(a[k]);
      expect(c[k], k).toBe(a[k]);
    }
    expect(a.sim_page_referenced).toBe(0);
    expect(a.sim_reclaim_passes).toBe(0);
  });
});
