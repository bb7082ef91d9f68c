import { create } from 'zustand';
import type { Bookmark, BookmarkKind } from '@agelab/protocol';

/**
 * The run's bookmarks: notable moments the server found from its counters (welcome.bookmarks,
 * then every `bookmarks` message replaces the list). The timeline draws them as marks, and a
 * list under it names them; clicking one seeks there.
 */
export interface BookmarksState {
  list: Bookmark[];
}
export const useBookmarks = create<BookmarksState>(() => ({ list: [] }));

export const setBookmarks = (list: readonly Bookmark[]): void =>
  useBookmarks.setState({ list: [...list] });

/** What each kind of bookmark says, in plain words (with the kernel's names where they help). */
export const BOOKMARK_TEXT: Record<Exclude<BookmarkKind, 'knob'>, string> = {
  limit_hit: 'The cgroup first hits its limit',
  aging_unmap: 'First aging unmap (kvm_unmap_rmapp)',
  hot_swapped: 'First hot page swapped out',
  thp_split: 'First hugepage split',
};
/** One symbol per kind, so marks of different kinds tell apart without colour. */
export const BOOKMARK_GLYPH: Record<Exclude<BookmarkKind, 'knob'>, string> = {
  limit_hit: '▲',
  aging_unmap: '◇',
  hot_swapped: '⚑',
  thp_split: '✂',
};

/** One moment on the timeline: bookmarks of one kind at the same sample, in one or more runs. */
export interface BookmarkMoment {
  id: string;
  kind: Exclude<BookmarkKind, 'knob'>;
  refIndex: number;
  /** Simulated seconds. */
  time: number;
  /** Run indices (in `policies` order). */
  runs: number[];
  /** "First hot page swapped out" */
  what: string;
  /** "always-old" or "always-old and unmap-emulation" */
  where: string;
  /** The accessible name: "First hot page swapped out, always-old, 4.3 s". */
  name: string;
}

/** Seconds as the marks say them: 4.3 s (one decimal under 100 s). */
export const bookmarkSeconds = (t: number): string => `${t.toFixed(Math.abs(t) < 100 ? 1 : 0)} s`;

function joinNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The bookmarks as timeline moments, in time order: knob changes are left out (the timeline
 * draws those from the knob log), and the same kind at the same sample in several runs is one
 * moment naming every run ("…, always-old and unmap-emulation, 3.1 s").
 */
export function bookmarkMoments(
  list: readonly Bookmark[],
  policies: readonly string[],
): BookmarkMoment[] {
  const byKey = new Map<
    string,
    { kind: Exclude<BookmarkKind, 'knob'>; b: Bookmark; runs: number[] }
  >();
  for (const b of list) {
    if (b.kind === 'knob') continue;
    const key = `${b.kind}@${b.refIndex}`;
    const g = byKey.get(key) ?? { kind: b.kind, b, runs: [] };
    if (b.run !== null && !g.runs.includes(b.run)) g.runs.push(b.run);
    byKey.set(key, g);
  }
  return [...byKey.entries()]
    .map(([id, { kind, b, runs }]): BookmarkMoment => {
      runs.sort((x, y) => x - y);
      const what = BOOKMARK_TEXT[kind];
      const where =
        runs.length === 0 || (runs.length === policies.length && policies.length > 2)
          ? 'every run'
          : joinNames(runs.map((r) => policies[r] ?? `run ${r}`));
      return {
        id,
        kind,
        refIndex: b.refIndex,
        time: b.time,
        runs,
        what,
        where,
        name: `${what}, ${where}, ${bookmarkSeconds(b.time)}`,
      };
    })
    .sort((a, b) => a.refIndex - b.refIndex || a.name.localeCompare(b.name));
}
