import { useMemo } from 'react';
import type { TimelineMark } from '../charts/index.ts';
import { runColours } from '../palette.ts';
import {
  BOOKMARK_GLYPH,
  bookmarkMoments,
  bookmarkSeconds,
  useBookmarks,
  type BookmarkMoment,
} from './bookmarks.ts';
import './bookmarks.css';

/** The run's bookmarks as moments (subscribes to the bookmarks store). */
export function useBookmarkMoments(policies: readonly string[] | undefined): BookmarkMoment[] {
  const list = useBookmarks((s) => s.list);
  return useMemo(() => bookmarkMoments(list, policies ?? []), [list, policies]);
}

/** Timeline marks for the moments: a glyph per kind, the full name as the accessible name. */
export function bookmarkMarks(moments: readonly BookmarkMoment[]): TimelineMark[] {
  return moments.map((m) => ({
    time: m.time,
    label: `${m.what} (${m.where})`,
    kind: 'bookmark',
    id: `bookmark:${m.id}`,
    name: m.name,
    glyph: BOOKMARK_GLYPH[m.kind],
  }));
}

/**
 * The bookmarks in words under the timeline: what happened, in which run, when; each a button
 * that seeks there (the driver only: a viewer sees where the moments are).
 */
export function BookmarkList({
  moments,
  policies,
  canSeek,
  onSeek,
}: {
  moments: readonly BookmarkMoment[];
  policies: readonly string[];
  canSeek: boolean;
  onSeek: (m: BookmarkMoment) => void;
}) {
  const colours = useMemo(() => runColours(policies), [policies]);
  if (!moments.length)
    return (
      <p className="field-note bookmarks-empty">
        Bookmarks appear here as the run reaches notable moments (the cgroup first hits its limit,
        the first hot page swapped out, …).
      </p>
    );
  return (
    <div className="bookmarks">
      <p className="field-note">
        Notable moments the server found in this run
        {canSeek ? '; click one to go there.' : ' (the driver can go to them).'}
      </p>
      {/* Space presses a focused bookmark; it must not also reach the page's play/pause key */}
      <ul aria-label="Bookmarks" onKeyDown={(e) => e.key === ' ' && e.stopPropagation()}>
        {moments.map((m) => (
          <li key={m.id}>
            <button
              type="button"
              className="bookmark"
              aria-label={m.name}
              data-time={m.time}
              data-kind={m.kind}
              disabled={!canSeek}
              onClick={() => onSeek(m)}
            >
              <span className="bookmark-glyph" aria-hidden="true">
                {BOOKMARK_GLYPH[m.kind]}
              </span>
              <span className="bookmark-time">{bookmarkSeconds(m.time)}</span>
              <span className="bookmark-what">{m.what}</span>
              <span className="bookmark-where">
                {m.runs.map((r) => (
                  <span key={r} className="run-dot" style={{ background: colours[r] }} />
                ))}
                {m.where}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
