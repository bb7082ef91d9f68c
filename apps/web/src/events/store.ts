import { create } from 'zustand';
import type { EventsFrame, EventsMsg, WelcomeMsg } from '@agelab/protocol';
import { useConn } from '../store.ts';
import { DEFAULT_CAPACITY, EventRing } from './ring.ts';
import { subscribedKinds } from './words.ts';

/**
 * The events of the run, as the server streams them to a subscriber (docs/protocol.md, EVENTS):
 * every event of each step while stepping, a uniform sample while playing (the rest counted as
 * dropped). The records live in one bounded ring of typed arrays (`eventRing`); the store holds
 * the filters, the counts and a version that changes with the ring, so views redraw on it.
 * It also keeps, per run, the aging branch `kvm_age_rmapp` took last (the kernel code panel).
 */

/** The branch of kvm_age_rmapp a run took last, from its AGE (and EPT_UNMAP) events. */
export interface AgeBranch {
  gfn: number;
  /** Reference index. */
  at: number;
  /** kvm_age_rmapp's answer. */
  young: boolean;
  /** The answer came from dropping sptes (unmap emulation). */
  unmapped: boolean;
  /** Which reclaim list asked: shrink_active_list or shrink_page_list. */
  caller: 'shrink_active_list' | 'shrink_page_list' | 'other';
}

/** What shrink_page_list last decided for a page of a run. */
export interface PageListDecision {
  gfn: number;
  at: number;
  what: 'activate' | 'swap_out' | 'keep_clean';
}

export interface EventsState {
  version: number;
  /** Events sampled out while playing, per run, since the log was cleared. */
  dropped: number[];
  /** Kind filter (an event name), or null for every kind. */
  kind: string | null;
  /** Run filter (index in welcome.policies), or null for every run. */
  run: number | null;
  /** Reference index where the latest step (or seek) started, while not playing. */
  stepFrom: number | null;
  branch: (AgeBranch | null)[];
  decision: (PageListDecision | null)[];
}

export const useEvents = create<EventsState>(() => ({
  version: 0,
  dropped: [],
  kind: null,
  run: null,
  stepFrom: null,
  branch: [],
  decision: [],
}));

export const eventRing = new EventRing(DEFAULT_CAPACITY);

/** Per run, the reference index of its newest record (to notice a seek back). */
let lastAt: number[] = [];
/** Event kind numbers by name, from the welcome. */
let kindOf: Record<string, number> = {};

/**
 * A new welcome (a join, a reconnect, another run): clear the log and ask for the events again.
 * Returns the subscription message for the socket to send.
 */
export function eventsOnWelcome(m: WelcomeMsg): EventsMsg {
  eventRing.clear();
  lastAt = m.policies.map(() => -1);
  kindOf = Object.fromEntries(m.eventNames.map((n, k) => [n, k]));
  const n = m.policies.length;
  useEvents.setState((s) => ({
    version: s.version + 1,
    dropped: new Array<number>(n).fill(0),
    run: s.run !== null && s.run < n ? s.run : null,
    stepFrom: null,
    branch: new Array<AgeBranch | null>(n).fill(null),
    decision: new Array<PageListDecision | null>(n).fill(null),
  }));
  const cap = m.limits.maxEventsPerSecond;
  return {
    type: 'events',
    kinds: subscribedKinds(m.eventNames),
    maxPerSecond: Math.max(1, Math.min(5000, cap)),
  };
}

/** An EVENTS frame from the socket. */
export function onEventsFrame(f: EventsFrame): void {
  const r = f.runIndex;
  if (r >= lastAt.length) return;
  const n = f.kind.length;
  if (n > 0 && f.at[0] <= lastAt[r]) {
    // the run went back (a seek or reset): what followed is simulated again, drop it
    const from = f.at[0];
    eventRing.dropFrom(from);
    lastAt = lastAt.map((a) => Math.min(a, from - 1));
  }
  eventRing.push(r, f);
  if (n > 0) lastAt[r] = f.at[n - 1];
  const s = useEvents.getState();
  const branch = scanBranch(f, s.branch[r] ?? null);
  const decision = scanDecision(f, s.decision[r] ?? null);
  const patch: Partial<EventsState> = { version: s.version + 1 };
  // a new array only when the count moved: the log re-renders when `dropped` changes
  if (f.dropped > 0) patch.dropped = replaceAt(s.dropped, r, (s.dropped[r] ?? 0) + f.dropped);
  if (branch !== s.branch[r]) patch.branch = replaceAt(s.branch, r, branch);
  if (decision !== s.decision[r]) patch.decision = replaceAt(s.decision, r, decision);
  useEvents.setState(patch);
}

