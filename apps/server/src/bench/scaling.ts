/**
 * Benchmark 3a: scaling with guest size. For guests of 256 MiB, 4 GiB and 64 GiB (64K, 1M and 16M
 * pages): heap per page (structural, from the typed arrays, and measured, as the growth of the
 * JS heap plus array buffers around building and faulting in the guest), and steady-state
 * references per second against the bare loop at the same size. `guest-64m` is the same
 * measurement for one 256 GiB guest (64M pages), past the size scenarios allow.
 */
import { Simulation } from '@agelab/sim-core';
import type { BenchEntry, BenchResult, BaselineRatio, Figure } from './harness.ts';
import { Feeder, bareLoop, noPressureScenario, referenceStream } from './steady-state.ts';
import { collectGarbage, heapAndBuffers, interleaved, round } from './timing.ts';

export interface ScalingOptions {
  guestsMiB?: readonly number[];
  refs?: number;
  reps?: number;
  /** Entry id and title, for a variant (guest-64m). */
  id?: string;
  title?: string;
  /** Heap goal, bytes a page (strictly under it unless `atMost`). */
  goalBytes?: number;
  atMost?: boolean;
  /** Also a goal: Simulation ≥ this × the bare loop at every size. */
  goalRatio?: number;
}

const GOAL_BYTES = 64;
const label = (mib: number) => (mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`);

export function scalingBench(opts: ScalingOptions = {}): BenchEntry {
  const bytes = opts.goalBytes ?? GOAL_BYTES;
  const heapGoal = opts.atMost
    ? `heap ≤ ${bytes} bytes a page`
    : `heap under ${bytes} bytes a page`;
  return {
    id: opts.id ?? 'scaling',
    title: opts.title ?? 'Scaling with guest size: references per second and heap per page',
    goal:
      opts.goalRatio === undefined
        ? heapGoal
        : `${heapGoal}, and the hot path ≥ ${opts.goalRatio} × the bare loop`,
    run: async (ctx) => run(ctx.quick, opts, ctx.log),
  };
}

interface SizeResult {
  mib: number;
  pages: number;
  structural: number;
  measured: number;
  buildMs: number;
  bare: number;
  sim: number;
}

function measureSize(mib: number, nRefs: number, reps: number): SizeResult {
  const scenario = noPressureScenario(mib);
  const refs = referenceStream(scenario, nRefs);
  collectGarbage();
  const before = heapAndBuffers();
  const t0 = performance.now();
  const sim = new Simulation(scenario, 'unmap-emulation');
  const feeder = new Feeder(sim);
  feeder.faultInAll();
  const buildMs = performance.now() - t0;
  collectGarbage();
  const pages = sim.guestPages;
  const measured = (heapAndBuffers() - before) / pages;
  const structural = sim.heapBytes() / pages;
  const touched = new Uint8Array(pages);
  const ms = interleaved(
    { bare: () => bareLoop(refs, touched), sim: () => feeder.feed(refs) },
    reps,
    2, // the bare loop needs two passes to be fully optimised (hot-path)
  );
  return {
    mib,
    pages,
    structural,
    measured,
    buildMs,
    bare: nRefs / (ms.bare / 1000),
    sim: nRefs / (ms.sim / 1000),
  };
}

function run(quick: boolean, opts: ScalingOptions, log: (l: string) => void): BenchResult {
  const guests = opts.guestsMiB ?? [256, 4096, 65536];
  const nRefs = opts.refs ?? (quick ? 1_000_000 : 8_000_000);
  const reps = opts.reps ?? (quick ? 2 : 5);
  const figures: Figure[] = [];
  const ratios: BaselineRatio[] = [];
  let worst = 0;
  for (const mib of guests) {
    const r = measureSize(mib, nRefs, reps);
    collectGarbage();
    log(`  ${label(mib)}: ${round(r.measured)} B/page, ${round(r.sim / 1e6)} M refs/s`);
    const g = label(mib);
    worst = Math.max(worst, r.measured, r.structural);
    figures.push(
      { name: `${g}: heap per page, measured`, value: round(r.measured), unit: 'B/page' },
      { name: `${g}: heap per page, typed arrays`, value: round(r.structural), unit: 'B/page' },
      { name: `${g}: build + fault in all ${r.pages} pages`, value: round(r.buildMs), unit: 'ms' },
      { name: `${g}: bare loop`, value: round(r.bare / 1e6), unit: 'M refs/s' },
      { name: `${g}: Simulation, unmap-emulation`, value: round(r.sim / 1e6), unit: 'M refs/s' },
    );
    ratios.push({
      subject: `${g}: Simulation`,
      baseline: `${g}: bare loop`,
      ratio: round(r.sim / r.bare),
      meaning: 'fraction of the limit at this size',
    });
  }
  const bytes = opts.goalBytes ?? GOAL_BYTES;
  const heapMet = opts.atMost ? worst <= bytes : worst < bytes;
  const simRatios = ratios.map((r) => r.ratio);
  const worstRatio = Math.min(...simRatios);
  const ratioMet = opts.goalRatio === undefined || worstRatio >= opts.goalRatio;
  const met = heapMet && ratioMet;
  const heapText = opts.atMost ? `heap ≤ ${bytes} B/page` : `heap < ${bytes} B/page`;
  return {
    status: 'measured',
    figures,
    ratios,
    goal: {
      text:
        opts.goalRatio === undefined
          ? heapText
          : `${heapText}, Simulation ≥ ${opts.goalRatio} × the bare loop`,
      met,
      detail:
        `largest figure ${round(worst)} B/page` +
        (opts.goalRatio === undefined ? '' : `; ${round(worstRatio)} × the bare loop`),
    },
    method:
      `For each guest size: a no-pressure scenario (memcg limit = guest, no swap, uniform workload, THP off) under ` +
      `unmap-emulation. "Measured" is the growth of process.memoryUsage().heapUsed + arrayBuffers across building the ` +
      `Simulation and faulting in every page, with a full GC before and after; "typed arrays" is Simulation.heapBytes(). ` +
      `Then ${nRefs} uniform references, bare loop and simulation interleaved, median of ${reps} after two warm-up rounds. ` +
      `Swap adds 4 B per swap page (the swap map), not counted here because these guests have none.`,
    obstacle: met
      ? undefined
      : [
          heapMet ? '' : `The per-page typed arrays add up to ${round(worst)} B/page.`,
          ratioMet
            ? ''
            : `The simulation reaches ${round(worstRatio)} × the bare loop here; see hot-path for what a ` +
              `4-byte last-touch store alone reaches at large sizes (the width of the exact touch record).`,
        ]
          .filter(Boolean)
          .join(' '),
  };
}
