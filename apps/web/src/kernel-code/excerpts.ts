/**
 * Short excerpts of the kernel functions the aging story runs through, written for AgeLab in the
 * kernel's own names (condensed: locking, BUG_ONs and unrelated branches left out), each with the
 * file, function and version it stands for. Lines that a run can take carry an id, so the kernel
 * code panel can highlight the branch each run just took.
 */

export interface CodeLine {
  text: string;
  /** A branch a run can be seen taking (AGE / EPT_UNMAP / SWAP_OUT / LRU_ACTIVATE events). */
  id?: string;
  /** A comment line (dimmed). */
  comment?: boolean;
}

export interface Excerpt {
  id: string;
  func: string;
  file: string;
  version: string;
  /** One line on what this excerpt shows. */
  note: string;
  lines: CodeLine[];
}

const c = (text: string): CodeLine => ({ text, comment: true });
const l = (text: string, id?: string): CodeLine => (id ? { text, id } : { text });

export const AGE_2633: Excerpt = {
  id: 'age-2.6.33',
  func: 'kvm_age_rmapp',
  file: 'arch/x86/kvm/mmu.c',
  version: 'v2.6.33 (before the patch)',
  note: 'Asked by page_referenced (through the MMU notifier) whether the guest used the page.',
  lines: [
    l('static int kvm_age_rmapp(struct kvm *kvm, unsigned long *rmapp)'),
    l('{'),
    l('    u64 *spte;'),
    l('    int young = 0;'),
    c('    /* Intel EPT has no accessed bit: nothing to test, so "old" */'),
    l('    if (!shadow_accessed_mask)'),
    l('        return 0;', 'ret0'),
    c('    /* shadow paging, AMD NPT: test and clear each spte’s bit */'),
    l('    for (spte = rmap_next(kvm, rmapp, NULL); spte;'),
    l('         spte = rmap_next(kvm, rmapp, spte))'),
    l('        if (*spte & PT_ACCESSED_MASK) {'),
    l('            young = 1;'),
    l('            clear_bit(PT_ACCESSED_SHIFT, (unsigned long *)spte);'),
    l('        }'),
    l('    return young;'),
    l('}'),
  ],
};

export const AGE_2634: Excerpt = {
  id: 'age-2.6.34',
  func: 'kvm_age_rmapp',
  file: 'arch/x86/kvm/mmu.c',
  version: 'v2.6.34 (“emulate accessed bit for EPT”)',
  note: 'The patch: no accessed bit, so aging drops the mapping and calls the page young.',
  lines: [
    l('static int kvm_age_rmapp(struct kvm *kvm,'),
    l('        unsigned long *rmapp, unsigned long data)'),
    l('{'),
    l('    u64 *spte;'),
    l('    int young = 0;'),
    c('    /* EPT: unmap instead; young iff a mapping existed, and the'),
    c('     * guest’s next touch takes an EPT violation to map it again */'),
    l('    if (!shadow_accessed_mask)'),
    l('        return kvm_unmap_rmapp(kvm, rmapp, data);', 'unmap'),
    c('    /* with an accessed bit (EPT A/D bits, NPT): test and clear it */'),
    l('    for (spte = rmap_next(kvm, rmapp, NULL); spte;'),
    l('         spte = rmap_next(kvm, rmapp, spte))'),
    l('        if (*spte & PT_ACCESSED_MASK) {', 'abit'),
    l('            young = 1;'),
    l('            clear_bit(PT_ACCESSED_SHIFT, (unsigned long *)spte);'),
    l('        }'),
    l('    return young;'),
    l('}'),
  ],
};

export const PAGE_REFERENCED_ONE: Excerpt = {
  id: 'pro',
  func: 'page_referenced_one',
  file: 'mm/rmap.c',
  version: 'v2.6.33',
  note: 'The host’s question for one mapping of the page: its pte young bit, OR KVM’s answer.',
  lines: [
    l('static int page_referenced_one(struct page *page,'),
    l('        struct vm_area_struct *vma, unsigned long address,'),
    l('        unsigned int *mapcount, unsigned long *vm_flags)'),
    l('{'),
    l('    int referenced = 0;'),
    l('    pte = page_check_address(page, vma->vm_mm, address, &ptl, 0);'),
    l('    if (!pte)'),
    l('        goto out;'),
    c('    /* clears the host pte’s young bit, then asks every secondary'),
    c('     * MMU: kvm_mmu_notifier_clear_flush_young → kvm_age_rmapp */'),
    l('    if (ptep_clear_flush_young_notify(vma, address, pte))', 'test'),
    l('        referenced++;', 'referenced'),
    l('    (*mapcount)--;'),
    l('    pte_unmap_unlock(pte, ptl);'),
    l('out:'),
    l('    return referenced;'),
    l('}'),
  ],
};

export const SHRINK_PAGE_LIST: Excerpt = {
  id: 'spl',
  func: 'shrink_page_list',
  file: 'mm/vmscan.c',
  version: 'v2.6.34 (the decision, per inactive page)',
  note: 'What reclaim does with an inactive page once page_referenced has answered.',
  lines: [
    c('    /* page_referenced() and PG_referenced, judged together */'),
    l('    references = page_check_references(page, sc);'),
    l('    switch (references) {'),
    l('    case PAGEREF_ACTIVATE:'),
    l('        goto activate_locked;', 'activate'),
    l('    case PAGEREF_KEEP:'),
    l('        goto keep_locked;'),
    l('    case PAGEREF_RECLAIM:'),
    l('    case PAGEREF_RECLAIM_CLEAN:'),
    l('        ; /* reclaim it */'),
    l('    }'),
    l('    if (PageAnon(page) && !PageSwapCache(page))'),
    l('        if (!add_to_swap(page))'),
    l('            goto activate_locked;'),
    c('    /* zaps the pte; KVM’s invalidate_page drops the sptes */'),
    l('    if (page_mapped(page) && mapping)'),
    l('        switch (try_to_unmap(page, TTU_UNMAP)) {'),
    l('        case SWAP_FAIL:'),
    l('            goto activate_locked;'),
    l('        }'),
    l('    if (PageDirty(page)) {'),
    l('        if (references == PAGEREF_RECLAIM_CLEAN)'),
    l('            goto keep_locked;', 'keep-clean'),
    l('        switch (pageout(page, mapping, sync_writeback)) {', 'pageout'),
  ],
};

export const EXCERPTS: readonly Excerpt[] = [
  AGE_2633,
  AGE_2634,
  PAGE_REFERENCED_ONE,
  SHRINK_PAGE_LIST,
];
