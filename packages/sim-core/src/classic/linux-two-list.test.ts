/**
 * The 2.6.33 two-list model, checked list by list on Belady's string with 3 frames. The working:
 *
 *  ref  fault  what reclaim does                                         active   inactive
 *  1    cold   first touch → active head                                 1        -
 *  2    cold                                                             2 1      -
 *  3    cold                                                             3 2 1    -
 *  4    yes    inactive 0 < active 3: deactivate 1 (young cleared);      4 3 2    -
 *              inactive tail 1 not young → evicted; 4 first touch → active
 *  1    yes    0 < 2: deactivate 2; 2 not young → evicted;               4 3      1
 *              1 is a swap-in → inactive head, young
 *  2    yes    1 < 2: deactivate 3; tail 1 young → activated (cleared);  1        2 4
 *              1 < 2: deactivate 4; tail 3 not young → evicted; 2 swap-in
 *  5    yes    2 < 1 no; tail 4 not young → evicted; 5 → active          5 1      2
 *  1    hit    young                                                     5 1      2
 *  2    hit    young (already)                                           5 1      2
 *  3    yes    1 < 2: deactivate 1 (cleared); tail 2 young → activated;  2        3 5
 *              1 < 2: deactivate 5; tail 1 not young → evicted; 3 swap-in
 *  4    yes    2 < 1 no; tail 5 not young → evicted; 4 swap-in           2        4 3
 *  5    yes    tail 3 young → activated; 1 < 2: deactivate 2;            4        5 3
 *              tail 4 young → activated; 1 < 2: deactivate 3;
 *              tail 2 not young → evicted; 5 swap-in
 *
 * Ten faults, like LRU; but note that the page just referenced twice (1, at step 8) is the one
 * evicted at step 10: deactivation ignores references, and it was not referenced again while
 * inactive.
 */
import { describe, expect, it } from 'vitest';
import { runLinuxTwoList } from './linux-two-list.ts';
import { runClassic } from './registry.ts';

const BELADY = Uint32Array.from([1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5]);

describe('linux two-list LRU (2.6.33)', () => {
  it('moves pages between the lists as worked out by hand', () => {
    const seen: string[] = [];
    const faults = runLinuxTwoList(BELADY, 6, 3, null, (_step, active, inactive) => {
      seen.push(`${active.join(' ') || '-'} | ${inactive.join(' ') || '-'}`);
    });
    expect(seen).toEqual([
      '1 | -',
      '2 1 | -',
      '3 2 1 | -',
      '4 3 2 | -',
      '4 3 | 1',
      '1 | 2 4',
      '5 1 | 2',
      '5 1 | 2',
      '5 1 | 2',
      '2 | 3 5',
      '2 | 4 3',
      '4 | 5 3',
    ]);
    expect(faults).toBe(10);
  });

  it('records the frames each page sits in', () => {
    const { steps, faults, hits } = runClassic('linux', BELADY, 3, { record: true });
    expect(faults).toBe(10);
    expect(hits).toBe(2);
    // Evicted pages, step by step (-1: cold fault or hit).
    expect(Array.from(steps!.evicted)).toEqual([-1, -1, -1, 1, 2, 3, 4, -1, -1, 1, 5, 2]);
  });

  it('keeps a page referenced while inactive (second chance through the active list)', () => {
    // 2 frames; 1 and 2 fill the active list.
    const lists: string[] = [];
    runLinuxTwoList(Uint32Array.from([1, 2, 3, 1, 1, 4]), 5, 2, null, (_s, a, i) => {
      lists.push(`${a.join(' ') || '-'} | ${i.join(' ') || '-'}`);
    });
    // 3: inactive 0 < 2 → deactivate 1; 1 not young → evicted; 3 → active: [3 2 | -].
    // 1: 0 < 2 → deactivate 2; evicted; 1 swap-in → inactive: [3 | 1].
    // 1: hit (young). 4: 1 < 1 no; tail 1 young → activated: [1 3 | -]; 0 < 2 → deactivate 3,
    //    not young (cleared on deactivation) → evicted; 4 → active: [4 1 | -].
    expect(lists).toEqual(['1 | -', '2 1 | -', '3 2 | -', '3 | 1', '3 | 1', '4 1 | -']);
  });
});

describe('linux-always-old: the two lists blind to guest references (EPT before the patch)', () => {
  it('evicts a hot page that LRU and the seeing two-list keep', async () => {
    const { runClassic } = await import('./registry.ts');
    // a hot set of 4 pages touched between each of a stream of 200 cold pages, 8 frames
    const refs: number[] = [];
    for (let c = 0; c < 200; c++) refs.push(100 + c, 0, 1, 2, 3);
    const r = Uint32Array.from(refs);
    const faults = (p: 'lru' | 'opt' | 'linux' | 'linux-always-old') => runClassic(p, r, 8).faults;
    expect(faults('linux-always-old')).toBeGreaterThan(faults('linux'));
    expect(faults('linux')).toBeGreaterThanOrEqual(faults('lru'));
    expect(faults('lru')).toBeGreaterThanOrEqual(faults('opt'));
    // every cold page faults once whatever the policy; always-old also refaults the hot set
    expect(faults('lru')).toBe(204);
    expect(faults('linux-always-old')).toBeGreaterThan(300);
  });
});
