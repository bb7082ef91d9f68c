import { describe, expect, it } from 'vitest';
import { coldSentence, explainPage } from './chain.ts';
import { parsePageHistory, type PageEvent, type PageHistoryRun } from './history.ts';

const RATE = 100_000;
const ACTIVE =
  'shrink_active_list → page_referenced → page_referenced_one → ptep_clear_flush_young_notify';
const PAGE_LIST =
  'shrink_page_list → page_referenced → page_referenced_one → ptep_clear_flush_young_notify';
const GUEST = 'handle_ept_violation → tdp_page_fault';

const ev = (
  ref: number,
  kind: string,
  arg: number,
  path: string,
  pass: number | null,
): PageEvent => ({
  refIndex: ref,
  time: ref / RATE,
  kind,
  arg,
  path,
  pass,
});

/** A hot page under always-old: judged old twice while in use, swapped out, faulted back. */
const alwaysOld: PageHistoryRun = {
  policy: 'always-old',
  truncated: false,
  events: [
    ev(1_836_200, 'age', 0, `${ACTIVE} → kvm_age_rmapp: old`, 1503),
    ev(1_836_200, 'false_verdict', 0, `${ACTIVE} → page_referenced answered 0 …`, 1503),
    ev(1_836_200, 'verdict', 3, `${ACTIVE} → verdict`, 1503),
    ev(1_836_200, 'lru_deactivate', 0, 'shrink_active_list → list_add (inactive anon)', 1503),
    ev(3_118_600, 'age', 0, `${PAGE_LIST} → kvm_age_rmapp: old`, 1650),
    ev(3_118_600, 'false_verdict', 0, `${PAGE_LIST} → false old`, 1650),
    ev(3_118_600, 'rmap_remove', 1, 'shrink_page_list → try_to_unmap → … → rmap_remove', 1650),
    ev(3_118_600, 'swap_out', 0, 'shrink_page_list → pageout → swap_writepage', 1650),
    ev(3_118_600, 'page_free', 0, 'shrink_page_list → __remove_mapping → free', 1650),
    ev(3_120_000, 'ept_violation', 2, `${GUEST} → kvm_mmu_page_fault (EPT violation)`, null),
    ev(3_120_000, 'major_fault', 2, `${GUEST} → … do_swap_page → swapin_readahead (major)`, null),
    ev(3_120_000, 'rmap_add', 1, `${GUEST} → __direct_map → mmu_set_spte → rmap_add`, null),
  ],
  end: {
    classes: {
      residency: 'ept_mapped',
      lru: 'active',
      belief: 'false_old',
      heat: 'lt_1s',
      huge: 'none',
    },
    lastTouch: 31.2,
  },
};

/** The same page under the patch: aging unmapped it and said young; the guest took a minor EPT fault. */
const unmapEmulation: PageHistoryRun = {
  policy: 'unmap-emulation',
  truncated: false,
  events: [
    ev(
      1_836_100,
      'rmap_remove',
      1,
      `${ACTIVE} → kvm_age_rmapp → kvm_unmap_rmapp → rmap_remove`,
      1400,
    ),
    ev(1_836_100, 'ept_unmap', 1, `${ACTIVE} → kvm_age_rmapp → kvm_unmap_rmapp: young`, 1400),
    ev(1_836_100, 'age', 1, `${ACTIVE} → kvm_age_rmapp: young`, 1400),
    ev(1_836_100, 'lru_deactivate', 0, 'shrink_active_list → list_add (inactive anon)', 1400),
    ev(1_836_500, 'ept_violation', 0, `${GUEST} → kvm_mmu_page_fault (EPT violation)`, null),
    ev(2_000_000, 'age', 1, `${PAGE_LIST} → kvm_age_rmapp: young`, 1500),
    ev(2_000_000, 'ept_unmap', 1, `${PAGE_LIST} → kvm_unmap_rmapp: young`, 1500),
    ev(
      2_000_000,
      'lru_activate',
      1,
      'shrink_page_list → referenced and mapped → activate_locked',
      1500,
    ),
  ],
  end: {
    classes: {
      residency: 'unmapped',
      lru: 'active',
      belief: 'agreed',
      heat: 'lt_1s',
      huge: 'none',
    },
    lastTouch: 31.19,
  },
};

