import type { PageEvent, PageHistoryRun } from './history.ts';

/**
 * The page inspector's words: one run's page history (inspector/history.ts) turned into the
 * page's state at the end of the window and a causal chain of sentences a student can follow —
 * which reclaim pass scanned it, what kvm_age_rmapp and page_referenced answered and why, why it
 * was deactivated, swapped out or split, when the guest touched it again and what that cost —
 * and, for a page the host took for cold while the guest was using it, one sentence that says so.
 */

export interface ChainStep {
  time: number;
  /** The memcg reclaim pass (sim_reclaim_passes numbering), null outside one. */
  pass: number | null;
  text: string;
  /** The kernel call path of the step's main event. */
  path: string;
  /** The step shows the host being wrong about the page. */
  bad: boolean;
}

export interface Explained {
  state: { label: string; value: string }[];
  /** What kvm_age_rmapp does under this run's policy, in one or two sentences. */
  policyNote: string;
  steps: ChainStep[];
  /** One sentence when the host took the page for cold while the guest used it; else null. */
  cold: string | null;
  /** Bookkeeping events (rmap, TLB flushes, descriptors) folded into the steps. */
  bookkeeping: number;
}

const t = (s: number): string => `${s.toFixed(3)} s`;

const RESIDENCY: Record<string, string> = {
  untouched: 'never touched by the guest',
  ept_mapped: 'in host RAM, mapped in the EPT',
  unmapped: 'in host RAM, its EPT entry dropped by aging (the next touch takes an EPT violation)',
  swapcache: 'in the swap cache: in host RAM and in swap',
  swapped: 'in swap only, not in host RAM',
};
const LRU: Record<string, string> = {
  active: 'active anon list',
  inactive: 'inactive anon list (next in line for reclaim)',
  none: 'on no LRU list (not resident)',
};
const BELIEF: Record<string, string> = {
  no_verdict: 'no verdict yet (reclaim has not asked about it)',
  agreed: 'right: its last page_referenced answer matched the guest’s use',
  false_old: 'wrong: page_referenced answered “old” although the guest had touched it (false old)',
  false_young: 'wrong: page_referenced answered “young” although the guest had not touched it',
  hot_swapped: 'wrong: the guest uses it (hot), yet it was swapped out',
};
const HEAT: Record<string, string> = {
  lt_100ms: 'touched < 0.1 s ago',
  lt_1s: 'touched < 1 s ago',
  lt_10s: 'touched < 10 s ago',
  older: 'touched ≥ 10 s ago',
  never: 'never touched',
};
const HUGE: Record<string, string> = {
  none: 'not in a hugepage',
  thp_2m: 'in an intact 2M hugepage, mapped by a 2M EPT entry',
  thp_4k: 'in an intact 2M hugepage, mapped by 4K EPT entries',
  split: 'its hugepage was split',
  collapsed: 'in a hugepage khugepaged collapsed',
};

function state(run: PageHistoryRun, to: number): Explained['state'] {
  const c = run.end.classes;
  const res = c.residency ?? '';
  const ept =
    res === 'ept_mapped'
      ? c.huge === 'thp_2m'
        ? 'mapped at 2M'
        : 'mapped at 4K'
      : res === 'unmapped'
        ? 'not mapped (dropped by aging)'
        : 'not mapped';
  const last = run.end.lastTouch;
  return [
    { label: 'Resident', value: RESIDENCY[res] ?? res },
    { label: 'LRU list', value: LRU[c.lru ?? ''] ?? c.lru ?? '' },
    { label: 'EPT', value: ept },
    { label: 'Hugepage', value: HUGE[c.huge ?? ''] ?? c.huge ?? '' },
    {
      label: 'Last guest touch',
      value:
        last === null
          ? 'never in this run'
          : `t = ${t(last)} (${(to - last).toFixed(3)} s before ${t(to)}; ${HEAT[c.heat ?? ''] ?? ''})`,
    },
    { label: 'Host believed', value: BELIEF[c.belief ?? ''] ?? c.belief ?? '' },
  ];
}

/** Why kvm_age_rmapp answered as it did, under a policy (the policy note says the rest once). */
function ageReason(policy: string, young: boolean, unmapped: boolean): string {
  if (young && unmapped)
    return 'kvm_age_rmapp dropped its EPT entry (kvm_unmap_rmapp) and answered young';
  if (young) return 'kvm_age_rmapp found the EPT accessed bit set, cleared it and answered young';
  if (policy === 'always-old')
    return 'kvm_age_rmapp answered old, as it does for every page under always-old';
  if (policy === 'unmap-emulation')
    return 'kvm_age_rmapp answered old: no EPT entry was left to drop, so the guest had not touched it since the last unmap';
  if (policy === 'ept-ad-bits') return 'kvm_age_rmapp answered old: the EPT accessed bit was clear';
  return `kvm_age_rmapp answered ${young ? 'young' : 'old'}`;
}