function replaceAt<T>(a: T[], i: number, v: T): T[] {
  const out = a.slice();
  out[i] = v;
  return out;
}

const pathName = (p: number): string => useConn.getState().welcome?.kernelPaths[p] ?? '';

/** The newest AGE record of a frame, with whether sptes were dropped for it at that moment. */
export function scanBranch(f: EventsFrame, prev: AgeBranch | null): AgeBranch | null {
  const AGE = kindOf.age;
  const UNMAP = kindOf.ept_unmap;
  for (let i = f.kind.length - 1; i >= 0; i--) {
    if (f.kind[i] !== AGE) continue;
    const at = f.at[i];
    const gfn = f.gfn[i];
    let unmapped = false;
    // kvm_unmap_rmapp's EPT_UNMAP comes just before its AGE, at the same reference, in the same frame
    for (let j = i - 1; j >= 0 && f.at[j] === at; j--)
      if (
        f.kind[j] === UNMAP &&
        (f.gfn[j] === gfn || (f.arg[j] === 2 && f.gfn[j] >>> 9 === gfn >>> 9))
      )
        unmapped = true;
    const path = pathName(f.path[i]);
    const caller = path.startsWith('shrink_active_list')
      ? 'shrink_active_list'
      : path.includes('shrink_page_list')
        ? 'shrink_page_list'
        : 'other';
    return { gfn, at, young: f.arg[i] === 1, unmapped, caller };
  }
  return prev;
}

function scanDecision(f: EventsFrame, prev: PageListDecision | null): PageListDecision | null {
  for (let i = f.kind.length - 1; i >= 0; i--) {
    const k = f.kind[i];
    if (k === kindOf.swap_out) return { gfn: f.gfn[i], at: f.at[i], what: 'swap_out' };
    if (k === kindOf.reclaim_clean_keep) return { gfn: f.gfn[i], at: f.at[i], what: 'keep_clean' };
    if (k === kindOf.lru_activate && pathName(f.path[i]).startsWith('shrink_page_list'))
      return { gfn: f.gfn[i], at: f.at[i], what: 'activate' };
  }
  return prev;
}

export interface LogFilter {
  /** Event kind number, or −1 for every kind. */
  kind: number;
  /** Run index, or null for every run. */
  run: number | null;
  /** Simulated seconds [t0, t1] (the charts' brush), or null for all time. */
  window: [number, number] | null;
  /** References per simulated second. */
  rate: number;
}

/** The rows of the ring the log shows, oldest first, as row numbers in `out`. */
export function filterRows(
  ring: EventRing,
  f: LogFilter,
  out?: Uint32Array,
): { rows: Uint32Array; n: number } {
  const r0 = f.window ? f.window[0] * f.rate : -Infinity;
  const r1 = f.window ? f.window[1] * f.rate : Infinity;
  const { kind: K, run: R, at: A } = ring;
  return ring.filter(
    (s) =>
      (f.kind < 0 || K[s] === f.kind) &&
      (f.run === null || R[s] === f.run) &&
      A[s] >= r0 &&
      A[s] <= r1,
    out,
  );
}

/** Filter setters (labelled controls of the log). */
export const setKindFilter = (kind: string | null): void => useEvents.setState({ kind });
export const setRunFilter = (run: number | null): void => useEvents.setState({ run });

// A step or seek while paused: remember where it started, so the log can say which rows it made.
useConn.subscribe((s, p) => {
  const now = s.run;
  const before = p.run;
  if (!now || now.playing || !now.busy || before?.busy) return;
  useEvents.setState({ stepFrom: before?.refIndex ?? now.refIndex });
});
