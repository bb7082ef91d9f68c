import { describe, expect, it } from 'vitest';
import { formatUrlState, parseUrlState } from './url-state.ts';

describe('the URL state', () => {
  it('round-trips descriptor, run, time, lens and zoom', () => {
    const s = {
      run: 'abc123',
      descriptor: 'v2.classic.aoue.1.k-120000-limitMiB-96',
      time: 12.4,
      lens: 'belief' as const,
      zoom: [1024, 4096] as [number, number],
    };
    expect(parseUrlState(formatUrlState(s))).toEqual(s);
  });

  it('leaves out the default lens and nothing at all for an empty state', () => {
    expect(formatUrlState({ lens: 'residency' })).toBe('');
    expect(parseUrlState('')).toEqual({});
  });

  it('ignores what it cannot read rather than guessing', () => {
    expect(parseUrlState('?t=-3&lens=nonsense&z=9-2&run=../x')).toEqual({});
  });

  it('rounds time to the millisecond', () => {
    expect(formatUrlState({ time: 1 / 3 })).toBe('?t=0.333');
  });
});
