import { describe, expect, it } from 'vitest';
import { nextUseTable } from './next-use.ts';
import { MAX_RECORDED_REFERENCES, framesAfter } from './recorder.ts';
import { CLASSIC_POLICY_NAMES, runClassic } from './registry.ts';
import type { ClassicPolicyName } from './types.ts';

describe('runClassic', () => {
  it('refuses an unknown policy, listing the valid ones', () => {
    expect(() => runClassic('mru' as ClassicPolicyName, new Uint32Array(1), 1)).toThrow(
      'unknown policy "mru": expected one of fifo, lru, opt, clock, linux, linux-always-old',
    );
  });

  it('refuses a frame count that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, NaN])
      expect(() => runClassic('lru', new Uint32Array(1), bad)).toThrow(/frames must be an integer/);
  });

  it('refuses to record beyond the documented maximum, but counts such strings', () => {
    const long = new Uint32Array(MAX_RECORDED_REFERENCES + 1);
    expect(() => runClassic('fifo', long, 2, { record: true })).toThrow(
      /limited to 10000 references/,
    );
    expect(runClassic('fifo', long, 2).faults).toBe(1);
  });

  it('handles the empty string', () => {
    for (const p of CLASSIC_POLICY_NAMES) {
      expect(runClassic(p, new Uint32Array(0), 3)).toMatchObject({
        faults: 0,
        hits: 0,
        references: 0,
        distinctPages: 0,
      });
    }
  });

  it('densifies sparse page numbers internally and reports the original ones', () => {
    const top = 0xffff_ffff;
    const sparse = Uint32Array.from([top, 7, 1 << 30, top, 7, 5]);
    const dense = Uint32Array.from([0, 1, 2, 0, 1, 3]);
    for (const p of CLASSIC_POLICY_NAMES) {
      const a = runClassic(p, sparse, 2, { record: true });
      const b = runClassic(p, dense, 2);
      expect(a.faults).toBe(b.faults);
      expect(a.distinctPages).toBe(4);
    }
    const { steps } = runClassic('fifo', sparse, 2, { record: true });
    expect(framesAfter(steps!, 2)).toEqual([1 << 30, 7]);
    expect(steps!.evicted[2]).toBe(top);
  });

  it('runs a million references through every policy (speed is measured by npm run bench)', () => {
    const refs = new Uint32Array(1_000_000);
    let x = 12345;
    for (let i = 0; i < refs.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      refs[i] = (x >>> 8) % 5000;
    }
    const faults = Object.fromEntries(
      CLASSIC_POLICY_NAMES.map((p) => [p, runClassic(p, refs, 1000)]),
    );
    for (const r of Object.values(faults)) {
      expect(r.faults + r.hits).toBe(1_000_000);
      expect(r.faults).toBeGreaterThanOrEqual(r.distinctPages);
      expect(r.faults).toBeGreaterThanOrEqual(faults.opt.faults);
    }
  });
});

describe('nextUseTable', () => {
  it('points each reference at the next one to the same page, or past the end', () => {
    const refs = Uint32Array.from([1, 2, 1, 3, 2, 1]);
    expect(Array.from(nextUseTable(refs, 4))).toEqual([2, 4, 5, 6, 6, 6]);
  });
});
