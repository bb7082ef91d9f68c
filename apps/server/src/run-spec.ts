import {
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

/** The body of POST /api/runs, as the route schema lets it through. */
export interface CreateRunBody {
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
      scenario = parseScenario(body.scenario);
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
    return { at: k.at, knob: k.knob as KnobChange['knob'], value: k.value };
  });
  knobs.sort((a, b) => a.at - b.at);
  return {
    preset: body.preset ?? null,
    scenario,
    policies,
    seed: body.seed ?? DEFAULT_SEED,
    knobs,
  };
}
