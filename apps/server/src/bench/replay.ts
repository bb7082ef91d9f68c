/**
 * Benchmark 3b: trace replay time against trace length, for every classic policy (OPT included).
 * Linear replay means a constant time per reference: the figure is ns per reference at each
 * length, and the ratio is the longest trace's ns/ref over the shortest's (1.0 = perfectly linear).
 */
import {
  CLASSIC_POLICY_NAMES,
  buildReferenceSource,
  parseScenario,
  runClassic,
  type ClassicPolicyName,
} from '@agelab/sim-core';
import type { BenchEntry, BenchResult, BaselineRatio, Figure } from './harness.ts';
import { interleaved, round } from './timing.ts';

export interface ReplayOptions {
  lengths?: readonly number[];
  reps?: number;
  policies?: readonly ClassicPolicyName[];
}

/** Our reading of "linear": ns per reference at the longest trace within this factor of the shortest. */
const LINEAR_FACTOR = 1.5;

export function replayBench(opts: ReplayOptions = {}): BenchEntry {
  return {
    id: 'replay',
    title: 'Trace replay: time against trace length',
    goal: `replay time linear in trace length for every policy, OPT included (ns/ref at the longest trace ≤ ${LINEAR_FACTOR} × the shortest)`,
    run: async (ctx) => run(ctx.quick, opts, ctx.log),
  };
}

/** 64K pages with a 16K-page hot set taking 90% of references: plenty of faults and of hits. */
function referenceString(length: number): Uint32Array {
  const s = parseScenario({
    name: 'replay-bench',
    guest: { memoryMiB: 256 },
    host: { memcgLimitMiB: 256, swapMiB: 0 },
    boot: false,
    workload: { type: 'hotcold', hotMiB: 64, hotShare: 0.9 },
  });
  const out = new Uint32Array(length);
  buildReferenceSource(s, 7).fill(out, 0, length);
  return out;
}

const FRAMES = 16384;

function run(quick: boolean, opts: ReplayOptions, log: (l: string) => void): BenchResult {
  const lengths =
    opts.lengths ?? (quick ? [100_000, 200_000, 400_000] : [1_000_000, 2_000_000, 4_000_000]);
  const reps = opts.reps ?? (quick ? 2 : 5);
  const policies = opts.policies ?? CLASSIC_POLICY_NAMES;
  const longest = referenceString(lengths[lengths.length - 1]);
  // Prefixes of one string: each longer trace extends the shorter one, so only length differs.
  const traces = lengths.map((n) => longest.subarray(0, n));
  const figures: Figure[] = [];
  const ratios: BaselineRatio[] = [];
  let worst = 0;
  let faults = 0;
  for (const p of policies) {
    const fns: Record<string, () => void> = {};
    traces.forEach(
      (t, i) => (fns[String(i)] = () => void (faults = runClassic(p, t, FRAMES).faults)),
    );
    const ms = interleaved(fns, reps);
    const nsPerRef = lengths.map((n, i) => (ms[String(i)] * 1e6) / n);
    lengths.forEach((n, i) =>
      figures.push({ name: `${p}, ${n / 1e6}M refs`, value: round(nsPerRef[i]), unit: 'ns/ref' }),
    );
    const r = nsPerRef[nsPerRef.length - 1] / nsPerRef[0];
    worst = Math.max(worst, r);
    ratios.push({
      subject: `${p} at ${lengths[lengths.length - 1] / 1e6}M refs`,
      baseline: `${p} at ${lengths[0] / 1e6}M refs`,
      ratio: round(r),
      meaning: 'ns/ref, longest over shortest (1 = linear)',
    });
    log(
      `  ${p}: ${nsPerRef.map((x) => round(x)).join(' / ')} ns/ref (${round(faults / lengths[lengths.length - 1], 2)} fault rate)`,
    );
  }
  const met = worst <= LINEAR_FACTOR;
  return {
    status: 'measured',
    figures,
    ratios,
    goal: {
      text: `linear (ratio ≤ ${LINEAR_FACTOR})`,
      met,
      detail: `largest ratio ${round(worst)}`,
    },
    method:
      `One generated reference string (65,536 pages, a 16,384-page hot set taking 90% of references, seed 7) and ` +
      `its prefixes of ${lengths.map((n) => n.toLocaleString('en')).join(', ')} references, replayed with runClassic ` +
      `against ${FRAMES} frames (validation, page counting and, for OPT, the next-use table included). ` +
      `Lengths interleaved per policy: one warm-up round, then the median of ${reps}.`,
    obstacle: met
      ? undefined
      : `At least one policy's time per reference grows with trace length (ratio ${round(worst)}).`,
  };
}
