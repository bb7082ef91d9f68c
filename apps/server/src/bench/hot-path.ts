/**
 * Benchmark 1: the simulation's hot path against the limit, at 1M and 16M pages. The limit is a
 * bare loop over the same pre-generated reference stream that only marks each page touched; the
 * subject is a Simulation under unmap-emulation, in its steady state (every page faulted in, no
 * pressure, so every reference goes through a present spte). Two yardsticks separate what the
 * per-page ground truth costs from what the code around it costs. All run interleaved over the
 * identical stream.
 */
import { Simulation } from '@agelab/sim-core';
import type { BaselineRatio, BenchEntry, BenchResult, Figure } from './harness.ts';
import {
  Feeder,
  bareLoop,
  groundTruthLoop,
  noPressureScenario,
  referenceStream,
  touchStoreLoop,
} from './steady-state.ts';
import { interleaved, round } from './timing.ts';

export interface HotPathOptions {
  /** Guest sizes; the goal is judged at 4096 MiB (1M pages) and 65536 MiB (16M pages). */
  guestsMiB?: readonly number[];
  /** References in the pre-generated stream (one timed pass = the whole stream). */
  refs?: number;
  reps?: number;
}

/** The goal per guest size (MiB): the fraction of the bare loop to reach. */
const GOALS: Record<number, number> = { 4096: 0.6, 65536: 0.4 };
const goalAt = (mib: number) => GOALS[mib] ?? 0.6;
const label = (mib: number) => (mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`);

export function hotPathBench(opts: HotPathOptions = {}): BenchEntry {
  return {
    id: 'hot-path',
    title: 'Simulation hot path against the limit',
    goal:
      'unmap-emulation with no memory pressure reaches ≥ 0.6 × the bare loop’s references per second on a ' +
      '1M-page guest and ≥ 0.4 × on a 16M-page guest',
    run: async (ctx) => run(ctx.quick, opts, ctx.log),
  };
}

interface SizeResult {
  mib: number;
  pages: number;
  bare: number;
  sim: number;
  store: number;
  storeAndSpte: number;
}

function measure(mib: number, nRefs: number, reps: number, log: (l: string) => void): SizeResult {
  const scenario = noPressureScenario(mib);
  const refs = referenceStream(scenario, nRefs);
  const sim = new Simulation(scenario, 'unmap-emulation');
  const pages = sim.guestPages;
  const feeder = new Feeder(sim);
  feeder.faultInAll();
  log(`  ${label(mib)}: ${pages} pages faulted in; ${nRefs} references, ${reps} repetitions`);
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
      store: () => {
        touchStoreLoop(refs, lastTouch, at);
        at += refs.length;
      },
      storeAndSpte: () => {
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
  return {
    mib,
    pages,
    bare: perSec(ms.bare),
    sim: perSec(ms.sim),
    store: perSec(ms.store),
    storeAndSpte: perSec(ms.storeAndSpte),
  };
}

function run(quick: boolean, opts: HotPathOptions, log: (l: string) => void): BenchResult {
  const guests = opts.guestsMiB ?? [4096, 65536];
  const nRefs = opts.refs ?? (quick ? 4_000_000 : 20_000_000);
  const reps = opts.reps ?? (quick ? 3 : 7);
  const figures: Figure[] = [];
  const ratios: BaselineRatio[] = [];
  const results: SizeResult[] = [];
  for (const mib of guests) {
    const r = measure(mib, nRefs, reps, log);
    results.push(r);
    const g = label(mib);
    const M = (x: number) => round(x / 1e6);
    figures.push(
      { name: `${g}: guest pages`, value: r.pages, unit: 'pages' },
      { name: `${g}: bare loop (the limit)`, value: M(r.bare), unit: 'M refs/s' },
      { name: `${g}: Simulation, unmap-emulation`, value: M(r.sim), unit: 'M refs/s' },
      { name: `${g}: last-touch store alone`, value: M(r.store), unit: 'M refs/s' },
      {
        name: `${g}: last-touch store + per-gfn spte read`,
        value: M(r.storeAndSpte),
        unit: 'M refs/s',
      },
    );
    ratios.push(
      {
        subject: `${g}: Simulation, unmap-emulation`,
        baseline: 'bare loop',
        ratio: round(r.sim / r.bare),
        meaning: `fraction of the limit reached (goal ≥ ${goalAt(mib)})`,
      },
      {
        subject: `${g}: last-touch store alone`,
        baseline: 'bare loop',
        ratio: round(r.store / r.bare),
        meaning: 'what a 4-byte exact last-touch time alone allows',
      },
      {
        subject: `${g}: last-touch store + per-gfn spte read`,
        baseline: 'bare loop',
        ratio: round(r.storeAndSpte / r.bare),
        meaning: 'the same plus a random load per reference (what the loop did before)',
      },
      {
        subject: `${g}: Simulation, unmap-emulation`,
        baseline: 'last-touch store alone',
        ratio: round(r.sim / r.store),
        meaning: 'the code around that store (1 = free)',
      },
    );
  }
  const judged = results.filter((r) => GOALS[r.mib] !== undefined);
  const missed = judged.filter((r) => r.sim / r.bare < goalAt(r.mib));
  const met = judged.length > 0 ? missed.length === 0 : results.every((r) => r.sim / r.bare >= 0.6);
  const detail = results
    .map((r) => `${label(r.mib)}: ${round(r.sim / r.bare)} × (goal ${goalAt(r.mib)})`)
    .join('; ');
  return {
    status: 'measured',
    figures,
    ratios,
    goal: {
      text: results.map((r) => `≥ ${goalAt(r.mib)} × at ${label(r.mib)}`).join(', '),
      met,
      detail,
    },
    method:
      `For each guest size (${guests.map(label).join(', ')}): memcg limit = guest, no swap, uniform workload, THP off. ` +
      `${nRefs} references generated once by the scenario's own ReferenceSource into a Uint32Array. ` +
      `Every page is faulted in first (a boot scan), then four loops run interleaved over the whole stream: the bare ` +
      `loop (\`touched[g] = 1\` into a Uint8Array), Simulation.consume (in chunks of 4096 copied into one buffer, as Comparison feeds it), ` +
      `and two yardsticks written from the requirement: a 4-byte last-touch store per reference alone, and that ` +
      `store plus a read of a per-gfn spte byte. Two warm-up rounds, then the median of ${reps} rounds. No EPT ` +
      `violation and no reclaim pass happens during the timed rounds (checked). The bench process runs with ` +
      `GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (main.ts), so every large typed array, the bare loop's too, may sit on ` +
      `transparent hugepages.`,
    obstacle: met ? undefined : obstacleText(missed.length ? missed : results),
    notes: [
      'In this steady state every frame is 4K-mapped (KvmMmu.framesNot4k = 0), so the loop only stores the ' +
        'last-touch time; otherwise it reads per reference the 2M frame’s reach byte (KvmMmu.reach: 32 KiB at 16M ' +
        'pages, so it stays in cache), and the per-gfn spte bytes only in frames where some gfn lacks a present ' +
        'spte. The store-plus-spte-read yardstick shows what a per-gfn read costs: a random load from a large ' +
        'array holds up the loop, a random store retires into the store buffer.',
      'Measured on the same machine just before that fast stretch was added: 0.524 × the bare loop at 4 GiB and ' +
        '0.36 × at 64 GiB (the loop read the reach byte for every reference).',
    ],
  };
}

function obstacleText(rs: readonly SizeResult[]): string {
  return rs
    .map((r) => {
      const g = label(r.mib);
      const limit = r.store / r.bare;
      const head =
        `${g}: the simulation reaches ${round(r.sim / r.bare)} × the bare loop (goal ${goalAt(r.mib)}); a loop that ` +
        `does nothing but store a 4-byte last-touch time per reference reaches ${round(limit)} ×, and the ` +
        `simulation runs at ${round(r.sim / r.store)} × that store.`;
      return limit < goalAt(r.mib)
        ? `${head} The store alone stays under the goal: the bare loop stores 1 byte a page into ` +
            `${round(r.pages / 2 ** 20)} MiB, an exact last-touch time 4 bytes a page into ${round((r.pages * 4) / 2 ** 20)} MiB ` +
            `(four times the cache and TLB footprint). What stands in the way is the width of the exact touch ` +
            `record; a narrower one (a coarse epoch) would change when a page counts as hot, which this change ` +
            `does not do (docs/model.md).`
        : `${head} The store alone reaches the goal, so the code around it is what stands in the way.`;
    })
    .join(' ');
}
