import type { Comparison } from './comparison.ts';
import { guestCost, type CostBreakdown } from './cost-model.ts';
import type { CounterName } from './counters.ts';

export interface RunSummary {
  policy: string;
  counters: Record<CounterName, number>;
  slowdown: number;
  falseOld: number;
  cost: CostBreakdown;
}

/** The figures a person compares: counters, guest slowdown and the false-old count, per run. */
export function summarize(cmp: Comparison): RunSummary[] {
  const s = cmp.scenario;
  return cmp.sims.map((sim) => {
    const counters = sim.counterRecord();
    const cost = guestCost(counters, {
      profile: s.host.costProfile,
      swapDevice: s.host.swapDevice,
      rate: s.rate,
      thp: s.thp.enabled,
      shadowAccessedMask: sim.policy.shadowAccessedMask,
    });
    return {
      policy: sim.policy.name,
      counters,
      slowdown: cost.slowdown,
      falseOld: counters.sim_false_old,
      cost,
    };
  });
}
