/**
 * Benchmark 1: the simulation's hot path against the limit. The limit is a bare loop over the
 * same pre-generated reference stream that only marks each page touched; the subject is a
 * Simulation under unmap-emulation, in its steady state (every page faulted in, no pressure, so
 * every reference goes through a present spte). Both run interleaved over the identical stream.
 */
import { Simulation } from '@agelab/sim-core';
import type { BenchEntry, BenchResult } from './harness.ts';
import {
  Feeder,
  bareLoop,
  groundTruthLoop,
  noPressureScenario,
  referenceStream,
} from './steady-state.ts';
import { interleaved, round } from './timing.ts';

export interface HotPathOptions {
  guestMiB?: number;
  /** References in the pre-generated stream (one timed pass = the whole stream). */
  refs?: number;
  reps?: number;
}

const GOAL_RATIO = 0.5;
/** The issue's estimate of the bare loop on this kind of machine, for comparison only. */
const ISSUE_BARE = 140e6;

export function hotPathBench(opts: HotPathOptions = {}): BenchEntry {
  return {
    id: 'hot-path',
    title: 'Simulation hot path against the limit',
    goal: `unmap-emulation on a 1M-page guest with no memory pressure reaches ≥ ${GOAL_RATIO} × the bare loop's references per second`,
    run: async (ctx) => run(ctx.quick, opts, ctx.log),
  };
}

function run(quick: boolean, opts: HotPathOptions, log: (l: string) => void): BenchResult {
  const guestMiB = opts.guestMiB ?? 4096;
  const nRefs = opts.refs ?? (quick ? 2_000_000 : 20_000_000);
  const reps = opts.reps ?? (quick ? 3 : 7);
  const scenario = noPressureScenario(guestMiB);
  const refs = referenceStream(scenario, nRefs);
  const sim = new Simulation(scenario, 'unmap-emulation');
  const pages = sim.guestPages;
  const feeder = new Feeder(sim);
  feeder.faultInAll();
  log(`  ${pages} pages faulted in; ${nRefs} references, ${reps} interleaved repetitions`);

  const touched = new Uint8Array(pages);
  const lastTouch = new Uint32Array(pages);
  const spte = new Uint8Array(pages).fill(1);
  let at = 0;
  let sink = 0;
  const exitsBefore = feeder.counter('exits');
  const ms = interleaved(
    {
      bare: () => bareLoop(refs, touched),
      sim: () => feeder.feed(refs),
      truth: () => {
        sink += groundTruthLoop(refs, lastTouch, spte, at);
        at += refs.length;
      },
    },
    reps,
    // The bare loop reaches its top speed only once V8 has fully optimised it (measured: the
    // first two passes run at a third of it), so two untimed rounds.
    2,
  );
  // The steady state is the point: had any reference faulted, the figure would be a different one.
  const exits = feeder.counter('exits') - exitsBefore;
  const reclaim = feeder.counter('sim_reclaim_passes');
  if (exits !== 0 || reclaim !== 0 || sink !== 0 || touched[refs[0]] !== 1)
    throw new Error(
      `hot path left its steady state: ${exits} EPT violations, ${reclaim} reclaim passes`,
    );

  const perSec = (t: number) => nRefs / (t / 1000);
  const bare = perSec(ms.bare);
  const subject = perSec(ms.sim);
  const truthRate = perSec(ms.truth);
  const ratio = subject / bare;
  const met = ratio >= GOAL_RATIO;
  return {
    status: 'measured',
    figures: [
      { name: 'guest pages', value: pages, unit: 'pages' },
      { name: 'bare loop (the limit)', value: round(bare / 1e6), unit: 'M refs/s' },
      { name: 'Simulation, unmap-emulation', value: round(subject / 1e6), unit: 'M refs/s' },
      {
        name: 'last-touch store + spte read alone',
        value: round(truthRate / 1e6),
        unit: 'M refs/s',
      },
    ],
    ratios: [
      {
        subject: 'Simulation, unmap-emulation',
        baseline: 'bare loop',
        ratio: round(ratio),
        meaning: `fraction of the limit reached (goal ≥ ${GOAL_RATIO})`,
      },
      {
        subject: 'last-touch store + spte read alone',
        baseline: 'bare loop',
        ratio: round(truthRate / bare),
        meaning: 'what per-page ground truth alone allows',
      },
      {
        subject: 'Simulation, unmap-emulation',
        baseline: 'last-touch store + spte read alone',
        ratio: round(subject / truthRate),
        meaning: 'the code around that work (1 = free)',
      },
    ],
    goal: {
      text: `≥ ${GOAL_RATIO} × the bare loop`,
      met,
      detail: `${round(ratio)} × the bare loop (${round(subject / 1e6)} vs ${round(bare / 1e6)} M refs/s)`,
    },
    method:
      `A ${guestMiB} MiB guest (${pages} pages), memcg limit = guest, no swap, uniform workload, THP off. ` +
      `${nRefs} references generated once by the scenario's own ReferenceSource into a Uint32Array. ` +
      `Every page is faulted in first (a boot scan), then the bare loop (\`touched[g] = 1\` into a Uint8Array), ` +
      `Simulation.consume (in chunks of 4096, as Comparison feeds it) and a yardstick loop doing only what per-page ground ` +
      `truth requires (a 4-byte last-touch store and an spte read per reference) run interleaved over the whole stream: ` +
      `two warm-up rounds, then the median of ${reps} rounds. No EPT violation and no reclaim pass happens during the timed rounds (checked).`,
    obstacle: met ? undefined : obstacleText(pages, bare, subject, truthRate),
    notes: [
      `The issue expected the bare loop at roughly ${ISSUE_BARE / 1e6} M refs/s on this kind of machine; measured here it ` +
        `runs at ${round(bare / 1e6)} M refs/s. Against the issue's figure the simulation's ${round(subject / 1e6)} M refs/s ` +
        `would be ${round(subject / ISSUE_BARE)} × (goal ${subject / ISSUE_BARE >= GOAL_RATIO ? 'met' : 'not met'} on that reading); ` +
        `the goal above is judged against the loop measured in the same run, as the issue asks.`,
    ],
  };
}

function obstacleText(pages: number, bare: number, subject: number, truthRate: number): string {
  const mib = (bytes: number) => round(bytes / 2 ** 20);
  const layout =
    `The bare loop stores one byte per reference into a ${mib(pages)} MiB array; a simulation keeping ground truth must ` +
    `at least store a 4-byte last-touch time (a ${mib(pages * 4)} MiB array, four times the bytes, so random stores fall ` +
    `out of a per-core L2 cache much sooner) and read the spte byte. That alone runs at ${round(truthRate / 1e6)} M refs/s ` +
    `here, ${round(truthRate / bare)} × the bare loop.`;
  const around =
    ` Simulation.consume runs at ${round(subject / truthRate)} × that yardstick (1 would mean the code around the stores ` +
    `is free: range checks, 2M lookups, the accessed-bit branch, the chunked calls).`;
  const verdict =
    truthRate / bare < GOAL_RATIO
      ? ` Since the yardstick itself stays under ${GOAL_RATIO} × the bare loop, no tuning of the loop can reach the goal on ` +
        `this machine: what stands in the way is the memory traffic of per-page ground truth. Reaching it would need a ` +
        `smaller per-page touch record (2 bytes with a coarser clock, or one record per group of pages), a change to what ` +
        `sim-core models, not to this harness.`
      : ` The yardstick reaches ${GOAL_RATIO} × the bare loop, so the code around the stores is what stands in the way.`;
  const code = around + verdict;
  return layout + code;
}
