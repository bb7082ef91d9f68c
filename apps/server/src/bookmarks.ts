import type { Bookmark, BookmarkKind } from '@agelab/protocol';
import { ALL_COUNTERS, type Comparison, type CounterName } from '@agelab/sim-core';
import type { CounterHistory } from './history.ts';

/** The moments worth a mark on the timeline: the first time a counter moves off zero. */
const FIRSTS: readonly { kind: BookmarkKind; counter: CounterName; label: string }[] = [
  { kind: 'limit_hit', counter: 'failcnt', label: 'the cgroup first hits its limit' },
  {
    kind: 'aging_unmap',
    counter: 'sim_ept_unmap_aging',
    label: 'first aging unmap (kvm_unmap_rmapp)',
  },
  {
    kind: 'hot_swapped',
    counter: 'sim_hot_pages_swapped_out',
    label: 'first hot page swapped out',
  },
  { kind: 'thp_split', counter: 'thp_split_page', label: 'first hugepage split' },
];

/**
 * Notable moments of a run, found from its counter history (so identical runs give identical
 * bookmarks): the first sample at which the counter has moved, so a bookmark lies within one
 * sample interval (0.1 simulated s by default) after the moment. Narrowing it to the exact
 * reference by replay was tried and cost the event loop seconds early in a run. Knob changes are
 * bookmarks too, exact.
 */
export class BookmarkFinder {
  private found = new Map<string, Bookmark>();
  private scanned = 0;
  private epoch = -1;

  constructor(private readonly rate: number) {}

  /** Look at history samples not seen yet; true if a bookmark was added or dropped. */
  update(h: CounterHistory, cmp: Comparison): boolean {
    let changed = false;
    if (h.epoch !== this.epoch) {
      // the history was rewritten (a knob change in the past): forget what lay after it
      const last = h.length ? h.refAt(h.length - 1) : 0;
      for (const [key, b] of this.found)
        if (b.refIndex > last) {
          this.found.delete(key);
          changed = true;
        }
      this.scanned = 0;
      this.epoch = h.epoch;
    }
    for (let i = Math.max(1, this.scanned); i < h.length; i++) {
      for (let r = 0; r < cmp.sims.length; r++) {
        const now = h.valuesAt(i, r);
        const before = h.valuesAt(i - 1, r);
        for (const f of FIRSTS) {
          const key = `${f.kind}:${r}`;
          if (this.found.has(key)) continue;
          const c = ALL_COUNTERS.index[f.counter];
          if (now[c] > 0 && before[c] === 0) {
            const refIndex = h.refAt(i);
            this.found.set(key, {
              kind: f.kind,
              run: r,
              refIndex,
              time: refIndex / this.rate,
              label: `${cmp.policies[r]}: ${f.label}`,
            });
            changed = true;
          }
        }
      }
    }
    this.scanned = h.length;
    return changed;
  }

  /** Every bookmark in time order, knob changes included. */
  list(cmp: Comparison): Bookmark[] {
    const knobs: Bookmark[] = cmp.knobLog.map((k) => ({
      kind: 'knob',
      run: null,
      refIndex: k.at,
      time: k.at / this.rate,
      label: `knob ${k.knob} = ${k.value}`,
    }));
    return [...this.found.values(), ...knobs].sort(
      (a, b) => a.refIndex - b.refIndex || a.label.localeCompare(b.label),
    );
  }
}
