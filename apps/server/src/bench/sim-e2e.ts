/**
 * Benchmark: `npm run sim` end to end, as a user runs it, on a no-pressure uniform scenario (its
 * own reference generator, the CLI, the summary included), against a bare loop that draws uniform
 * references with xorshift32 and marks a byte per reference. Both run as child processes; each is
 * run for two lengths and the figure is the marginal cost, (time of the long run − time of the
 * short one) / the references between them, so start-up, building the guest and the boot scan
 * cancel out.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BaselineRatio, BenchEntry, BenchResult, Figure } from './harness.ts';
import { median, round } from './timing.ts';

export interface SimE2eOptions {
  guestsMiB?: readonly number[];
  /** References between the short and the long run (the issue measures 8e7). */
  extraRefs?: number;
  reps?: number;
}

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** References per simulated second in the scenario: a whole run is a few simulated seconds. */
const RATE = 10_000_000;
const GOALS: Record<number, number> = { 4096: 0.5, 65536: 0.3 };
const goalAt = (mib: number) => GOALS[mib] ?? 0.5;
const label = (mib: number) => (mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`);

/** The bare loop, as a program of its own: xorshift32, one byte marked per reference. */
const BARE = `
const pages = Number(process.argv[1]), n = Number(process.argv[2]);
const touched = new Uint8Array(pages);
let x = 2463534242;
for (let i = 0; i < n; i++) {
  x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
  touched[(x >>> 0) % pages] = 1;
}
let s = 0; for (let g = 0; g < pages; g += 4096) s += touched[g];
process.stdout.write(String(s));
`;

export function simE2eBench(opts: SimE2eOptions = {}): BenchEntry {
  return {
    id: 'sim-e2e',
    title: '`npm run sim` end to end against a bare xorshift32 loop',
    goal:
      'the marginal cost per reference of `npm run sim` (no pressure, uniform) reaches ≥ 0.5 × the bare ' +
      'loop’s speed at 1M pages and ≥ 0.3 × at 16M pages',
    run: async (ctx) => run(ctx.quick, opts, ctx.log),
  };
}

function wallMs(cmd: string, args: string[]): number {
  const t0 = performance.now();
  execFileSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 });
  return performance.now() - t0;
}

function run(quick: boolean, opts: SimE2eOptions, log: (l: string) => void): BenchResult {
  const guests = opts.guestsMiB ?? [4096, 65536];
  // 8e7 in quick runs too: with fewer, the noise of building a 16M-page guest (in both runs)
  // swamps the difference (a quick run with 2e7 once measured a negative marginal cost)
  const extra = opts.extraRefs ?? 80_000_000;
  const reps = opts.reps ?? (quick ? 1 : 2);
  const dir = mkdtempSync(join(tmpdir(), 'agelab-e2e-'));
  const figures: Figure[] = [];
  const ratios: BaselineRatio[] = [];
  const missed: string[] = [];
  const details: string[] = [];
  const unmeasured: string[] = [];
  try {
    for (const mib of guests) {
      const pages = mib * 256;
      const file = join(dir, `uniform-${mib}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          name: `e2e-${mib}mib`,
          guest: { memoryMiB: mib },
          host: { memcgLimitMiB: mib, swapMiB: 0 },
          rate: RATE,
          boot: true,
          workload: { type: 'uniform' },
        }),
      );
      // the short run is past the boot scan (2 × pages references), so both runs fault every page in
      const short = 2 * pages + 4_000_000;
      const long = short + extra;
      const sim = (refs: number) =>
        wallMs('npm', [
          'run',
          '-s',
          'sim',
          '--',
          '--scenario',
          file,
          '--policy',
          'unmap-emulation',
          '--seconds',
          String(refs / RATE),
          '--json',
        ]);
      const bare = (refs: number) =>
        wallMs(process.execPath, ['-e', BARE, String(pages), String(refs)]);
      log(`  ${label(mib)}: runs of ${short} and ${long} references, ${reps} repetitions`);
      const simMs: number[] = [];
      const bareMs: number[] = [];
      sim(short); // a warm-up (it also builds the CLI's bundle if a source changed)
      for (let r = 0; r < reps; r++) {
        simMs.push(sim(long) - sim(short));
        bareMs.push(bare(long) - bare(short));
      }
      const simNs = (median(simMs) * 1e6) / extra;
      const bareNs = (median(bareMs) * 1e6) / extra;
      if (!(simNs > 0 && bareNs > 0)) {
        unmeasured.push(
          `${label(mib)}: the long run was not slower than the short one (sim ${round(simNs)}, bare ` +
            `${round(bareNs)} ns/ref): the machine's noise exceeded ${extra} references' cost`,
        );
        continue;
      }
      const ratio = bareNs / simNs;
      const g = label(mib);
      figures.push(
        { name: `${g}: npm run sim, marginal cost`, value: round(simNs), unit: 'ns/ref' },
        { name: `${g}: bare xorshift32 loop, marginal cost`, value: round(bareNs), unit: 'ns/ref' },
      );
      ratios.push({
        subject: `${g}: npm run sim`,
        baseline: 'bare xorshift32 loop',
        ratio: round(ratio),
        meaning: `speed as a fraction of the bare loop's (goal ≥ ${goalAt(mib)})`,
      });
      details.push(`${g}: ${round(ratio)} × (goal ${goalAt(mib)})`);
      if (ratio < goalAt(mib))
        missed.push(
          `${g}: ${round(simNs)} ns/ref against the bare loop's ${round(bareNs)}; the hot path alone ` +
            `(hot-path) and the scenario's generator (xoshiro128** with a float multiply per draw, against ` +
            `xorshift32 with an integer modulo) both stand between them.`,
        );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    status: 'measured',
    figures,
    ratios,
    goal: {
      text: guests.map((m) => `≥ ${goalAt(m)} × at ${label(m)}`).join(', '),
      met: unmeasured.length ? null : missed.length === 0,
      detail: [...details, ...unmeasured].join('; '),
    },
    method:
      `A scenario file per guest size (${guests.map(label).join(', ')}): memcg limit = guest, no swap, uniform ` +
      `workload, boot scan on, ${RATE} references per simulated second. \`npm run -s sim -- --scenario FILE ` +
      `--policy unmap-emulation --seconds S --json\` runs as a child process for a short run (past the boot ` +
      `scan) and for one ${extra} references longer; the bare loop (xorshift32, \`touched[x % pages] = 1\`) ` +
      `runs as \`node -e\` for the same two lengths. Marginal cost = (long − short) wall time / ${extra}; ` +
      `one warm-up run, then the median of ${reps} pairs. Both children inherit the bench's environment ` +
      `(GLIBC_TUNABLES with hugetlb, see main.ts).`,
    obstacle: missed.length || unmeasured.length ? [...missed, ...unmeasured].join(' ') : undefined,
  };
}
