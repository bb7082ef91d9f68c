/**
 * Benchmark: how long `npm run sim` takes to answer for a textbook reference string (Belady's,
 * 12 references, OPT in 3 frames): nearly all of it is start-up. Measured as whole child
 * processes, against `node -e 0` (the floor no Node program goes under) in the same run.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchEntry, BenchResult } from './harness.ts';
import { median, round } from './timing.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const GOAL_MS = 500;
const ARGS = [
  'run',
  '-s',
  'sim',
  '--',
  'replay',
  '--trace',
  'packages/sim-core/testdata/pages/belady.txt',
  '--frames',
  '3',
  '--policy',
  'opt',
];

export interface SimStartupOptions {
  reps?: number;
}

function wallMs(cmd: string, args: string[]): number {
  const t0 = performance.now();
  execFileSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  return performance.now() - t0;
}

export function simStartupBench(opts: SimStartupOptions = {}): BenchEntry {
  return {
    id: 'sim-startup',
    title: '`npm run sim` answering for a textbook string',
    goal: `\`npm run sim -- replay\` of a textbook string answers in under ${GOAL_MS} ms`,
    run: async (ctx) => run(opts.reps ?? (ctx.quick ? 3 : 9)),
  };
}

function run(reps: number): BenchResult {
  wallMs('npm', ARGS); // warm-up: builds the CLI's bundle if a source changed
  const sim: number[] = [];
  const npm: number[] = [];
  const node: number[] = [];
  for (let r = 0; r < reps; r++) {
    sim.push(wallMs('npm', ARGS));
    npm.push(wallMs('npm', ['run', '-s', 'env', '--', 'true']));
    node.push(wallMs(process.execPath, ['-e', '0']));
  }
  const s = median(sim);
  const n = median(node);
  const p = median(npm);
  const met = s < GOAL_MS;
  return {
    status: 'measured',
    figures: [
      { name: '`npm run -s sim -- replay …` (Belady, OPT, 3 frames)', value: round(s), unit: 'ms' },
      { name: '`npm run -s env -- true` (npm alone)', value: round(p), unit: 'ms' },
      { name: '`node -e 0`', value: round(n), unit: 'ms' },
    ],
    ratios: [
      {
        subject: 'npm run sim',
        baseline: 'node -e 0',
        ratio: round(s / n),
        meaning: 'times the start-up of an empty Node program',
      },
      {
        subject: 'npm run sim',
        baseline: 'npm alone',
        ratio: round(s / p),
        meaning: 'times what npm itself spends starting a script',
      },
    ],
    goal: { text: `< ${GOAL_MS} ms`, met, detail: `${round(s)} ms (median of ${reps})` },
    method:
      `\`npm ${ARGS.join(' ')}\` from the project root as a child process, wall time, one warm-up, then the ` +
      `median of ${reps}, interleaved with \`npm run -s env -- true\` (what npm alone costs to start a script) ` +
      `and \`node -e 0\`. \`npm run sim\` starts apps/server/src/cli/sim-launch.mjs, which runs a bundle of the ` +
      `CLI built by esbuild on first use (and again whenever a source is newer than it) instead of transpiling ` +
      `every source through tsx at each start.`,
    obstacle: met
      ? undefined
      : `npm alone takes ${round(p)} ms to start a script and node ${round(n)} ms to start at all, leaving ` +
        `${round(s - p)} ms for the CLI's own start-up and work.`,
  };
}
