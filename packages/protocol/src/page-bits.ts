/**
 * The view byte of a guest page in KEYFRAME and DELTA frames (the same bits as sim-core's
 * page-view.ts, repeated here so the web app need not import the simulation; a server test
 * checks that they agree).
 */
export const PAGE = {
  /** bits 0-1: residency */
  UNTOUCHED: 0,
  RESIDENT: 1,
  SWAPCACHE: 2,
  SWAPPED: 3,
  RESIDENCY_MASK: 3,
  /** on the active anon list */
  ACTIVE: 4,
  /** reachable by the guest without an exit (a present spte, 4K or 2M) */
  EPT_MAPPED: 8,
  /** mapped by a 2M spte */
  EPT_2M: 16,
  /** ground truth: touched within the hot window */
  HOT: 32,
  /** the host would call it referenced now */
  HOST_YOUNG: 64,
  /** backed by a transparent hugepage */
  THP: 128,
} as const;