/** What kvm_age_rmapp does under each policy, said once above the chain. */
export const POLICY_NOTES: Readonly<Record<string, string>> = {
  'always-old':
    'Under always-old (before the patch) EPT has no accessed bit, so kvm_age_rmapp answers “old” for every guest page without looking; only the host pte’s own young bit can make page_referenced say referenced.',
  'unmap-emulation':
    'Under unmap-emulation (the 2.6.34 patch) kvm_age_rmapp drops a mapped page’s EPT entry and answers “young”; the guest’s next touch takes an EPT violation to map it again.',
  'ept-ad-bits':
    'Under ept-ad-bits the hardware sets an accessed bit in the EPT entry; kvm_age_rmapp tests and clears it, and the entry stays.',
};

const callerWords = (path: string, pass: number | null): string => {
  const where = pass !== null ? `reclaim pass ${pass}` : 'reclaim';
  if (path.startsWith('shrink_active_list')) return `In ${where}, shrink_active_list scanned it`;
  if (path.startsWith('shrink_page_list'))
    return `In ${where}, shrink_page_list scanned it on the inactive list`;
  if (path.startsWith('kswapd')) return 'kswapd’s reclaim scanned it';
  if (path.startsWith('khugepaged')) return 'khugepaged looked at it';
  return `In ${where}, the host asked about it`;
};

const BOOKKEEPING = new Set([
  'rmap_add',
  'rmap_remove',
  'rmap_desc_alloc',
  'rmap_desc_free',
  'tlb_flush',
]);
const FAULT = [
  'without a host fault (the page was still in RAM)',
  'with a host minor fault',
  'with a host major fault',
];

/** One moment (the events at one reference index) as sentences. */
function moment(policy: string, g: PageEvent[]): ChainStep | null {
  const has = (k: string) => g.find((e) => e.kind === k);
  const first = g[0];
  const parts: string[] = [];
  let path = '';
  let bad = false;
  const age = has('age');
  const verdict = has('verdict');
  const falseV = has('false_verdict');
  if (age) {
    path = age.path;
    const young = age.arg === 1;
    parts.push(
      `${callerWords(age.path, age.pass)}: page_referenced asked KVM, and ${ageReason(policy, young, !!has('ept_unmap'))}.`,
    );
    // page_referenced ORs the host pte's young bit with KVM's answer; the verdict says the sum
    const referenced = verdict ? verdict.arg === 2 || verdict.arg === 4 : young;
    if (!young && referenced)
      parts.push(
        'The host pte’s young bit was set (the host itself had faulted the page in), so page_referenced still answered referenced.',
      );
    else parts.push(`page_referenced answered ${referenced ? 'referenced' : 'not referenced'}.`);
  }
  if (falseV) {
    bad = true;
    parts.push(
      falseV.arg === 0
        ? 'That was wrong: the guest had touched the page since the previous check (false old).'
        : 'That was wrong: the guest had not touched the page since the previous check (false young).',
    );
  }
  const split = has('thp_split');
  if (split) {
    path ||= split.path;
    parts.push(
      'To swap it out, add_to_swap split its 2M hugepage into 4K pages (split_huge_page).',
    );
  }
  const deact = has('lru_deactivate');
  if (deact) {
    path ||= deact.path;
    parts.push(
      deact.path.startsWith('shrink_active_list') || deact.path.startsWith('kswapd')
        ? 'shrink_active_list moved it to the inactive list, as it does every anon page it scans (the answer only cleared the young bits): the next check, on the inactive list, decides whether it is swapped out.'
        : 'It was moved to the inactive list.',
    );
  }
  const act = has('lru_activate');
  if (act) {
    path ||= act.path;
    if (act.path.startsWith('handle_ept_violation'))
      parts.push(
        'The touch marked it accessed (mark_page_accessed) and it went to the active list.',
      );
    else if (act.path.includes('SWAP_FAIL'))
      parts.push(
        'It was young again by the time try_to_unmap ran, so it went back to the active list.',
      );
    else
      parts.push(
        'Referenced, so shrink_page_list put it back on the active list (activate_locked).',
      );
  }
  const out = has('swap_out');
  if (out) {
    path ||= out.path;
    parts.push(
      'Not referenced, so shrink_page_list gave it a swap slot, unmapped it (try_to_unmap drops its EPT entry too) and wrote it out (pageout): its next touch will be a major fault.',
    );
  }
  if (has('reclaim_clean_keep'))
    parts.push(
      'It already had a swap copy, so 2.6.34 kept it in the swap cache unmapped instead of writing it again (PAGEREF_RECLAIM_CLEAN).',
    );
  if (has('page_free')) parts.push('Its host frame was freed: the page now lives in swap only.');
  const viol = has('ept_violation');
  if (viol) {
    path = viol.path;
    const major = has('major_fault');
    const minor = has('minor_fault');
    let cost = FAULT[viol.arg] ?? `with host fault kind ${viol.arg}`;
    if (major)
      cost = `with a host major fault: read back from swap (${major.arg} page${major.arg === 1 ? '' : 's'} with readahead) — the slowest touch there is`;
    else if (minor?.arg === 1) cost = 'with a host minor fault: it was still in the swap cache';
    else if (minor) cost = 'with a host minor fault (a fresh zero-filled page)';
    parts.push(
      `The guest touched it again: an EPT violation (tdp_page_fault) mapped it back, ${cost}.`,
    );
  } else {
    const major = has('major_fault');
    if (major)
      parts.push(`A host major fault read it back from swap (${major.arg} pages with readahead).`);
  }
  if (has('swap_readahead'))
    parts.push(
      'It was read into the swap cache as a neighbour of another page’s fault (swapin_readahead).',
    );
  const col = has('thp_collapse');
  if (col) {
    path ||= col.path;
    parts.push('khugepaged collapsed its 2M region into a hugepage (collapse_huge_page).');
  }
  if (has('ept_unmap') && !age) parts.push('Aging dropped its EPT entry (kvm_unmap_rmapp).');
  if (!parts.length) return null;
  return {
    time: first.time,
    pass: age?.pass ?? first.pass,
    text: parts.join(' '),
    path: path || first.path,
    bad,
  };
}

