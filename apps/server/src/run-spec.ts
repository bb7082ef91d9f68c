import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  DEFAULT_SCENARIO_LIMITS,
  KNOB_NAMES,
  POLICY_NAMES,
  PRESET_NAMES,
  ScenarioError,
  getPreset,
  parseScenario,
  type KnobChange,
  type Scenario,
  type WorkloadSpec,
} from '@agelab/sim-core';
import type { ServerConfig } from './config.ts';
import { HttpError } from './errors.ts';
import { khugepagedProblem, knobProblem } from './knob-ranges.ts';

/** The body of POST /api/runs, as the route schema lets it through. */
export interface CreateRunBody {
  /** A run's descriptor (from `descriptorOf`): rebuilds it; nothing else may be given. */
  descriptor?: string;
  preset?: string;
  scenario?: unknown;
  policy?: string;
  policies?: string[];
  seed?: number;
  /** Knob changes to replay (a shared URL); each applies at its reference index. */
  knobs?: { at: number; knob: string; value: number }[];
}

/** What a run is: everything needed to recompute it anywhere, bit for bit. */
export interface RunSpec {
  preset: string | null;
  scenario: Scenario;
  policies: string[];
  seed: number;
  knobs: KnobChange[];
}

export const DEFAULT_SEED = 1;

function workloadUsesTrace(w: WorkloadSpec): boolean {
  if (w.type === 'trace') return true;
  if (w.type === 'mix') return w.parts.some((p) => workloadUsesTrace(p.workload));
  if (w.type === 'phases') return w.phases.some((p) => workloadUsesTrace(p.workload));
  return false;
}

/** Check a create request against the simulation and the server's limits; throws HttpError 400. */
export function resolveRunSpec(body: CreateRunBody, cfg: ServerConfig): RunSpec {
  if ((body.preset === undefined) === (body.scenario === undefined))
    throw new HttpError(
      400,
      'bad_request',
      'give exactly one of "preset" (a name) or "scenario" (an object)',
    );
  if ((body.policy === undefined) === (body.policies === undefined))
    throw new HttpError(
      400,
      'bad_request',
      'give exactly one of "policy" (a run) or "policies" (a comparison)',
    );
  let scenario: Scenario;
  if (body.preset !== undefined) {
    if (!PRESET_NAMES.includes(body.preset))
      throw new HttpError(
        400,
        'unknown_preset',
        `unknown preset "${body.preset}"; valid presets: ${PRESET_NAMES.join(', ')}`,
      );
    scenario = getPreset(body.preset);
  } else {
    try {
      scenario = parseScenario(body.scenario, {
        ...DEFAULT_SCENARIO_LIMITS,
        maxWorkloadBytes: cfg.maxWorkloadMiB * 2 ** 20,
      });
    } catch (e) {
      if (e instanceof ScenarioError) throw new HttpError(400, 'bad_scenario', e.message, e.issues);
      throw e;
    }
    if (workloadUsesTrace(scenario.workload))
      throw new HttpError(
        400,
        'bad_scenario',
        'workload type "trace" needs a trace file, which the server does not take over HTTP; use `npm run sim`',
      );
  }
  if (scenario.guest.memoryMiB > cfg.maxGuestMiB)
    throw new HttpError(
      400,
      'limit',
      `scenario.guest.memoryMiB: ${scenario.guest.memoryMiB} is over this server's limit of ${cfg.maxGuestMiB} MiB (AGELAB_MAX_GUEST_MIB)`,
    );
  const policies = body.policies ?? [body.policy as string];
  for (const p of policies)
    if (!POLICY_NAMES.includes(p))
      throw new HttpError(
        400,
        'unknown_policy',
        `unknown policy "${p}"; valid policies: ${POLICY_NAMES.join(', ')}`,
      );
  if (new Set(policies).size !== policies.length)
    throw new HttpError(
      400,
      'bad_request',
      `policies: each policy at most once (got ${policies.join(', ')})`,
    );
  if (policies.length > cfg.maxPolicies)
    throw new HttpError(400, 'limit', `policies: at most ${cfg.maxPolicies} in one comparison`);
  const knobs = (body.knobs ?? []).map((k, i): KnobChange => {
    if (!(KNOB_NAMES as readonly string[]).includes(k.knob))
      throw new HttpError(
        400,
        'bad_request',
        `knobs.${i}.knob: "${k.knob}" is not a knob; allowed: ${KNOB_NAMES.join(', ')}`,
      );
    const knob = k.knob as KnobChange['knob'];
    if (typeof k.at !== 'number' || !Number.isSafeInteger(k.at) || k.at < 0)
      throw new HttpError(
        400,
        'bad_request',
        `knobs.${i}.at: ${k.at} is not a reference index; allowed whole numbers from 0`,
      );
    const problem = knobProblem(knob, k.value, scenario.guest.memoryMiB);
    if (problem) throw new HttpError(400, 'bad_request', `knobs.${i}.value: ${problem}`);
    return { at: k.at, knob, value: k.value };
  });
  knobs.sort((a, b) => a.at - b.at);
  // khugepaged's pages × wakes, from the scenario's and then after each knob change in order
  let pagesToScan = scenario.thp.khugepaged.pagesToScan;
  let scanSleepMs = scenario.thp.khugepaged.scanSleepMs;
  for (const k of [null, ...knobs]) {
    if (k?.knob === 'khugepagedPagesToScan') pagesToScan = k.value;
    else if (k?.knob === 'khugepagedScanSleepMs') scanSleepMs = k.value;
    else if (k) continue;
    const problem = khugepagedProblem(pagesToScan, scanSleepMs);
    if (problem)
      throw new HttpError(
        400,
        k ? 'bad_request' : 'bad_scenario',
        `${k ? `knobs (at ${k.at})` : 'scenario.thp.khugepaged'}: ${problem}`,
      );
  }
  return {
    preset: body.preset ?? null,
    scenario,
    policies,
    seed: body.seed ?? DEFAULT_SEED,
    knobs,
  };
}

