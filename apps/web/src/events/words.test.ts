import { describe, expect, it } from 'vitest';
import { EVENT_NAMES } from '@agelab/ept-model';
import { KERNEL_PATHS, kernelPathId } from '../../../../packages/sim-core/src/kernel-paths.ts';
import { SITE } from '@agelab/ept-model';
import { eventWords, kindLabel, subscribedKinds, tailPath } from './words.ts';

describe('event words', () => {
  it('has plain words for every event kind the simulator raises', () => {
    for (const k of EVENT_NAMES) {
      const w = eventWords(k, 0);
      expect(w, k).not.toMatch(/\(arg/);
      expect(w.length, k).toBeGreaterThan(8);
    }
  });

  it('lets the argument pick the branch', () => {
    expect(eventWords('age', 0)).toBe('page_referenced asked KVM: kvm_age_rmapp answered old');
    expect(eventWords('age', 1)).toMatch(/answered young$/);
    expect(eventWords('ept_violation', 2)).toMatch(/host major fault$/);
    expect(eventWords('ept_unmap', 2)).toMatch(/its 2M EPT entry/);
    expect(eventWords('false_verdict', 0)).toMatch(/false old/);
    expect(eventWords('verdict', 3)).toMatch(/false old/);
    expect(eventWords('major_fault', 1)).toMatch(/\(1 page with readahead\)/);
  });

  it('names an unknown kind rather than hiding it', () => {
    expect(eventWords('new_kind', 7)).toBe('new_kind (arg 7)');
  });

  it('goes with the kernel path the event came from', () => {
    const EV_EPT_UNMAP = EVENT_NAMES.indexOf('ept_unmap');
    expect(KERNEL_PATHS[kernelPathId(EV_EPT_UNMAP, 1, SITE.SHRINK_PAGE_LIST)]).toBe(
      'shrink_page_list → page_referenced → page_referenced_one → ptep_clear_flush_young_notify → kvm_age_rmapp → kvm_unmap_rmapp: young',
    );
  });

  it('subscribes to every kind but the guest’s own references, and labels kinds', () => {
    expect(subscribedKinds(['ref', 'age', 'swap_out'])).toEqual(['age', 'swap_out']);
    expect(kindLabel('lru_deactivate')).toBe('lru deactivate');
  });

  it('cuts a long kernel path from its start, keeping the answer at its end', () => {
    const p =
      'shrink_page_list → page_referenced → page_referenced_one → ptep_clear_flush_young_notify → kvm_age_rmapp: old';
    expect(tailPath(p, 200)).toBe(p);
    expect(tailPath(p, 60)).toBe('… → ptep_clear_flush_young_notify → kvm_age_rmapp: old');
    expect(tailPath(p, 10)).toBe('… → kvm_age_rmapp: old');
  });
});
