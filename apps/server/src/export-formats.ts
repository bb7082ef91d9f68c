import { ALL_COUNTERS, Comparison, EV } from '@agelab/sim-core';
import type { LiveRun } from './live-run.ts';
import { Cancelled } from './page-history.ts';

/** Counter history as CSV: one row per sample and policy, one column per counter (kernel names). */
export function historyCsv(run: LiveRun): string {
  const h = run.history;
  const rate = run.spec.scenario.rate;
  const lines = [['time_s', 'ref_index', 'policy', ...ALL_COUNTERS.names].join(',')];
  for (let i = 0; i < h.length; i++) {
    const ref = h.refAt(i);
    run.spec.policies.forEach((p, r) =>
      lines.push([ref / rate, ref, p, ...h.valuesAt(i, r)].join(',')),
    );
  }
  return lines.join('\n') + '\n';
}

export interface HistoryJson {
  runId: string;
  scenario: string;
  seed: number;
  rate: number;
  policies: string[];
  counterNames: string[];
  /** References between samples (the last interval used: it doubles when the history fills up). */
  everyRefs: number;
  samples: { refIndex: number; time: number; values: number[][] }[];
}

/** Counter history as JSON: per sample, one counter vector per policy. */
export function historyJson(run: LiveRun): HistoryJson {
  const h = run.history;
  const rate = run.spec.scenario.rate;
  const samples = [];
  for (let i = 0; i < h.length; i++) {
    const ref = h.refAt(i);
    samples.push({
      refIndex: ref,
      time: ref / rate,
      values: run.spec.policies.map((_, r) => Array.from(h.valuesAt(i, r))),
    });
  }
  return {
    runId: run.id,
    scenario: run.spec.scenario.name,
    seed: run.spec.seed,
    rate,
    policies: [...run.spec.policies],
    counterNames: [...ALL_COUNTERS.names],
    everyRefs: h.every,
    samples,
  };
}

/** Counters shown as Perfetto counter tracks unless the caller asks for all of them. */
export const TRACE_COUNTERS = [
  'pgmajfault',
  'pswpout',
  'pswpin',
  'pgdeactivate',
  'thp_split_page',
  'nr_active_anon',
  'nr_inactive_anon',
  'usage_in_bytes',
  'pf_fixed',
  'remote_tlb_flush',
  'sim_rmap_add',
  'sim_rmap_remove',
  'sim_ept_unmap_aging',
  'sim_false_old',
  'sim_hot_pages_swapped_out',
] as const;

export interface TraceEvent {
  name: string;
  ph: 'C' | 'X' | 'i' | 'M';
  ts?: number;
  dur?: number;
  pid: number;
  tid?: number;
  s?: 'p' | 'g';
  args?: Record<string, number | string>;
}

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string | number>;
}

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

/**
 * A Chrome trace-event JSON file that Perfetto (ui.perfetto.dev) opens: one process per policy,
 * counters from the history as counter tracks, every reclaim pass (try_to_free_mem_cgroup_pages)
 * as a slice and each knob change as an instant, on a simulated-time axis (1 simulated µs = 1
 * trace µs).
 *
 * Reclaim passes are not in the counter history, and the live run records events only while
 * someone watches, so they are recomputed: the run is deterministic, so a headless replay of the
 * same (scenario, policies, seed, knob log) to the same reference yields the same passes. The
 * replay runs in slices of `sliceMs` so the server keeps serving; it is bounded by `maxRefs`.
 */
export async function perfettoTrace(
  run: LiveRun,
  opts: {
    counters: readonly string[];
    maxRefs: number;
    maxSlices: number;
    sliceMs: number;
    /** Set when the client went away: the replay stops at its next slice (throws Cancelled). */
    signal?: { aborted: boolean };
  },
): Promise<ChromeTrace> {
  const { scenario, policies, seed } = run.spec;
  const rate = scenario.rate;
  const us = (ref: number) => (ref / rate) * 1e6;
  const end = Math.min(run.cmp.refIndex, opts.maxRefs);
  const knobLog = run.cmp.knobLog.filter((k) => k.at <= end).map((k) => ({ ...k }));
  const events: TraceEvent[] = [];
  policies.forEach((p, r) => {
    events.push({ name: 'process_name', ph: 'M', pid: r + 1, args: { name: p } });
    events.push({
      name: 'thread_name',
      ph: 'M',
      pid: r + 1,
      tid: 1,
      args: { name: 'memcg reclaim' },
    });
  });

  const h = run.history;
  const idx = opts.counters.map((c) =>
    ALL_COUNTERS.names.indexOf(c as (typeof ALL_COUNTERS.names)[number]),
  );
  for (let i = 0; i < h.length && h.refAt(i) <= end; i++) {
    policies.forEach((_, r) => {
      const v = h.valuesAt(i, r);
      idx.forEach((ci, j) =>
        events.push({
          name: opts.counters[j],
          ph: 'C',
          ts: us(h.refAt(i)),
          pid: r + 1,
          args: { value: v[ci] },
        }),
      );
    });
  }
  for (const k of knobLog)
    policies.forEach((_, r) =>
      events.push({
        name: `${k.knob}=${k.value}`,
        ph: 'i',
        s: 'p',
        ts: us(k.at),
        pid: r + 1,
        tid: 1,
      }),
    );

  const replay = new Comparison(scenario, policies, seed, {
    eventMode: 'all',
    maxCheckpointBytes: 1,
  });
  replay.knobLog = knobLog;
  replay.reset();
  replay.setEventMode('all', { kinds: [EV.RECLAIM] });
  const open: (number | null)[] = policies.map(() => null);
  let slices = 0;
  let truncated = false;
  while (replay.refIndex < end && !truncated) {
    const t0 = performance.now();
    while (replay.refIndex < end && performance.now() - t0 < opts.sliceMs) {
      replay.seek(Math.min(end, replay.refIndex + 4096));
      replay.sims.forEach((sim, r) => {
        const b = sim.events.drain();
        for (let i = 0; i < b.count; i++) {
          if (b.kind[i] !== EV.RECLAIM) continue;
          if (b.arg[i] === 1) open[r] = b.at[i];
          else if (open[r] !== null) {
            const start = open[r] as number;
            events.push({
              name: 'try_to_free_mem_cgroup_pages',
              ph: 'X',
              ts: us(start),
              dur: Math.max(us(b.at[i]) - us(start), 0.001),
              pid: r + 1,
              tid: 1,
            });
            open[r] = null;
            if (++slices >= opts.maxSlices) truncated = true;
          }
        }
      });
    }
    await yieldToLoop();
    // the client went away, or the run was deleted: stop replaying
    if (opts.signal?.aborted || run.disposed) throw new Cancelled();
  }
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: {
      runId: run.id,
      scenario: scenario.name,
      seed,
      policies: policies.join(','),
      refIndex: end,
      note: truncated
        ? `stopped after ${opts.maxSlices} reclaim slices`
        : end < run.cmp.refIndex
          ? `replayed only the first ${end} references`
          : 'complete',
    },
  };
}
