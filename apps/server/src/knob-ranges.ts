import type { KnobName } from '@agelab/sim-core';

/**
 * The values a knob may take, wherever it enters: a socket `knob` message, the `knobs` of
 * POST /api/runs, a descriptor's knob log (issue 14, row 5). The simulation would accept some
 * nonsense the kernel never would (a limit of 0, thp 7, khugepaged never sleeping).
 */
export const KNOB_RANGES: Record<
  KnobName,
  { min: number; max: (guestMiB: number) => number; integer: boolean; what: string }
> = {
  limitMiB: { min: 1, max: () => 1 << 20, integer: false, what: 'memory cgroup limit, MiB' },
  hotMiB: { min: 0.004, max: (guestMiB) => guestMiB, integer: false, what: 'hot set, MiB' },
  thp: { min: 0, max: () => 1, integer: true, what: 'transparent hugepages, 0 (off) or 1 (on)' },
  khugepagedPagesToScan: {
    min: 512,
    max: () => 1 << 24,
    integer: true,
    what: 'pages khugepaged scans per wakeup',
  },
  khugepagedScanSleepMs: {
    min: 1,
    max: () => 3_600_000,
    integer: true,
    what: 'simulated ms khugepaged sleeps between scans',
  },
};

/** Why `value` is not allowed for `knob` in a guest of `guestMiB`, or null when it is. */
export function knobProblem(knob: KnobName, value: number, guestMiB: number): string | null {
  const r = KNOB_RANGES[knob];
  if (knob === 'thp' && value !== 0 && value !== 1) return `thp is 0 (off) or 1 (on), got ${value}`;
  const max = r.max(guestMiB);
  if (!Number.isFinite(value) || value < r.min || value > max)
    return `${knob} = ${value} is out of range; allowed ${r.min} to ${max} (${r.what})`;
  if (r.integer && !Number.isInteger(value))
    return `${knob} = ${value} is not a whole number; allowed whole numbers ${r.min} to ${max} (${r.what})`;
  return null;
}

/**
 * khugepaged's work: each wake visits `pagesToScan` ptes (wrapping around a smaller guest), once
 * every `scanSleepMs` simulated ms. Each is in range alone, but 2^24 pages every 1 ms is 16G pte
 * visits a simulated second, and a playing move cannot stop inside its references: bounded here
 * (issue 14, row 5) at 2^24 pte visits per simulated second (the default is 4096 per 10 s).
 */
export const MAX_KHUGEPAGED_PAGES_PER_SECOND = 2 ** 24;

export function khugepagedProblem(pagesToScan: number, scanSleepMs: number): string | null {
  const perSecond = (pagesToScan * 1000) / scanSleepMs;
  if (perSecond <= MAX_KHUGEPAGED_PAGES_PER_SECOND) return null;
  return `khugepaged would scan ${Math.round(perSecond)} pages per simulated second (khugepagedPagesToScan ${pagesToScan} every khugepagedScanSleepMs ${scanSleepMs}); allowed at most ${MAX_KHUGEPAGED_PAGES_PER_SECOND} (pagesToScan × 1000 / scanSleepMs)`;
}
