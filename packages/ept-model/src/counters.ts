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
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`counter ${name} defined twice`);
    seen.add(name);
  }
  // Object.fromEntries, not one keyed store per name: V8 keeps an object filled by keyed stores
  // in dictionary mode, and every `mm.c[C.pgscan…]++` of the kernel code is then a name lookup
  // at run time (a tenth of the classic boot's time; apps/server/src/clone-shape.test.ts checks).
  const index = Object.fromEntries(names.map((name, i) => [name, i])) as Record<N, number>;
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
