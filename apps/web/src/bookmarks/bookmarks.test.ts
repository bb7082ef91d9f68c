import { describe, expect, it } from 'vitest';
import type { Bookmark } from '@agelab/protocol';
import { bookmarkMoments, setBookmarks, useBookmarks } from './bookmarks.ts';
import { markLanes } from './lanes.ts';

const POLICIES = ['always-old', 'unmap-emulation'];
const b = (kind: Bookmark['kind'], run: number | null, refIndex: number): Bookmark => ({
  kind,
  run,
  refIndex,
  time: refIndex / 1000,
  label: 'server label',
});

describe('bookmark moments', () => {
  it('names each moment by what happened, where and when, in time order, without knob changes', () => {
    const m = bookmarkMoments(
      [b('hot_swapped', 0, 4300), b('knob', null, 2000), b('aging_unmap', 1, 1200)],
      POLICIES,
    );
    expect(m.map((x) => x.name)).toEqual([
      'First aging unmap (kvm_unmap_rmapp), unmap-emulation, 1.2 s',
      'First hot page swapped out, always-old, 4.3 s',
    ]);
    expect(m[1]).toMatchObject({ kind: 'hot_swapped', time: 4.3, refIndex: 4300, runs: [0] });
  });

  it('makes one moment of the same kind at the same sample in several runs', () => {
    const m = bookmarkMoments([b('limit_hit', 1, 3100), b('limit_hit', 0, 3100)], POLICIES);
    expect(m).toHaveLength(1);
    expect(m[0].runs).toEqual([0, 1]);
    expect(m[0].name).toBe(
      'The cgroup first hits its limit, always-old and unmap-emulation, 3.1 s',
    );
    // at different samples they stay apart
    expect(
      bookmarkMoments([b('limit_hit', 1, 3200), b('limit_hit', 0, 3100)], POLICIES),
    ).toHaveLength(2);
  });

  it('says "every run" for one that happened in all of three', () => {
    const three = [...POLICIES, 'ept-ad-bits'];
    const m = bookmarkMoments(
      [0, 1, 2].map((r) => b('limit_hit', r, 500)),
      three,
    );
    expect(m[0].where).toBe('every run');
  });

  it('are kept in a store that the socket replaces wholesale', () => {
    setBookmarks([b('thp_split', 0, 10)]);
    setBookmarks([b('thp_split', 0, 10), b('hot_swapped', 0, 20)]);
    expect(useBookmarks.getState().list.map((x) => x.kind)).toEqual(['thp_split', 'hot_swapped']);
  });
});

describe('mark lanes', () => {
  it('puts marks that would overlap into further rows, and marks with room back in the first', () => {
    expect(markLanes([0, 10, 15, 100], 22)).toEqual([0, 1, 2, 0]);
    expect(markLanes([100, 0, 50], 22)).toEqual([0, 0, 0]);
  });
  it('uses at most maxLanes rows', () => {
    const lanes = markLanes([0, 1, 2, 3, 4], 22, 2);
    expect(Math.max(...lanes)).toBe(1);
  });
});
