import { describe, expect, it } from 'vitest';
import { countDistinctPages, densifyTrace } from './densify.ts';

describe('densifyTrace', () => {
  it('numbers pages by first appearance and keeps the way back', () => {
    const d = densifyTrace(Uint32Array.from([0x1fff000, 0x401, 0x1fff000, 7, 0x401]));
    expect(Array.from(d.refs)).toEqual([0, 1, 0, 2, 1]);
    expect(d.distinct).toBe(3);
    expect(Array.from(d.original)).toEqual([0x1fff000, 0x401, 7]);
  });

  it('gives the same answer through the array map and the Map paths', () => {
    const small = Uint32Array.from([5, 3, 5, 9, 3, 0]);
    const big = small.map((p) => p * 0x1000000 + 0xabc); // forces the Map path
    const a = densifyTrace(small);
    const b = densifyTrace(big);
    expect(Array.from(a.refs)).toEqual(Array.from(b.refs));
    expect(Array.from(b.original)).toEqual(
      Array.from(a.original).map((p) => p * 0x1000000 + 0xabc),
    );
  });

  it('counts distinct pages, small and sparse', () => {
    expect(countDistinctPages(Uint32Array.from([1, 2, 1, 3]))).toBe(3);
    expect(countDistinctPages(Uint32Array.from([0xffffffff, 1, 0xffffffff]))).toBe(2);
    expect(countDistinctPages(new Uint32Array(0))).toBe(0);
  });
});
