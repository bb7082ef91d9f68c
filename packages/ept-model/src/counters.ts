/**
 * A fixed set of named counters stored in one Float64Array, so that a whole run's counters can be
 * copied, compared and sent as one vector. Names are the kernel's (vmstat, memcg, KVM debugfs);
 * counters the kernel does not have carry a `sim_` prefix.
 */
export interface CounterLayout<N extends string> {
  readonly names: readonly N[];
  readonly index: Readonly<Record<N, number>>;
}

export function defineCounters<const N extends string>(names: readonly N[]): CounterLayout<N> {
  const index = {} as Record<N, number>;
  names.forEach((name, i) => {
    if (name in index) throw new Error(`counter ${name} defined twice`);
    index[name] = i;
  });
  return { names, index };
}

export function countersToRecord<N extends string>(
  layout: CounterLayout<N>,
  values: Float64Array,
  offset = 0,
): Record<N, number> {
  const out = {} as Record<N, number>;
  layout.names.forEach((n, i) => (out[n] = values[offset + i]));
  return out;
}
