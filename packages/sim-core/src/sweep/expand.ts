import { PRESET_NAMES, presetInput } from '../presets.ts';
import { ScenarioError, parseScenario, type Scenario } from '../scenario.ts';
import { cloneJson, setPath } from './paths.ts';
import {
  SEED_AXIS,
  SweepError,
  SweepTooLargeError,
  type AxisValue,
  type SweepDefinition,
} from './schema.ts';

/** One varied field and the values it takes, in the sweep's order. */
export interface SweepAxis {
  path: string;
  values: AxisValue[];
}

/**
 * One job: a grid point and a seed, all of the sweep's policies run together in one Comparison
 * (so they see the identical reference stream). A result is a pure function of a job.
 */
export interface SweepJob {
  index: number;
  /** The grid cell (the point without its seed); jobs of one cell differ only in seed. */
  cell: number;
  /** The non-seed axes' values at this point, by path. */
  point: Record<string, AxisValue>;
  seed: number;
  scenario: Scenario;
  policies: string[];
}

export interface SweepPlan {
  name: string;
  /** The non-seed axes, outermost first. */
  axes: SweepAxis[];
  seeds: number[];
  policies: string[];
  baseline: string;
  figures: string[];
  cells: number;
  /** Cell-major, seeds innermost: the fixed order of every output. */
  jobs: SweepJob[];
  /** jobs × policies. */
  runs: number;
}

export interface ExpandOptions {
  /** Refuse a sweep of more runs (jobs × policies) than this before expanding it. */
  maxRuns?: number;
}

const MAX_ISSUES = 20;
const MAX_SEED = 0xffffffff;

/** A range's values, rounded so that 0.1 steps give 0.3 and not 0.30000000000000004. */
function rangeValues(from: number, to: number, step: number): number[] | string {
  if (to < from) return `range runs backwards (from ${from} to ${to})`;
  const n = Math.floor((to - from) / step + 1e-9) + 1;
  if (n > 10_000) return `range has ${n} values; allowed at most 10000`;
  return Array.from({ length: n }, (_, i) => Number((from + i * step).toPrecision(12)));
}

function axisValues(v: SweepDefinition['axes'][string]): AxisValue[] | string {
  return Array.isArray(v) ? v : rangeValues(v.from, v.to, v.step);
}

/** The preset or inline scenario a sweep starts from; a file name is the caller's to read. */
export function baseInput(def: SweepDefinition): Record<string, unknown> {
  if (typeof def.base !== 'string') return cloneJson(def.base);
  if (PRESET_NAMES.includes(def.base))
    return cloneJson(presetInput(def.base)) as Record<string, unknown>;
  throw new SweepError([
    `base: "${def.base}" is not a preset (allowed: ${PRESET_NAMES.join(', ')}) nor an inline scenario`,
  ]);
}

const fmt = (v: AxisValue) => JSON.stringify(v);

/**
 * Expand a validated sweep into its jobs, validating the scenario of every grid point with the
 * scenario schema first: a bad axis is refused, naming the axis, the value and what is allowed,
 * before anything runs. `base` is the base scenario's input (default: the preset or inline one).
 */
export function expandSweep(
  def: SweepDefinition,
  base: Record<string, unknown> = baseInput(def),
  opts: ExpandOptions = {},
): SweepPlan {
  const issues: string[] = [];
  const axes: SweepAxis[] = [];
  let seeds: number[] = [1];
  for (const [path, spec] of Object.entries(def.axes)) {
    const values = axisValues(spec);
    if (typeof values === 'string') {
      issues.push(`axes["${path}"]: ${values}`);
      continue;
    }
    if (path === SEED_AXIS) {
      const bad = values.find(
        (s) => !(Number.isInteger(s) && Number(s) >= 0 && Number(s) <= MAX_SEED),
      );
      if (bad !== undefined)
        issues.push(`axes["seed"]: ${fmt(bad)} is not a seed; allowed integers 0 to ${MAX_SEED}`);
      else seeds = values as number[];
    } else axes.push({ path, values });
  }
  if (issues.length) throw new SweepError(issues);

  const cells = axes.reduce((n, a) => n * a.values.length, 1);
  const runs = cells * seeds.length * def.policies.length;
  if (opts.maxRuns !== undefined && runs > opts.maxRuns)
    throw new SweepTooLargeError(
      runs,
      opts.maxRuns,
      `the sweep has ${cells} grid points × ${seeds.length} seeds × ${def.policies.length} policies = ${runs} runs; allowed at most ${opts.maxRuns}`,
    );

  const fixed = cloneJson(base);
  if (def.seconds !== undefined) fixed.seconds = def.seconds;
  for (const [path, value] of Object.entries(def.set)) {
    const err = setPath(fixed, path, value);
    if (err) issues.push(`set["${path}"]: ${err}`);
  }
  if (issues.length) throw new SweepError(issues);

  const scenarios: Scenario[] = [];
  const points: Record<string, AxisValue>[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  const report = (msg: string) => {
    if (seen.has(msg)) return;
    seen.add(msg);
    if (seen.size <= MAX_ISSUES) issues.push(msg);
    else dropped++;
  };
  for (let c = 0; c < cells; c++) {
    // Mixed-radix digits of c, first axis outermost.
    const point: Record<string, AxisValue> = {};
    let rest = c;
    for (let a = axes.length - 1; a >= 0; a--) {
      const n = axes[a].values.length;
      point[axes[a].path] = axes[a].values[rest % n];
      rest = Math.floor(rest / n);
    }
    const ordered = Object.fromEntries(axes.map((a) => [a.path, point[a.path]]));
    points.push(ordered);
    const input = cloneJson(fixed);
    let pathError = false;
    for (const a of axes) {
      const err = setPath(input, a.path, ordered[a.path]);
      if (err) {
        report(`axes["${a.path}"]: ${err}`);
        pathError = true;
      }
    }
    if (pathError) continue;
    try {
      scenarios.push(parseScenario(input));
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      for (const issue of e.issues) {
        // Blame the axis whose field the issue is about when there is one; else the point.
        const axis = axes.find(
          (a) => issue.startsWith(`${a.path}:`) || issue.startsWith(`${a.path}.`),
        );
        if (axis) report(`axes["${axis.path}"] value ${fmt(ordered[axis.path])}: ${issue}`);
        else {
          const at = axes.map((a) => `${a.path}=${fmt(ordered[a.path])}`).join(', ');
          report(at ? `at ${at}: ${issue}` : `base scenario: ${issue}`);
        }
      }
    }
  }
  if (dropped) issues.push(`… and ${dropped} more`);
  if (issues.length) throw new SweepError(issues);

  const jobs: SweepJob[] = [];
  for (let c = 0; c < cells; c++)
    for (const seed of seeds)
      jobs.push({
        index: jobs.length,
        cell: c,
        point: points[c],
        seed,
        scenario: scenarios[c],
        policies: [...def.policies],
      });
  return {
    name: def.name,
    axes,
    seeds,
    policies: [...def.policies],
    baseline: def.baseline ?? def.policies[0],
    figures: [...def.figures],
    cells,
    jobs,
    runs,
  };
}
