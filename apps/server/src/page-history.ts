import {
  LENSES,
  LENS_NAMES,
  type PageEvent,
  type PageHistory,
  type PageHistoryRun,
} from '@agelab/protocol';
import {
  ALL_COUNTERS,
  EV,
  EVENT_NAMES,
  KERNEL_PATHS,
  PageClassifier,
  classOf,
  kernelPathId,
  type Comparison,
  type EventKind,
} from '@agelab/sim-core';

export type { PageEvent, PageHistory, PageHistoryRun } from '@agelab/protocol';

export class Cancelled extends Error {
  constructor() {
    super('page history cancelled');
  }
}

const MAX_EVENTS_PER_RUN = 20_000;
/** References replayed between two turns of the event loop. */
const SLICE_REFS = 200_000;

const turn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Every event that touched guest frame `gfn` between simulated seconds `from` and `to`, in every
 * run of the comparison. Nothing per page is kept while a run plays: the run is deterministic, so
 * a replica re-simulates from the nearest checkpoint with the event log filtered to that frame
 * (and to reclaim-pass markers, which number the passes). It yields between slices and stops
 * when `signal.aborted` (the client went away).
 */
export async function pageHistory(
  cmp: Comparison,
  gfn: number,
  from: number,
  to: number,
  signal: { aborted: boolean },
): Promise<PageHistory> {
  const rate = cmp.rate;
  const fromRef = Math.max(0, Math.round(from * rate));
  const toRef = Math.max(fromRef, Math.round(to * rate));
  const rep = cmp.replica(fromRef);
  const step = async (target: number, drain: (() => void) | null) => {
    while (rep.refIndex < target) {
      if (signal.aborted) throw new Cancelled();
      rep.step(Math.min(SLICE_REFS, target - rep.refIndex));
      drain?.();
      await turn();
    }
  };
  await step(fromRef, null);
  const kinds = EVENT_NAMES.map((_, k) => k as EventKind).filter((k) => k !== EV.REF);
  rep.setEventMode('all', { kinds, capacity: 1 << 20 });
  const passIx = ALL_COUNTERS.index.sim_reclaim_passes;
  const runs: PageHistoryRun[] = rep.sims.map((sim) => {
    sim.events.filterGfns(gfn, gfn + 1);
    return {
      policy: sim.policy.name,
      events: [],
      truncated: false,
      end: { classes: {}, lastTouch: null },
    };
  });
  // The pass each run is in: passes started before the window, then the RECLAIM markers.
  const pass = rep.sims.map((s) => s.counters[passIx]);
  const inPass = rep.sims.map(() => false);
  const drain = () =>
    rep.sims.forEach((sim, r) => {
      const b = sim.events.drain();
      const out = runs[r];
      for (let i = 0; i < b.count; i++) {
        const kind = b.kind[i];
        if (kind === EV.RECLAIM) {
          if (b.arg[i] === 1) {
            pass[r]++;
            inPass[r] = true;
          } else inPass[r] = false;
          continue;
        }
        if (out.events.length >= MAX_EVENTS_PER_RUN) {
          out.truncated = true;
          continue;
        }
        const e: PageEvent = {
          refIndex: b.at[i],
          time: b.at[i] / rate,
          kind: EVENT_NAMES[kind],
          arg: b.arg[i],
          path: KERNEL_PATHS[kernelPathId(kind, b.arg[i], b.site[i])],
          pass: inPass[r] ? pass[r] : null,
        };
        if (kind === EV.AGE) e.verdict = b.arg[i] ? 'young' : 'old';
        if (kind === EV.FALSE_VERDICT) e.verdict = b.arg[i] === 0 ? 'false old' : 'false young';
        out.events.push(e);
      }
    });
  await step(toRef, drain);
  drain();
  rep.sims.forEach((sim, r) => {
    const w = new PageClassifier(sim).word(gfn);
    const classes: Record<string, string> = {};
    LENS_NAMES.forEach((lens, l) => (classes[lens] = LENSES[lens].classes[classOf(w, l)]));
    const t = sim.host.touchedAt(gfn);
    runs[r].end = { classes, lastTouch: t === 0 ? null : (t - 1) / rate };
  });
  return { gfn, from: fromRef / rate, to: toRef / rate, runs };
}
