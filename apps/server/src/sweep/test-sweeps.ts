import type { SweepInput } from '@agelab/sim-core';

/** A tiny guest under pressure for a few thousand references: every policy swaps and ages. */
export const TINY_SCENARIO = {
  name: 'tiny',
  guest: { memoryMiB: 16 },
  host: { memcgLimitMiB: 8, swapMiB: 32 },
  rate: 5000,
  workload: { type: 'hotcold', hotMiB: 4, hotShare: 0.99 },
  seconds: 2,
  steadyFromSeconds: 1,
};

export const TINY_SWEEP = {
  name: 'tiny',
  base: TINY_SCENARIO,
  axes: { 'host.memcgLimitMiB': [6, 10], seed: { from: 1, to: 2 } },
  policies: ['always-old', 'unmap-emulation', 'ept-ad-bits'],
  figures: [
    'slowdown',
    'steady.slowdown',
    'steady.pswpout',
    'pgmajfault',
    'pswpout',
    'pf_fixed',
    'sim_false_old',
    'sim_hot_pages_swapped_out',
  ],
} satisfies SweepInput;
