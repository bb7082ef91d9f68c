/**
 * One event record in plain words, for the event log: what happened to the guest frame, in a
 * sentence a student can read, and the kernel call path that raised it (from the welcome's
 * `kernelPaths`). Kinds are sim-core's EV names (`welcome.eventNames`); `arg` is documented per
 * kind in packages/ept-model/src/events.ts.
 */

/** VERDICT_* of sim-core's host/page-flags.ts: a page's last page_referenced verdict. */
export const VERDICT_WORDS: readonly string[] = [
  'no verdict yet',
  'old, and the guest had not touched it (agreed)',
  'young, and the guest had touched it (agreed)',
  'old although the guest had touched it (false old)',
  'young although the guest had not touched it (false young)',
];

const FAULT_WORDS = ['resolved at once (gup-fast)', 'a host minor fault', 'a host major fault'];

/** Plain words for an event of kind `kind` (its EV name) with argument `arg`. */
export function eventWords(kind: string, arg: number): string {
  switch (kind) {
    case 'ref':
      return arg ? 'guest touched it through a 2M mapping' : 'guest touched it';
    case 'ept_violation':
      return `guest touched an unmapped page: EPT violation, ${FAULT_WORDS[arg] ?? `fault kind ${arg}`}`;
    case 'ept_unmap':
      return `aging dropped its ${arg === 2 ? '2M' : '4K'} EPT entry and answered young (unmap emulation)`;
    case 'major_fault':
      return `major fault: read back from swap (${arg} page${arg === 1 ? '' : 's'} with readahead)`;
    case 'minor_fault':
      return arg === 1
        ? 'minor fault: found in the swap cache'
        : 'minor fault: a fresh zero-filled page';
    case 'swap_out':
      return 'written to swap';
    case 'swap_in':
      return 'back from swap: its swap slot freed';
    case 'lru_activate':
      return 'moved to the active list';
    case 'lru_deactivate':
      return 'moved to the inactive list';
    case 'thp_split':
      return 'its 2M hugepage was split into 4K pages';
    case 'thp_collapse':
      return 'collapsed into a 2M hugepage by khugepaged';
    case 'tlb_flush':
      return arg === 0 ? 'remote TLB flush after aging' : 'remote TLB flush after an invalidation';
    case 'rmap_add':
      return `EPT entry added (${arg === 2 ? '2M' : '4K'}), rmap updated`;
    case 'rmap_remove':
      return `EPT entry removed (${arg === 2 ? '2M' : '4K'}), rmap updated`;
    case 'rmap_desc_alloc':
      return 'rmap descriptor allocated (several sptes for one gfn)';
    case 'rmap_desc_free':
      return 'rmap descriptor freed';
    case 'age':
      return arg
        ? 'page_referenced asked KVM: kvm_age_rmapp answered young'
        : 'page_referenced asked KVM: kvm_age_rmapp answered old';
    case 'reclaim':
      return arg ? 'memcg reclaim pass starts' : 'memcg reclaim pass ends';
    case 'false_verdict':
      return arg === 0
        ? 'host judged it old, but the guest had touched it (false old)'
        : 'host judged it young, but the guest had not touched it (false young)';
    case 'page_free':
      return 'host frame freed: the page now lives in swap only';
    case 'swap_readahead':
      return 'read into the swap cache as a neighbour (readahead)';
    case 'verdict':
      return `the host’s verdict is now: ${VERDICT_WORDS[arg] ?? `verdict ${arg}`}`;
    case 'reclaim_clean_keep':
      return 'kept in the swap cache, unmapped and dirty (PAGEREF_RECLAIM_CLEAN)';
    default:
      return `${kind} (arg ${arg})`;
  }
}

/** A short label for a kind in the filter (`lru_deactivate` → `lru deactivate`). */
export const kindLabel = (kind: string): string => kind.replace(/_/g, ' ');

/** The kinds the dashboard subscribes to: every kind but the guest's own references (too many). */
export const subscribedKinds = (eventNames: readonly string[]): string[] =>
  eventNames.filter((k) => k !== 'ref');

/**
 * A kernel path cut to at most `max` characters from its end, where its answer is
 * (`… → kvm_age_rmapp → kvm_unmap_rmapp: young`); a short path is returned whole.
 */
export function tailPath(path: string, max: number): string {
  if (path.length <= max) return path;
  const parts = path.split(' → ');
  let out = parts[parts.length - 1];
  for (let i = parts.length - 2; i >= 0; i--) {
    const next = `${parts[i]} → ${out}`;
    if (next.length + 4 > max) break;
    out = next;
  }
  return `… → ${out}`;
}
