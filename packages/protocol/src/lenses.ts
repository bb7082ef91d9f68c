/**
 * The classes a page map cell is counted in, one set per lens (docs/protocol.md, and the design
 * note's lens table). Every guest page is in exactly one class of every lens, so a cell's counts
 * for one lens add up to the pages it covers. The server computes the classes (sim-core's
 * page-classes.ts packs them in one word per page, in this order); the dashboard colours them.
 */
export const LENSES = {
  residency: {
    title: 'Residency',
    question: 'Where is each guest page now?',
    classes: ['untouched', 'ept_mapped', 'unmapped', 'swapcache', 'swapped'],
    labels: [
      'never touched',
      'resident, EPT-mapped',
      'resident, EPT-unmapped',
      'in the swap cache',
      'swapped out',
    ],
  },
  lru: {
    title: 'LRU list',
    question: 'What will reclaim look at next?',
    classes: ['active', 'inactive', 'none'],
    labels: ['active anon list', 'inactive anon list', 'not on an LRU (swapped or untouched)'],
  },
  belief: {
    title: 'Belief vs truth',
    question: 'Where is the host wrong?',
    classes: ['no_verdict', 'agreed', 'false_old', 'false_young', 'hot_swapped'],
    labels: [
      'not judged yet',
      'host and guest agree',
      'false old: judged old, the guest had touched it',
      'false young: judged young, the guest had not touched it',
      'hot but swapped out',
    ],
  },
  heat: {
    title: 'Heat',
    question: 'What is the true working set?',
    classes: ['lt_100ms', 'lt_1s', 'lt_10s', 'older', 'never'],
    labels: [
      'touched < 0.1 s ago',
      'touched < 1 s ago',
      'touched < 10 s ago',
      'touched ≥ 10 s ago',
      'never touched',
    ],
  },
  huge: {
    title: 'Hugepages',
    question: 'What happened to hugepages?',
    classes: ['none', 'thp_2m', 'thp_4k', 'split', 'collapsed'],
    labels: [
      'not in a THP',
      'intact THP, mapped by a 2M spte',
      'intact THP, not mapped at 2M',
      'in a split THP',
      'in a THP collapsed by khugepaged',
    ],
  },
} as const;

export type LensName = keyof typeof LENSES;
/** Lens ids on the wire (a CELLS frame's `lens` byte is the index in this list). */
export const LENS_NAMES: readonly LensName[] = ['residency', 'lru', 'belief', 'heat', 'huge'];
/** The most classes any lens has (a per-page class fits in 3 bits). */
export const MAX_CLASSES = 5;

export const lensId = (name: LensName): number => LENS_NAMES.indexOf(name);
export const classCount = (lens: number): number => LENSES[LENS_NAMES[lens]]?.classes.length ?? 0;
/** Index of `cls` in `lens`'s classes, or −1. */
export const classIndex = (lens: LensName, cls: string): number =>
  (LENSES[lens].classes as readonly string[]).indexOf(cls);

/**
 * What the server refreshes on a coarser clock than every frame: classes that change with the
 * passing of time alone (heat ages; "hot" in belief vs truth) are recomputed for every page at
 * least once per `TIME_CLASS_REFRESH_MS` of wall time, the rest on every frame for the pages
 * that changed. Said in the legend (see LEGEND_NOTES).
 */
export const TIME_CLASS_REFRESH_MS = 1000;

/** Sentences a legend states about cells (sent in the welcome too, so a legend quotes the server). */
export const LEGEND_NOTES = {
  exact: 'One page per cell: each cell shows that page exactly.',
  aggregated:
    'A cell covering many pages holds how many of its pages are in each class. It is coloured by its most frequent class, except that an alarm class (false old, hot but swapped out, split) is shown whenever any page of the cell is in it.',
  quantised:
    'Cells of more than 255 pages send shares of 255 per class; a class with any page in the cell never rounds to 0.',
  timeClasses:
    'Heat, and "hot" in belief vs truth, are recomputed for every page at least once a second; the other classes are current at every frame.',
} as const;

/** Alarm classes a cell shows when any of its pages is in them (the design note's rule). */
export const ALARM_CLASSES: Readonly<Partial<Record<LensName, readonly string[]>>> = {
  belief: ['hot_swapped', 'false_old'],
  huge: ['split'],
};

/** Classes of the coarse address × time history (MAP_HISTORY frames), in their order. */
export const HISTORY_CLASSES = ['swapped', 'hot_swapped', 'unmapped', 'split'] as const;
export type HistoryClass = (typeof HISTORY_CLASSES)[number];
export const HISTORY_LABELS: Readonly<Record<HistoryClass, string>> = {
  swapped: 'swapped out',
  hot_swapped: 'hot but swapped out',
  unmapped: 'resident, EPT-unmapped',
  split: 'in a split THP',
};