/** Explain one run's history of a page (the window ends at `to` simulated seconds). */
export function explainPage(run: PageHistoryRun, to: number): Explained {
  const steps: ChainStep[] = [];
  let bookkeeping = 0;
  const evs = run.events;
  for (let i = 0; i < evs.length;) {
    let j = i;
    while (j < evs.length && evs[j].refIndex === evs[i].refIndex) j++;
    const g = evs.slice(i, j).filter((e) => {
      if (!BOOKKEEPING.has(e.kind)) return true;
      bookkeeping++;
      return false;
    });
    const s = g.length ? moment(run.policy, g) : null;
    if (s) steps.push(s);
    i = j;
  }
  return {
    state: state(run, to),
    policyNote: POLICY_NOTES[run.policy] ?? '',
    steps,
    cold: coldSentence(run),
    bookkeeping,
  };
}

/** The one sentence for a page the host took for cold while the guest was using it, or null. */
export function coldSentence(run: PageHistoryRun): string | null {
  const evs = run.events;
  const isFalseOld = (e: PageEvent) => e.kind === 'false_verdict' && e.arg === 0;
  const hot = run.end.classes.belief === 'hot_swapped';
  // the latest swap-out that a false "old" led to, else the latest false "old"
  let out: PageEvent | undefined;
  let falseOld: PageEvent | undefined;
  for (const e of evs) {
    if (isFalseOld(e)) falseOld = e;
    else if (e.kind === 'swap_out' && falseOld) out = e;
  }
  if (out) falseOld = evs.filter((e) => isFalseOld(e) && e.refIndex <= out.refIndex).pop();
  if (!falseOld && !hot) return null;
  const back = out
    ? evs.find(
        (e) =>
          e.refIndex > out.refIndex &&
          (e.kind === 'major_fault' || (e.kind === 'ept_violation' && e.arg === 2)),
      )
    : undefined;
  let s = 'The host took this page for cold while the guest was using it';
  if (falseOld) {
    const where = falseOld.pass !== null ? `reclaim pass ${falseOld.pass}` : 'reclaim';
    s += `: in ${where} (${t(falseOld.time)}) page_referenced answered “old” although the guest had touched it`;
    if (run.policy === 'always-old')
      s += ', because kvm_age_rmapp answers old for every page under always-old';
    if (out)
      s += `${out.refIndex === falseOld.refIndex ? ', so it was swapped out there and then' : `, and it was swapped out at ${t(out.time)}`}`;
    if (back)
      s += `; the guest’s next touch, at ${t(back.time)}, waited for a major fault to read it back from swap`;
  } else s += ': it is hot (touched within the hot window), yet it is swapped out';
  return `${s}.`;
}