describe('the page inspector’s causal chain', () => {
  it('tells a hot page swapped out under always-old, pass by pass', () => {
    const x = explainPage(alwaysOld, 31.2);
    expect(x.steps.map((s) => s.time)).toEqual([18.362, 31.186, 31.2]);
    const [deact, out, back] = x.steps;
    expect(deact.text).toMatch(
      /^In reclaim pass 1503, shrink_active_list scanned it: page_referenced asked KVM, and kvm_age_rmapp answered old, as it does for every page under always-old\./,
    );
    expect(deact.text).toMatch(
      /page_referenced answered not referenced\. That was wrong: the guest had touched the page since the previous check \(false old\)\./,
    );
    expect(deact.text).toMatch(/moved it to the inactive list/);
    expect(deact.bad).toBe(true);
    expect(deact.path).toBe(`${ACTIVE} → kvm_age_rmapp: old`);
    expect(out.pass).toBe(1650);
    expect(out.text).toMatch(/shrink_page_list scanned it on the inactive list/);
    expect(out.text).toMatch(/wrote it out \(pageout\)/);
    expect(out.text).toMatch(/the page now lives in swap only/);
    expect(back.text).toMatch(
      /^The guest touched it again: an EPT violation \(tdp_page_fault\) mapped it back, with a host major fault: read back from swap \(2 pages with readahead\)/,
    );
    expect(x.bookkeeping).toBe(2);
    expect(x.policyNote).toMatch(/^Under always-old \(before the patch\) EPT has no accessed bit/);
  });

  it('says in one sentence that the host took a page in use for cold', () => {
    expect(coldSentence(alwaysOld)).toBe(
      'The host took this page for cold while the guest was using it: in reclaim pass 1650 (31.186 s) page_referenced answered “old” although the guest had touched it, because kvm_age_rmapp answers old for every page under always-old, so it was swapped out there and then; the guest’s next touch, at 31.200 s, waited for a major fault to read it back from swap.',
    );
    expect(coldSentence(unmapEmulation)).toBeNull();
  });

  it('explains the patch’s answer: the unmap, the young verdict and the EPT violation it costs', () => {
    const x = explainPage(unmapEmulation, 31.2);
    expect(x.cold).toBeNull();
    expect(x.steps[0].text).toMatch(
      /kvm_age_rmapp dropped its EPT entry \(kvm_unmap_rmapp\) and answered young/,
    );
    expect(x.steps[0].text).toMatch(/page_referenced answered referenced\./);
    expect(x.steps[1].text).toMatch(/EPT violation .* without a host fault/);
    expect(x.steps[2].text).toMatch(/put it back on the active list \(activate_locked\)/);
    expect(x.steps.every((s) => !s.bad)).toBe(true);
  });

  it('states where the page is now, its mapping, its last touch and what the host believed', () => {
    const st = Object.fromEntries(
      explainPage(unmapEmulation, 31.2).state.map((s) => [s.label, s.value]),
    );
    expect(st.Resident).toMatch(/EPT entry dropped by aging/);
    expect(st.EPT).toBe('not mapped (dropped by aging)');
    expect(st['LRU list']).toBe('active anon list');
    expect(st['Last guest touch']).toBe(
      't = 31.190 s (0.010 s before 31.200 s; touched < 1 s ago)',
    );
    expect(st['Host believed']).toMatch(/^right/);
    const thp = explainPage(
      {
        ...alwaysOld,
        events: [],
        end: { classes: { residency: 'ept_mapped', huge: 'thp_2m' }, lastTouch: null },
      },
      5,
    );
    expect(thp.state.find((s) => s.label === 'EPT')?.value).toBe('mapped at 2M');
    expect(thp.state.find((s) => s.label === 'Last guest touch')?.value).toBe('never in this run');
  });
});

describe('the page-history reply', () => {
  it('is checked, and a wrong field is named', () => {
    const ok = parsePageHistory({ gfn: 5, from: 0, to: 1, runs: [alwaysOld] });
    expect(ok.runs[0].events).toHaveLength(alwaysOld.events.length);
    expect(() =>
      parsePageHistory({
        gfn: 5,
        from: 0,
        to: 1,
        runs: [{ ...alwaysOld, events: [{ kind: 'age' }] }],
      }),
    ).toThrow('page history reply: runs[0].events[0].time is not a number');
    expect(() => parsePageHistory({ gfn: '5', from: 0, to: 1, runs: [] })).toThrow(
      /gfn is "5", expected a number/,
    );
  });
});
