import { describe, expect, it } from 'vitest';
import { axisEnd } from './Charts.tsx';

describe('the shared time axis', () => {
  it('ends at the furthest time rounded up to about a tenth of it', () => {
    expect(axisEnd(0)).toBe(1);
    expect(axisEnd(0.4)).toBe(1);
    expect(axisEnd(3.2)).toBeCloseTo(3.5);
    expect(axisEnd(37)).toBe(40);
    expect(axisEnd(40)).toBe(40);
    expect(axisEnd(61)).toBe(70);
    expect(axisEnd(123)).toBe(140);
  });
});
