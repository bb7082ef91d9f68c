import { describe, expect, it } from 'vitest';
import { fmtCount, fmtDelta, fmtInt, fmtMiB, fmtRate, fmtSpeed } from './format.ts';

describe('formatting', () => {
  it('prints differences to the first column as signed percentages', () => {
    expect(fmtDelta(25_179, 41_044)).toBe('−39 %');
    expect(fmtDelta(2.7, 3.8)).toBe('−29 %');
    expect(fmtDelta(244_497, 108_629)).toBe('+125 %');
    expect(fmtDelta(5, 5)).toBe('same');
    expect(fmtDelta(3, 0)).toBe('new');
    expect(fmtDelta(1.03, 1)).toBe('+3 %');
  });

  it('groups integers, shortens rates and speeds', () => {
    expect(fmtInt(1234567.4)).toBe('1,234,567');
    expect(fmtRate(24_450)).toBe('24k');
    expect(fmtRate(1_460)).toBe('1.5k');
    expect(fmtRate(3.25)).toBe('3.3');
    expect(fmtSpeed(38.2)).toBe('38×');
    expect(fmtSpeed(1)).toBe('1×');
    expect(fmtSpeed(0.5)).toBe('0.5×');
  });

  it('prints pages in MiB', () => {
    expect(fmtMiB(65536)).toBe('256 MiB');
    expect(fmtMiB(384)).toBe('1.5 MiB');
  });
});

describe('fmtCount', () => {
  it('is exact below 100,000 and three significant digits above, with k, M and G', () => {
    expect(fmtCount(99_999)).toBe('99,999');
    expect(fmtCount(656_933)).toBe('657k');
    expect(fmtCount(1_181_188)).toBe('1.18M');
    expect(fmtCount(1_000_000)).toBe('1M');
    expect(fmtCount(12_500_000)).toBe('12.5M');
    expect(fmtCount(100_192)).toBe('100k');
    expect(fmtCount(20_000_000)).toBe('20M');
    expect(fmtCount(1_500_000)).toBe('1.5M');
    expect(fmtCount(3.2e9)).toBe('3.2G');
    expect(fmtCount(NaN)).toBe('–');
  });
  it('short: three significant digits from 1,000 (the other count of a pair is large)', () => {
    expect(fmtCount(92_887, true)).toBe('92.9k');
    expect(fmtCount(999, true)).toBe('999');
  });
});