/** Descriptor format: this prefix, then base64url of raw-deflated JSON. */
const DESCRIPTOR_PREFIX = 'r1.';

interface DescriptorJson {
  /** preset name, or the whole scenario */
  p?: string;
  s?: Scenario;
  /** policies, seed, knob log as [at, knob, value] */
  P: string[];
  S: number;
  k: [number, string, number][];
}

/**
 * A compact, URL-safe description of a run: (preset or scenario, policies, seed, knob log), all a
 * deterministic run depends on, so any server rebuilds the same run from it (docs/protocol.md).
 */
export function descriptorOf(spec: RunSpec): string {
  const j: DescriptorJson = {
    ...(spec.preset ? { p: spec.preset } : { s: spec.scenario }),
    P: spec.policies,
    S: spec.seed,
    k: spec.knobs.map((k) => [k.at, k.knob, k.value]),
  };
  return DESCRIPTOR_PREFIX + deflateRawSync(JSON.stringify(j)).toString('base64url');
}

/** The create request a descriptor stands for; throws HttpError 400 `bad_descriptor`. */
export function bodyOfDescriptor(d: string, maxBytes: number): CreateRunBody {
  const bad = (why: string) =>
    new HttpError(
      400,
      'bad_descriptor',
      `descriptor: ${why} (a run descriptor starts with "${DESCRIPTOR_PREFIX}")`,
    );
  if (
    !d.startsWith(DESCRIPTOR_PREFIX) ||
    !/^[A-Za-z0-9_-]*$/.test(d.slice(DESCRIPTOR_PREFIX.length))
  )
    throw bad('not a run descriptor');
  let j: unknown;
  try {
    const raw = inflateRawSync(Buffer.from(d.slice(DESCRIPTOR_PREFIX.length), 'base64url'), {
      maxOutputLength: maxBytes,
    });
    j = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw bad(`cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof j !== 'object' || j === null) throw bad('not an object');
  const o = j as Partial<DescriptorJson>;
  if (!Array.isArray(o.P) || !o.P.every((p) => typeof p === 'string')) throw bad('no policies');
  if (typeof o.S !== 'number' || !Number.isInteger(o.S) || o.S < 0 || o.S > 0xffffffff)
    throw bad('no seed (a whole number from 0 to 4294967295)');
  if (o.P.length < 1 || o.P.length > 16) throw bad('from 1 to 16 policies');
  if (!Array.isArray(o.k)) throw bad('no knob log');
  const knobs = o.k.map((k, i) => {
    if (
      !Array.isArray(k) ||
      k.length !== 3 ||
      typeof k[0] !== 'number' ||
      typeof k[1] !== 'string' ||
      typeof k[2] !== 'number'
    )
      throw bad(`knob ${i} is not [at, knob, value]`);
    return { at: k[0], knob: k[1], value: k[2] };
  });
  return {
    ...(typeof o.p === 'string' ? { preset: o.p } : { scenario: o.s }),
    policies: o.P,
    seed: o.S,
    knobs,
  };
}
