/**
 * Properties over random reference strings (seeded, so a failure reproduces), and differential
 * checks of the O(1) / O(log k) implementations against naive ones written for clarity.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { framesAfter } from './recorder.ts';
import { CLASSIC_POLICY_NAMES, runClassic } from './registry.ts';

const SEED = 20100401;
const RUNS = 200;

const refString = fc
  .array(fc.integer({ min: 0, max: 11 }), { minLength: 0, maxLength: 80 })
  .map((a) => Uint32Array.from(a));
const frameCount = fc.integer({ min: 1, max: 7 });

const faults = (p: (typeof CLASSIC_POLICY_NAMES)[number], refs: Uint32Array, k: number): number =>
  runClassic(p, refs, k).faults;

/** Naive LRU: scan the resident set for the oldest last use. */
function naiveLru(refs: Uint32Array, k: number): number {
  const lastUse = new Map<number, number>();
  let f = 0;
  refs.forEach((page, i) => {
    if (!lastUse.has(page)) {
      f++;
      if (lastUse.size === k) {
        let victim = -1;
        let oldest = Infinity;
        for (const [p, t] of lastUse) if (t < oldest) [victim, oldest] = [p, t];
        lastUse.delete(victim);
      }
    }
    lastUse.set(page, i);
  });
  return f;
}

/**
 * Naive OPT with the same tie rule, scanning forward from each fault for every resident page.
 * Returns its fault count and the frame each replacing fault wrote into.
 */
function naiveOpt(refs: Uint32Array, k: number): { faults: number; victims: number[] } {
  const frames: number[] = [];
  const evictedFrames: number[] = [];
  let faults = 0;
  refs.forEach((page, i) => {
    if (frames.includes(page)) return;
    faults++;
    if (frames.length < k) {
      frames.push(page);
      return;
    }
    let victim = 0;
    let farthest = -1;
    frames.forEach((p, f) => {
      let next = refs.indexOf(p, i + 1);
      if (next < 0) next = Infinity;
      if (next > farthest) [victim, farthest] = [f, next]; // strict: the lowest frame wins ties
    });
    evictedFrames.push(victim);
    frames[victim] = page;
  });
  return { faults, victims: evictedFrames };
}

describe('classic policies on random strings', () => {
  it('OPT never faults more than LRU, FIFO, CLOCK or the Linux two-list', () => {
    fc.assert(
      fc.property(refString, frameCount, (refs, k) => {
        const best = faults('opt', refs, k);
        for (const p of ['lru', 'fifo', 'clock', 'linux', 'linux-always-old'] as const)
          expect(best).toBeLessThanOrEqual(faults(p, refs, k));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('every policy faults at least once per distinct page, and only then with enough frames', () => {
    fc.assert(
      fc.property(refString, frameCount, (refs, k) => {
        const distinct = new Set(refs).size;
        for (const p of CLASSIC_POLICY_NAMES) {
          const r = runClassic(p, refs, k);
          expect(r.faults).toBeGreaterThanOrEqual(distinct);
          expect(r.faults + r.hits).toBe(refs.length);
          expect(r.distinctPages).toBe(distinct);
          if (k >= distinct) expect(r.faults).toBe(distinct);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('LRU with k frames never faults more than with k − 1 (and neither does OPT)', () => {
    fc.assert(
      fc.property(refString, fc.integer({ min: 2, max: 8 }), (refs, k) => {
        expect(faults('lru', refs, k)).toBeLessThanOrEqual(faults('lru', refs, k - 1));
        expect(faults('opt', refs, k)).toBeLessThanOrEqual(faults('opt', refs, k - 1));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('LRU matches a naive LRU', () => {
    fc.assert(
      fc.property(refString, frameCount, (refs, k) => {
        expect(faults('lru', refs, k)).toBe(naiveLru(refs, k));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('OPT (next-use table and heap) evicts exactly what a naive forward scan evicts', () => {
    fc.assert(
      fc.property(refString, frameCount, (refs, k) => {
        const { steps, faults: f } = runClassic('opt', refs, k, { record: true });
        const naive = naiveOpt(refs, k);
        // Which frame each replacing fault wrote into, read off the recorded table.
        const victims: number[] = [];
        for (let i = 0; i < refs.length; i++) {
          if (!steps!.faultAt[i] || steps!.evicted[i] === -1) continue;
          victims.push(framesAfter(steps!, i).indexOf(refs[i]!));
        }
        expect(victims).toEqual(naive.victims);
        expect(f).toBe(naive.faults);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('recorded tables agree with the counts and hold the referenced page after each step', () => {
    fc.assert(
      fc.property(refString, frameCount, fc.constantFrom(...CLASSIC_POLICY_NAMES), (refs, k, p) => {
        const r = runClassic(p, refs, k, { record: true });
        const s = r.steps!;
        expect(s.faultAt.reduce((a, b) => a + b, 0)).toBe(r.faults);
        for (let i = 0; i < refs.length; i++) {
          const now = framesAfter(s, i);
          expect(now).toContain(refs[i]);
          expect(new Set(now.filter((x) => x >= 0)).size).toBe(now.filter((x) => x >= 0).length);
          if (i > 0 && !s.faultAt[i]) expect(now).toEqual(framesAfter(s, i - 1));
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
