/**
 * Textbook cases, every expected number worked out by hand (the working is in the comments).
 */
import { describe, expect, it } from 'vitest';
import { framesAfter } from './recorder.ts';
import { runClassic } from './registry.ts';
import type { ClassicPolicyName } from './types.ts';

/** The string from Belady, Nelson and Shedler (1969) that every OS course uses. */
const BELADY = Uint32Array.from([1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5]);

const faults = (policy: ClassicPolicyName, refs: Uint32Array, frames: number): number =>
  runClassic(policy, refs, frames).faults;

/** The table as the textbook prints it: the frames after each reference, '-' for empty. */
function table(policy: ClassicPolicyName, refs: Uint32Array, frames: number): string[] {
  const { steps } = runClassic(policy, refs, frames, { record: true });
  if (!steps) throw new Error('no steps recorded');
  return Array.from({ length: steps.references }, (_, i) => {
    const cells = framesAfter(steps, i).map((p) => (p < 0 ? '-' : String(p)));
    return cells.join('') + (steps.faultAt[i] ? '*' : ' ');
  });
}

describe("Belady's string 1 2 3 4 1 2 5 1 2 3 4 5", () => {
  it("FIFO faults 9 times with 3 frames and 10 times with 4: Belady's anomaly", () => {
    expect(faults('fifo', BELADY, 3)).toBe(9);
    expect(faults('fifo', BELADY, 4)).toBe(10);
  });

  it('LRU faults 10 times with 3 frames and 8 with 4 (a stack algorithm: no anomaly)', () => {
    expect(faults('lru', BELADY, 3)).toBe(10);
    expect(faults('lru', BELADY, 4)).toBe(8);
  });

  it('OPT faults 7 times with 3 frames and 6 with 4', () => {
    expect(faults('opt', BELADY, 3)).toBe(7);
    expect(faults('opt', BELADY, 4)).toBe(6);
  });

  it('CLOCK faults 9 times with 3 frames and 10 with 4: it shows the anomaly too', () => {
    // 4 frames: 1 2 3 4 fill (all bits set, hand at 0); 1 and 2 hit. 5 sweeps the circle clear
    // and takes frame 0 (page 1), so 1 faults and takes frame 1 (page 2), 2 takes frame 2,
    // 3 takes frame 3, 4 sweeps again and takes frame 0, 5 takes frame 1: 4 + 6 = 10 faults.
    expect(faults('clock', BELADY, 3)).toBe(9);
    expect(faults('clock', BELADY, 4)).toBe(10);
  });

  it('every policy needs only the 5 cold faults with 5 frames', () => {
    for (const p of ['fifo', 'lru', 'opt', 'clock', 'linux'] as const)
      expect(faults(p, BELADY, 5)).toBe(5);
  });

  it('FIFO table, 3 frames: the oldest load leaves, round the frames in order', () => {
    // prettier-ignore
    expect(table('fifo', BELADY, 3)).toEqual([
      '1--*', '12-*', '123*', '423*', '413*', '412*', '512*', '512 ', '512 ', '532*', '534*', '534 ',
    ]);
  });

  it('LRU table, 3 frames', () => {
    // prettier-ignore
    expect(table('lru', BELADY, 3)).toEqual([
      '1--*', '12-*', '123*', '423*', '413*', '412*', '512*', '512 ', '512 ', '312*', '342*', '345*',
    ]);
  });

  it('OPT table, 3 frames: at 3 and at 4 neither 1 nor 2 (nor 3) is used again, the lowest frame goes', () => {
    // At 4: next uses 1@4, 2@5, 3@9 → evict 3. At 5: 1@7, 2@8, 4@10 → evict 4.
    // At 3: 1 and 2 never again → frame 0 (page 1). At 4: 3 and 2 never again → frame 0 (page 3).
    // prettier-ignore
    expect(table('opt', BELADY, 3)).toEqual([
      '1--*', '12-*', '123*', '124*', '124 ', '124 ', '125*', '125 ', '125 ', '325*', '425*', '425 ',
    ]);
  });

  it('CLOCK table, 3 frames: the hand sweeps clear when every use bit is set', () => {
    // After 1 2 3 every use bit is set and the hand is at frame 0. 4 sweeps 0, 1, 2 clear, comes
    // back to frame 0 and replaces 1 (hand → 1). 1 and 2 find frames 1 and 2 clear (hand → 0).
    // 5 sweeps clear again and takes frame 0 (hand → 1, bits 1 0 0). 1 and 2 hit: bits 1 1 1.
    // 3 sweeps from frame 1 round to frame 1 and takes it (page 1); 4 takes frame 2, cleared by
    // that sweep; 5 hits. Nine faults, one fewer than LRU.
    // prettier-ignore
    expect(table('clock', BELADY, 3)).toEqual([
      '1--*', '12-*', '123*', '423*', '413*', '412*', '512*', '512 ', '512 ', '532*', '534*', '534 ',
    ]);
  });

  it('CLOCK gives a second chance where FIFO does not', () => {
    // 1 2 3 fill; 1 is referenced again (use bit set; all three bits are set anyway).
    // 4: sweep clears all, replaces frame 0 (page 1) — CLOCK degenerates to FIFO when all bits
    // are set. Then 2 is referenced (sets frame 1's bit); 5: the hand at frame 1 clears it and
    // takes frame 2 (page 3); FIFO would have evicted 2. Then 2 hits under CLOCK, faults under FIFO.
    const refs = Uint32Array.from([1, 2, 3, 1, 4, 2, 5, 2]);
    // prettier-ignore
    expect(table('clock', refs, 3)).toEqual(['1--*', '12-*', '123*', '123 ', '423*', '423 ', '425*', '425 ']);
    expect(faults('clock', refs, 3)).toBe(5);
    expect(faults('fifo', refs, 3)).toBe(6);
  });
});

describe('recorded tables', () => {
  it('mark exactly the faults and name the evicted page', () => {
    const r = runClassic('lru', BELADY, 3, { record: true });
    const s = r.steps!;
    expect(Array.from(s.faultAt).reduce((a, b) => a + b, 0)).toBe(r.faults);
    // LRU at reference 4 (index 3) evicts 1; at 5 (index 6) evicts 4; hits evict nothing.
    expect(s.evicted[3]).toBe(1);
    expect(s.evicted[6]).toBe(4);
    expect(s.evicted[7]).toBe(-1);
    expect(s.evicted[0]).toBe(-1);
  });

  it('are absent unless asked for', () => {
    expect(runClassic('fifo', BELADY, 3).steps).toBeUndefined();
  });
});
