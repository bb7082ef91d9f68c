import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Bookmark } from '@agelab/protocol';
import { Timeline } from '../charts/Timeline';
import { BookmarkList, bookmarkMarks } from './BookmarkList.tsx';
import { bookmarkMoments } from './bookmarks.ts';

const POLICIES = ['always-old', 'unmap-emulation'];
const list: Bookmark[] = [
  { kind: 'limit_hit', run: 0, refIndex: 3100, time: 3.1, label: '' },
  { kind: 'limit_hit', run: 1, refIndex: 3100, time: 3.1, label: '' },
  { kind: 'hot_swapped', run: 0, refIndex: 4300, time: 4.3, label: '' },
  { kind: 'knob', run: null, refIndex: 5000, time: 5, label: 'knob limitMiB = 96' },
];
const moments = bookmarkMoments(list, POLICIES);

describe('bookmarks on the timeline', () => {
  const html = renderToString(
    <Timeline
      max={60}
      value={10}
      onScrub={() => {}}
      marks={[{ time: 5, label: 'limitMiB = 96', kind: 'knob' }, ...bookmarkMarks(moments)]}
    />,
  );
  it('are buttons named by what happened, where and when, apart from knob changes', () => {
    expect(html).toContain('aria-label="First hot page swapped out, always-old, 4.3 s"');
    expect(html).toContain(
      'aria-label="The cgroup first hits its limit, always-old and unmap-emulation, 3.1 s"',
    );
    expect(html).toContain('aria-label="Knob change: limitMiB = 96 at 5.0 s"');
    expect(html.match(/agl-mark-bookmark/g)).toHaveLength(2);
    expect(html.match(/agl-mark-knob/g)).toHaveLength(1);
  });
});

describe('the bookmark list', () => {
  it('names each moment and lets the driver seek', () => {
    const html = renderToString(
      <BookmarkList moments={moments} policies={POLICIES} canSeek onSeek={() => {}} />,
    );
    expect(html).toContain('aria-label="Bookmarks"');
    expect(html.match(/<button/g)).toHaveLength(2);
    expect(html).not.toContain('disabled');
    expect(html).toContain('click one to go there');
  });
  it('shows a viewer the moments without seeking', () => {
    const html = renderToString(
      <BookmarkList moments={moments} policies={POLICIES} canSeek={false} onSeek={() => {}} />,
    );
    expect(html.match(/disabled=""/g)).toHaveLength(2);
    expect(html).toContain('the driver can go to them');
  });
  it('says what will appear before any moment is found', () => {
    const html = renderToString(
      <BookmarkList moments={[]} policies={POLICIES} canSeek onSeek={() => {}} />,
    );
    expect(html).toMatch(/Bookmarks appear here/);
  });
});
