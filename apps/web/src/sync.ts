import { send } from './connection.ts';
import { useClock, useConn, useUi } from './store.ts';
import { formatUrlState } from './url-state.ts';
import { cellsFor } from './map/cells.ts';
import { serverLens } from './map/lens.ts';

/**
 * The viewport: whenever the zoom, the lens, the map size or the run changes, ask the server
 * for the cells of [from, to) (debounced, latest wins; one viewport for every run, since the
 * maps are linked).
 */
export function startViewportSync(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = '';
  const check = () => {
    const { welcome, status } = useConn.getState();
    const { zoom, lens, mapSize } = useUi.getState();
    if (!welcome || status !== 'open' || mapSize.w === 0) return;
    const [from, to] = zoom ?? [0, welcome.guestPages];
    const cells = cellsFor(to - from, mapSize.w, mapSize.h, welcome.limits.maxCells);
    const key = `${welcome.runId}|${useConn.getState().attempt}|${from}|${to}|${cells}|${serverLens(lens)}`;
    if (key === last) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (send({ type: 'viewport', from, to, cells, lens: serverLens(lens) })) last = key;
    }, 40);
  };
  const un = [
    useConn.subscribe((s, p) => {
      if (s.welcome !== p.welcome) last = '';
      if (s.welcome !== p.welcome || s.status !== p.status) check();
    }),
    useUi.subscribe((s, p) => {
      if (s.zoom !== p.zoom || s.lens !== p.lens || s.mapSize !== p.mapSize) check();
    }),
  ];
  check();
  return () => un.forEach((f) => f());
}

/**
 * The path and query that reproduce the view now: run, descriptor, time, lens, zoom. The address
 * bar follows it at most once a second while playing, so a link is built from this, not read
 * from the bar.
 */
export function currentPath(): string {
  const { runId, descriptor } = useConn.getState();
  const { lens, zoom } = useUi.getState();
  const time = useClock.getState().time;
  const q = formatUrlState({
    run: runId ?? undefined,
    descriptor: descriptor ?? undefined,
    time: time > 0 ? time : undefined,
    lens,
    zoom: zoom ?? undefined,
  });
  return `${location.pathname}${q}`;
}

/** Keep the address bar reproducing the view: run, descriptor, time, lens, zoom (time at most once a second). */
export function startUrlSync(): () => void {
  let lastWrite = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = () => {
    timer = null;
    lastWrite = Date.now();
    const next = currentPath();
    if (next !== `${location.pathname}${location.search}`) history.replaceState(null, '', next);
  };
  const schedule = () => {
    if (timer) return;
    timer = setTimeout(write, Math.max(0, 1000 - (Date.now() - lastWrite)));
  };
  const now = () => {
    if (timer) clearTimeout(timer);
    write();
  };
  const un = [
    useConn.subscribe((s, p) => {
      if (s.runId !== p.runId || s.descriptor !== p.descriptor) now();
    }),
    useUi.subscribe((s, p) => {
      if (s.lens !== p.lens || s.zoom !== p.zoom) now();
    }),
    useClock.subscribe((s, p) => {
      if (s.time !== p.time) {
        if (s.playing) schedule();
        else now();
      }
    }),
  ];
  return () => un.forEach((f) => f());
}
