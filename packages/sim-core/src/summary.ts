import { countersToRecord } from '@agelab/ept-model';
import type { Comparison } from './comparison.ts';
import { guestCost, type CostBreakdown } from './cost-model.ts';
import { ALL_COUNTERS, GAUGES, type CounterName } from './counters.ts';
import type { Simulation } from './simulation.ts';

/**
 * The same figures over the steady-state window only: from `fromSeconds` (the scenario's
 * steadyFromSeconds, default 10 simulated seconds — after boot has touched every page and the
 * first reclaim waves have passed) to where the run stands. Event counters are differences over
 * the window; gauges are their current values.
 */
export interface SteadySummary {
  fromSeconds: number;
  toSeconds: number;
  counters: Record<CounterName, number>;
  slowdown: number;
  falseOld: number;
  cost: CostBreakdown;
}

export interface RunSummary {
  policy: string;
  /** The host kernel whose reclaim this run used ('2.6.33' or '2.6.34'). */
  hostKernel: string;
  counters: Record<CounterName, number>;
  slowdown: number;
  falseOld: number;
  cost: CostBreakdown;
  /** Figures over the steady-state window; null until the run has passed its start. */
  steady: SteadySummary | null;
}

function costOf(cmp: Comparison, sim: Simulation, counters: Record<CounterName, number>) {
  const s = cmp.scenario;
  return guestCost(counters, {
    profile: s.host.costProfile,
    swapDevice: s.host.swapDevice,
    rate: s.rate,
    thp: s.thp.enabled,
    shadowAccessedMask: sim.policy.shadowAccessedMask,
  });
}

/** The figures a person compares: counters, guest slowdown and the false-old count, per run, over the whole run and in steady state. */
export function summarize(cmp: Comparison): RunSummary[] {
  return cmp.sims.map((sim) => {
    const counters = sim.counterRecord();
    const cost = costOf(cmp, sim, counters);
    return {
      policy: sim.policy.name,
      hostKernel: sim.host.cfg.kernel,
      counters,
      slowdown: cost.slowdown,
      falseOld: counters.sim_false_old,
      cost,
      steady: steadyOf(cmp, sim, counters),
    };
  });
}

function steadyOf(
  cmp: Comparison,
  sim: Simulation,
  end: Record<CounterName, number>,
): SteadySummary | null {
  const base = sim.host.steadyBase;
  if (!base) return null;
  const start = countersToRecord(ALL_COUNTERS, base);
  const counters = { ...end };
  for (const k of ALL_COUNTERS.names) if (!GAUGES.has(k)) counters[k] = end[k] - start[k];
  const cost = costOf(cmp, sim, counters);
  return {
    fromSeconds: sim.host.steadyBaseAt / cmp.scenario.rate,
    toSeconds: cmp.time,
    counters,
    slowdown: cost.slowdown,
    falseOld: counters.sim_false_old,
    cost,
  };
}
