/** struct page flags we model, one byte per gfn (include/linux/page-flags.h names). */
export const PG_PRESENT = 1; // a host page backs this gfn (mapped, or only in the swap cache)
export const PG_LRU = 2;
export const PG_ACTIVE = 4;
export const PG_REFERENCED = 8;
export const PG_SWAPCACHE = 16;
export const PG_DIRTY = 32;
export const PG_HEAD = 64; // head of a transparent hugepage: stands for all 512 on the LRU
export const PG_TAIL = 128;

/** The QEMU process's pte for the gfn's hva, one byte per gfn. */
export const PTE_PRESENT = 1;
export const PTE_SWAP = 2; // a swap entry
export const PTE_YOUNG = 4; // _PAGE_ACCESSED
export const PTE_PMD = 8; // mapped by a huge pmd (THP); young is kept on the head's byte

/** The pmd covering each 2M frame. */
export const PMD_NONE = 0;
export const PMD_HUGE = 1;
export const PMD_TABLE = 2;

/** HostMm.thpHistory bits: the frame's THP was split (and not re-formed since); it was collapsed by khugepaged. */
export const THP_SPLIT_ONCE = 1;
export const THP_COLLAPSED = 2;

export const HPAGE_PMD_NR = 512;
export const HPAGE_SHIFT = 9;

/**
 * Ground truth: the last page_referenced verdict on each 4K page (HostMm.verdict), for the
 * "belief vs truth" lens. A THP verdict is recorded on each of its 512 pages.
 */
export const VERDICT_NONE = 0;
export const VERDICT_AGREED_OLD = 1;
export const VERDICT_AGREED_YOUNG = 2;
export const VERDICT_FALSE_OLD = 3;
export const VERDICT_FALSE_YOUNG = 4;
