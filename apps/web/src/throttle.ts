import { useEffect, useRef, useState } from 'react';
import type { StoreApi, UseBoundStore } from 'zustand';

export interface PaceOptions<S> {
  /** At most one emission per this many milliseconds while the store keeps changing. */
  ms: number;
  /**
   * Delay of the first emission after subscribing, in milliseconds (default 0). Later emissions
   * keep the offset (each waits `ms` after the one before while changes keep coming), so views
   * given different phases update in different tasks instead of all in the one after a frame.
   */
  phase?: number;
  /** When true for the new state, emit at once (a paused run shows its exact state). */
  settled?: (s: S) => boolean;
}

interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(t: unknown): void;
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
};

/**
 * Calls `emit` with the store's state after changes, at most once per `ms`, trailing (the latest
 * state always arrives), and at once when `settled`. Returns the unsubscribe function.
 */
export function pace<S>(
  store: Pick<StoreApi<S>, 'subscribe' | 'getState'>,
  opts: PaceOptions<S>,
  emit: (s: S) => void,
  clock: Clock = realClock,
): () => void {
  const { ms, phase = 0, settled } = opts;
  let last = clock.now() - ms + phase;
  let timer: unknown = null;
  const flush = () => {
    timer = null;
    last = clock.now();
    emit(store.getState());
  };
  const un = store.subscribe((s) => {
    if (settled?.(s)) {
      if (timer !== null) clock.clearTimeout(timer);
      flush();
      return;
    }
    if (timer !== null) return;
    const wait = ms - (clock.now() - last);
    if (wait <= 0) flush();
    else timer = clock.setTimeout(flush, wait);
  });
  return () => {
    un();
    if (timer !== null) clock.clearTimeout(timer);
  };
}

/**
 * A slice of a store as React state, paced (see `pace`). The clock moves on every COUNTERS frame
 * (about 30 a second); a text that changes that often costs a style, layout and paint of the
 * page each time, yet nobody reads a number faster than a few times a second.
 */
export function useThrottledSlice<S, T>(
  store: UseBoundStore<StoreApi<S>>,
  select: (s: S) => T,
  ms: number,
  opts: Omit<PaceOptions<S>, 'ms'> = {},
): T {
  const [v, setV] = useState(() => select(store.getState()));
  // read through refs: callers pass fresh arrow functions on every render
  const selectRef = useRef(select);
  const settledRef = useRef(opts.settled);
  useEffect(() => {
    selectRef.current = select;
    settledRef.current = opts.settled;
  });
  const { phase } = opts;
  useEffect(() => {
    const show = (s: S) => {
      const next = selectRef.current(s);
      setV(() => next);
    };
    // a change while the effect was being attached is not lost
    show(store.getState());
    return pace(store, { ms, phase, settled: (s) => settledRef.current?.(s) ?? false }, show);
  }, [store, ms, phase]);
  return v;
}

/**
 * A store's `version` as React state, paced: views that need not follow every frame (charts,
 * figures, heatmaps) re-render a few times a second instead of on every SERIES or COUNTERS frame
 * of every run.
 */
export function useThrottledVersion<S extends { version: number }>(
  store: UseBoundStore<StoreApi<S>>,
  ms: number,
  phase = 0,
): number {
  return useThrottledSlice(store, versionOf, ms, { phase });
}

const versionOf = (s: { version: number }): number => s.version;

/**
 * How often the readouts that follow the clock (its text, the timeline's thumb, the column
 * heads' figures) change while playing. One period for all of them, so they change in the same
 * task: each change of the page costs a paint, layerize and commit of the whole document.
 */
export const READOUT_MS = 200;
