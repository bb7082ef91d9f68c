import { useEffect, useState } from 'react';
import type { StoreApi, UseBoundStore } from 'zustand';

/**
 * A store's `version` as React state, at most once per `ms` (the latest value always arrives,
 * trailing): views that need not follow every frame (charts, figures, heatmaps) re-render a few
 * times a second instead of on every SERIES or COUNTERS frame of every run.
 */
export function useThrottledVersion<S extends { version: number }>(
  store: UseBoundStore<StoreApi<S>>,
  ms: number,
): number {
  const [v, setV] = useState(() => store.getState().version);
  useEffect(() => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      last = performance.now();
      setV(store.getState().version);
    };
    const un = store.subscribe((s, p) => {
      if (s.version === p.version || timer) return;
      const wait = ms - (performance.now() - last);
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    });
    return () => {
      un();
      if (timer) clearTimeout(timer);
    };
  }, [store, ms]);
  return v;
}
