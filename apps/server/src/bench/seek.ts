/**
 * Scrubbing and the page inspector: how long a seek anywhere in 60 simulated seconds of the
 * classic comparison takes (what the server does for a seek within what it has simulated:
 * restore the nearest checkpoint and replay), and how long a page history of a 60 s window
 * takes (a replica re-simulated from a checkpoint with the event log filtered to one frame).
 */
import {
  BELIEF_HOT_SWAPPED,
  Comparison,
  Prng,
  classOf,
  getPreset,
  pageClasses,
} from '@agelab/sim-core';
import { DEFAULT_CONFIG } from '../config.ts';
import { pageHistory } from '../page-history.ts';
import type { BenchEntry, BenchResult } from './harness.ts';
import { CLASSIC_POLICIES } from './classic.ts';
import { median, round } from './timing.ts';

const SECONDS = 60;
const SEEK_GOAL_MS = 200;
const HISTORY_GOAL_MS = 1000;

export function seekBench(): BenchEntry {
  return {
    id: 'seek',
    title: 'Seeks and page histories in 60 s of the classic comparison',
    goal: `a seek anywhere in ${SECONDS} s < ${SEEK_GOAL_MS} ms; a page history of a ${SECONDS} s window < ${HISTORY_GOAL_MS / 1000} s`,
    run: async (ctx) => run(ctx.quick, ctx.log),
  };
}

async function run(quick: boolean, log: (l: string) => void): Promise<BenchResult> {
  const scenario = getPreset('classic');
  // As the server holds it: checkpoints every 5 simulated s within its checkpoint memory.
  const cmp = new Comparison(scenario, [...CLASSIC_POLICIES], 1, {
    maxCheckpointBytes: DEFAULT_CONFIG.maxCheckpointBytes,
  });
  cmp.runFor(SECONDS);
  const end = cmp.refIndex;
  const rng = new Prng(42);
  const seeks = quick ? 10 : 40;
  const times: number[] = [];
  for (let i = 0; i < seeks; i++) {
    const target = Math.floor(rng.next() * end);
    const t0 = performance.now();
    cmp.seek(target);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const p95 = times[Math.min(times.length - 1, Math.floor(times.length * 0.95))];
  log(`  ${seeks} seeks: median ${round(median(times))} ms, p95 ${round(p95)} ms`);

  // A page the host swapped out while the guest used it, under always-old.
  cmp.seek(end);
  const words = pageClasses(cmp.sims[0]);
  let gfn = words.findIndex((w) => classOf(w, 2) === BELIEF_HOT_SWAPPED);
  if (gfn < 0) gfn = 20_000; // in the hot set of the preset
  const reps = quick ? 1 : 3;
  const hist: number[] = [];
  let events = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const h = await pageHistory(cmp, gfn, 0, SECONDS, { aborted: false });
    hist.push(performance.now() - t0);
    events = h.runs.reduce((a, r) => a + r.events.length, 0);
  }
  const histMs = median(hist);
  log(`  page history of gfn ${gfn} over ${SECONDS} s: ${round(histMs)} ms (${events} events)`);
  return {
    status: 'measured',
    figures: [
      { name: 'seek, median', value: round(median(times)), unit: 'ms' },
      { name: 'seek, 95th percentile', value: round(p95), unit: 'ms' },
      { name: 'seek, slowest', value: round(times[times.length - 1]), unit: 'ms' },
      { name: `page history of a ${SECONDS} s window`, value: round(histMs), unit: 'ms' },
      { name: 'events in that history (all runs)', value: events, unit: 'events' },
    ],
    ratios: [],
    goal: {
      text: `seek < ${SEEK_GOAL_MS} ms, page history < ${HISTORY_GOAL_MS} ms`,
      met: times[times.length - 1] < SEEK_GOAL_MS && histMs < HISTORY_GOAL_MS,
      detail: `slowest seek ${round(times[times.length - 1])} ms, page history ${round(histMs)} ms`,
    },
    method:
      `In this process: the classic preset under ${CLASSIC_POLICIES.join(', ')} in lockstep, run for ${SECONDS} simulated s ` +
      `with the server's checkpoint settings (every 5 s, ${DEFAULT_CONFIG.maxCheckpointBytes / 2 ** 20} MiB), then ${seeks} ` +
      `seeks to targets drawn uniformly from [0, ${SECONDS}) s with a seeded PRNG (Comparison.seek: the player does the same ` +
      `for a seek within what was simulated). Then the page history of one hot page the host had swapped out under ` +
      `always-old, over [0, ${SECONDS}] s (apps/server/src/page-history.ts), median of ${reps}.`,
  };
}
