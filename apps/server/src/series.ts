import type { SeriesInfo } from '@agelab/protocol';
import { ALL_COUNTERS, GAUGES, type CounterName } from '@agelab/sim-core';
import type { CounterHistory } from './history.ts';

/**
 * The time series a viewer charts, by kernel name: counters as rates per simulated second over
 * each step of the counter history, gauges as their level at the point. Derived from the
 * counter history (sampled at fixed references), so identical runs give identical series.
 */
const SERIES_COUNTERS: readonly CounterName[] = [
  'pf_fixed',
  'exits',
  'pgmajfault',
  'pswpout',
  'pswpin',
  'sim_rmap_add',
  'sim_rmap_remove',
  'sim_rmap_desc_alloc',
  'sim_rmap_desc_free',
  'sim_ept_unmap_aging',
  'sim_false_old',
  'sim_hot_pages_swapped_out',
  'thp_split_page',
  'thp_collapse_alloc',
  'remote_tlb_flush',
  'sim_reclaim_passes',
  'usage_in_bytes',
  'limit_in_bytes',
  'nr_active_anon',
  'nr_inactive_anon',
  'nr_swapcache',
  'nr_anon_transparent_hugepages',
];

export const SERIES: readonly SeriesInfo[] = SERIES_COUNTERS.map((name) =>
  GAUGES.has(name)
    ? { name, kind: 'gauge', unit: name.endsWith('_bytes') ? 'bytes' : 'pages' }
    : { name, kind: 'rate', unit: '/s' },
);

const COLUMN = SERIES_COUNTERS.map((n) => ALL_COUNTERS.index[n]);
const IS_RATE = SERIES.map((s) => s.kind === 'rate');

/**
 * Points [a, b) of run `run`'s series: the reference index of each point, and points × series
 * values. A rate at point i is the counter's increase since point i−1 per simulated second
 * (0 at the first point of the run).
 */
export function seriesSlice(
  h: CounterHistory,
  run: number,
  a: number,
  b: number,
  rate: number,
): { at: Float64Array; values: Float64Array } {
  const w = COLUMN.length;
  const at = new Float64Array(b - a);
  const values = new Float64Array((b - a) * w);
  for (let i = a; i < b; i++) {
    const cur = h.valuesAt(i, run);
    const ref = h.refAt(i);
    at[i - a] = ref;
    const prev = i > 0 ? h.valuesAt(i - 1, run) : null;
    const dt = i > 0 ? (ref - h.refAt(i - 1)) / rate : 0;
    for (let j = 0; j < w; j++) {
      const v = cur[COLUMN[j]];
      values[(i - a) * w + j] = !IS_RATE[j] ? v : prev && dt > 0 ? (v - prev[COLUMN[j]]) / dt : 0;
    }
  }
  return { at, values };
}
