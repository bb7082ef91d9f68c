import { describe, expect, it } from 'vitest';
import { CounterHistory } from './history.ts';

const vec = (...v: number[]) => Float64Array.from(v);

describe('the counter history', () => {
  it('keeps samples at multiples of its interval only', () => {
    const h = new CounterHistory(1, 2, 10, 100);
    for (const r of [0, 5, 10, 10, 20, 15, 30]) h.record(r, [vec(r, -r)]);
    expect(Array.from({ length: h.length }, (_, i) => h.refAt(i))).toEqual([0, 10, 20, 30]);
    expect(Array.from(h.valuesAt(2, 0))).toEqual([20, -20]);
    expect(h.nextDue(20)).toBe(30);
    expect(h.nextDue(21)).toBe(30);
  });

  it('stays within its capacity by halving its resolution, keeping the whole span', () => {
    const h = new CounterHistory(2, 1, 1, 8);
    for (let r = 0; r <= 100; r++) h.record(r, [vec(r), vec(2 * r)]);
    expect(h.length).toBeLessThanOrEqual(8);
    expect(h.every).toBe(16);
    const refs = Array.from({ length: h.length }, (_, i) => h.refAt(i));
    expect(refs).toEqual([0, 16, 32, 48, 64, 80, 96]);
    refs.forEach((r, i) => expect([h.valuesAt(i, 0)[0], h.valuesAt(i, 1)[0]]).toEqual([r, 2 * r]));
  });

  it('forgets samples after a point (a knob change rewrites the future)', () => {
    const h = new CounterHistory(1, 1, 1, 50);
    for (let r = 0; r < 10; r++) h.record(r, [vec(r)]);
    h.truncateAfter(4);
    expect(h.length).toBe(5);
    h.record(5, [vec(55)]);
    expect(h.valuesAt(5, 0)[0]).toBe(55);
  });
});
