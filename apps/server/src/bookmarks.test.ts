import { ALL_COUNTERS, Comparison, getPreset } from '@agelab/sim-core';
import { describe, expect, it } from 'vitest';
import { BookmarkFinder } from './bookmarks.ts';
import { CounterHistory } from './history.ts';

/** A comparison moved in history-sample steps, as the player does, with its history. */
function played(preset: string, policies: string[], seconds: number) {
  const cmp = new Comparison(getPreset(preset), policies, 1);
  const every = cmp.rate / 10;
  const h = new CounterHistory(policies.length, ALL_COUNTERS.names.length, every, 4000);
  const record = () => {
    for (const s of cmp.sims) s.host.syncGauges();
    h.record(
      cmp.refIndex,
      cmp.sims.map((s) => s.counters),
    );
  };
  record();
  while (cmp.time < seconds) {
    cmp.step(every);
    record();
  }
  return { cmp, h };
}

describe('bookmarks', () => {
  it('mark the first hot page swapped out (always-old only) and the first aging unmap (unmap-emulation only), within one sample of it', () => {
    const { cmp, h } = played('classic', ['always-old', 'unmap-emulation'], 20);
    const finder = new BookmarkFinder(cmp.rate);
    expect(finder.update(h, cmp)).toBe(true);
    const marks = finder.list(cmp);
    const kinds = marks.map((m) => `${m.kind}:${m.run}`);
    expect(kinds).toContain('hot_swapped:0');
    expect(kinds).not.toContain('hot_swapped:1');
    expect(kinds).toContain('aging_unmap:1');
    expect(kinds).not.toContain('aging_unmap:0');
    expect(kinds).toContain('limit_hit:0');
    // within one sample: one sample interval before it the counter is still 0; at it, it has moved
    const hot = marks.find((m) => m.kind === 'hot_swapped')!;
    const c = ALL_COUNTERS.index.sim_hot_pages_swapped_out;
    const before = new Comparison(getPreset('classic'), ['always-old'], 1);
    before.step(hot.refIndex - cmp.rate / 10);
    expect(before.sims[0].counters[c]).toBe(0);
    before.step(cmp.rate / 10);
    expect(before.sims[0].counters[c]).toBeGreaterThan(0);
    expect(hot.time).toBeCloseTo(hot.refIndex / cmp.rate, 9);
    expect(hot.label).toMatch(/always-old: first hot page swapped out/);
    // in time order, and nothing new without new samples
    for (let i = 1; i < marks.length; i++)
      expect(marks[i].refIndex).toBeGreaterThanOrEqual(marks[i - 1].refIndex);
    expect(finder.update(h, cmp)).toBe(false);
  });

  it('mark hugepage splits on classic-thp and knob changes, and forget marks of a rewritten future', () => {
    const { cmp, h } = played('classic-thp', ['always-old'], 15);
    const finder = new BookmarkFinder(cmp.rate);
    finder.update(h, cmp);
    const split = finder.list(cmp).find((m) => m.kind === 'thp_split');
    expect(split).toBeDefined();
    // a knob change before the split rewrites the history from there
    cmp.seek(Math.floor(split!.refIndex / 2));
    cmp.setKnob('limitMiB', 200);
    h.truncateAfter(cmp.refIndex);
    finder.update(h, cmp);
    const after = finder.list(cmp);
    expect(after.some((m) => m.kind === 'thp_split')).toBe(false);
    expect(after.filter((m) => m.kind === 'knob').map((m) => m.label)).toEqual([
      'knob limitMiB = 200',
    ]);
  });
});
