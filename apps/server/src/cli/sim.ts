/**
 * `npm run sim -- ...`: headless runs. Prints the final counters of each policy, the guest
 * slowdown and the false-old count, side by side for a comparison; `--json` prints one object.
 * `npm run sim -- replay ...` replays a trace against the classic replacement policies.
 */
import { parseArgs } from 'node:util';
import {
  CLASSIC_POLICY_NAMES,
  Comparison,
  POLICY_NAMES,
  ScenarioError,
  summarize,
  type RunSummary,
} from '@agelab/sim-core';
import { loadScenario } from '../scenario-loader.ts';
import { runReplay } from './replay.ts';

export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const SIM_USAGE = `usage: npm run sim -- --scenario <preset|file.json> (--policy <name> | --compare a,b,c)
                      [--seconds N] [--seed S] [--json]
       npm run sim -- replay --trace FILE --frames N --policy ${CLASSIC_POLICY_NAMES.join('|')} [--json]

  policies: ${POLICY_NAMES.join(', ')}
`;

/** Counters shown in the text table, in this order (every counter is in --json). */
const TABLE = [
  'pgmajfault',
  'pswpin',
  'pswpout',
  'pgfault',
  'pgactivate',
  'pgdeactivate',
  'pgrefill',
  'pgsteal',
  'pf_fixed',
  'exits',
  'remote_tlb_flush',
  'sim_rmap_add',
  'sim_rmap_remove',
  'sim_rmap_desc_alloc',
  'sim_rmap_desc_free',
  'sim_ept_unmap_aging',
  'sim_tlb_flush_calls',
  'sim_kvm_age_young',
  'sim_kvm_age_old',
  'thp_split_page',
  'thp_collapse_alloc',
  'sim_false_old',
  'sim_hot_pages_swapped_out',
  'sim_reclaim_passes',
  'sim_congestion_wait',
  'sim_swapcache_uncharged',
] as const;

/** Counters shown again over the steady-state window. */
const STEADY_TABLE = [
  'pgmajfault',
  'pswpin',
  'pswpout',
  'pf_fixed',
  'remote_tlb_flush',
  'sim_ept_unmap_aging',
  'sim_congestion_wait',
  'sim_false_old',
  'sim_hot_pages_swapped_out',
] as const;

class UsageError extends Error {}

export async function runSim(argv: string[], out: CliOutput): Promise<number> {
  if (argv[0] === 'replay') return runReplay(argv, out);
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string', default: 'classic' },
        policy: { type: 'string' },
        compare: { type: 'string' },
        seconds: { type: 'string' },
        seed: { type: 'string', default: '1' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    out.stderr(`${(e as Error).message}\n${SIM_USAGE}`);
    return 2;
  }
  if (values.help) {
    out.stdout(SIM_USAGE);
    return 0;
  }
  try {
    if (values.policy && values.compare)
      throw new UsageError('give --policy or --compare, not both');
    const policies = (values.compare ?? values.policy ?? 'unmap-emulation')
      .split(',')
      .map((p) => p.trim());
    for (const p of policies)
      if (!POLICY_NAMES.includes(p))
        throw new UsageError(`unknown policy "${p}"; valid policies: ${POLICY_NAMES.join(', ')}`);
    if (new Set(policies).size !== policies.length)
      throw new UsageError('--compare names a policy twice');
    const seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new UsageError(`--seed must be an integer from 0 to 4294967295, got "${values.seed}"`);
    let loaded;
    try {
      loaded = await loadScenario(values.scenario);
    } catch (e) {
      if (e instanceof ScenarioError) throw e;
      throw new UsageError((e as Error).message);
    }
    const { scenario, traces } = loaded;
    const seconds = values.seconds === undefined ? scenario.seconds : Number(values.seconds);
    if (!(seconds > 0) || seconds > 1e6)
      throw new UsageError(`--seconds must be a number in (0, 1000000], got "${values.seconds}"`);
    // A headless run never seeks: no checkpoints (each would copy every run's per-page arrays,
    // over 1 GiB a checkpoint for three 16M-page runs).
    const cmp = new Comparison(scenario, policies, seed, { traces, checkpoints: false });
    const slice = Math.max(1, Math.round(scenario.rate));
    const total = Math.round(seconds * scenario.rate);
    const started = Date.now();
    let lastReport = started;
    while (cmp.refIndex < total) {
      cmp.step(Math.min(slice, total - cmp.refIndex));
      if (Date.now() - lastReport > 1000) {
        lastReport = Date.now();
        out.stderr(
          `  ${cmp.time.toFixed(0)} of ${seconds} simulated seconds (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
        );
      }
    }
    const runs = summarize(cmp);
    if (values.json) out.stdout(JSON.stringify(toJson(scenario.name, seed, seconds, runs)) + '\n');
    else out.stdout(formatTable(scenario.name, seed, seconds, runs));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      out.stderr(`${e.message}\n${SIM_USAGE}`);
      return 2;
    }
    if (e instanceof ScenarioError) {
      out.stderr(`${e.message}\n`);
      return 2;
    }
    out.stderr(`${(e as Error).message}\n`);
    return 1;
  }
}

export function toJson(scenario: string, seed: number, seconds: number, runs: RunSummary[]) {
  return {
    scenario,
    seed,
    seconds,
    runs: runs.map((r) => ({
      policy: r.policy,
      hostKernel: r.hostKernel,
      counters: r.counters,
      slowdown: r.slowdown,
      falseOld: r.falseOld,
      steady: r.steady && {
        fromSeconds: r.steady.fromSeconds,
        toSeconds: r.steady.toSeconds,
        counters: r.steady.counters,
        slowdown: r.steady.slowdown,
        falseOld: r.steady.falseOld,
      },
    })),
  };
}

function formatTable(scenario: string, seed: number, seconds: number, runs: RunSummary[]): string {
  const w0 = Math.max(...TABLE.map((t) => t.length), 'guest slowdown'.length) + 2;
  const cols = runs.map((r) => Math.max(r.policy.length, 12) + 2);
  const row = (label: string, cells: string[]) =>
    label.padEnd(w0) + cells.map((c, i) => c.padStart(cols[i])).join('') + '\n';
  let s = `scenario ${scenario}, seed ${seed}, ${seconds} simulated seconds\n\n`;
  s += row(
    '',
    runs.map((r) => r.policy),
  );
  for (const name of TABLE)
    s += row(
      name,
      runs.map((r) => String(r.counters[name])),
    );
  s += row(
    'guest slowdown',
    runs.map((r) => `${r.slowdown.toFixed(3)}x`),
  );
  s += row(
    'false-old verdicts',
    runs.map((r) => String(r.falseOld)),
  );
  s += row(
    'host kernel',
    runs.map((r) => r.hostKernel),
  );
  const st = runs[0].steady;
  if (st) {
    s += `\nsteady state, ${st.fromSeconds} to ${st.toSeconds} simulated seconds:\n`;
    for (const name of STEADY_TABLE)
      s += row(
        name,
        runs.map((r) => String(r.steady ? r.steady.counters[name] : '')),
      );
    s += row(
      'guest slowdown',
      runs.map((r) => (r.steady ? `${r.steady.slowdown.toFixed(3)}x` : '')),
    );
  }
  return s;
}

const invokedDirectly =
  process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\/apps\//, 'apps/'));
if (invokedDirectly) {
  runSim(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }).then((code) => (process.exitCode = code));
}
