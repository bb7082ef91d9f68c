/** The headline figures of a column: kernel name, plain words, and how to print it. */
export interface Figure {
  /** Counter (or derived) name in COUNTERS frames. */
  name: string;
  /** Second counter shown after a slash (rmap adds / removes). */
  with?: string;
  plain: string;
  ratio?: boolean;
}

export const FIGURES: readonly Figure[] = [
  { name: 'slowdown', plain: 'guest slowdown', ratio: true },
  { name: 'pgmajfault', plain: 'major faults' },
  { name: 'pswpout', plain: 'swap-outs' },
  { name: 'pf_fixed', plain: 'EPT violations (minor faults)' },
  { name: 'sim_rmap_add', with: 'sim_rmap_remove', plain: 'rmap adds / removes' },
  { name: 'thp_split_page', plain: 'hugepage splits' },
  { name: 'sim_false_old', plain: 'false-old verdicts' },
  { name: 'sim_hot_pages_swapped_out', plain: 'hot pages swapped out' },
];
